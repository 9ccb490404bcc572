"""Scripts that measure the hub and print figures against a baseline from the same run."""
