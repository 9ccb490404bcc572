"""Read-only queries of the consultation app."""
