"""Read-only queries of the consultation app."""


def consultations_open():
    """Consultations open now, soonest closing first."""
    return []


def section_discussion(*, section, request):
    """Context the section page needs to show comments; empty until consultations exist."""
    return {}
