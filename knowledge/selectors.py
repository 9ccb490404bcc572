"""Read-only queries of the knowledge library."""


def evidence_for_section(*, section):
    """Library resources that support a strategy section."""
    return []
