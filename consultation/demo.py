"""Demo content of the consultation app (filled in with consultations)."""


def load(stdout):
    return None
