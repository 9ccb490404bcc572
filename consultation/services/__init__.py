"""Functions that write: one module per concern. Views call these; they call the rules."""
