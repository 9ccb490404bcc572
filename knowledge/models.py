"""Knowledge library models."""
