"""The demo codebook: themes for the demo consultation, drawn from the five ambitions of
the draft strategy."""


def load(stdout):
    """Filled in by the workspace work: themes, coded and uncoded items."""
