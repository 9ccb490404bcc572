"""The synthesis pages' forms, one module per concern."""
