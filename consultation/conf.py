"""The consultation app's settings, with their defaults (see hub/settings/base.py)."""

from datetime import timedelta

from django.conf import settings


def edit_window():
    return timedelta(minutes=getattr(settings, "CONSULTATION_EDIT_WINDOW_MINUTES", 15))


def withdrawn_retention():
    return timedelta(days=getattr(settings, "CONSULTATION_WITHDRAWN_RETENTION_DAYS", 30))


def max_characters():
    return getattr(settings, "CONSULTATION_MAX_CHARACTERS", 5000)


def max_title_characters():
    return 150


def max_links():
    return getattr(settings, "CONSULTATION_MAX_LINKS", 3)


def rate_limits():
    """Parsed CONSULTATION_RATE_LIMITS, e.g. "5/m/user,40/h/user,30/m/ip": a list of
    (count, seconds, scope) with scope "user" or "ip"."""
    spec = getattr(settings, "CONSULTATION_RATE_LIMITS", "5/m/user,40/h/user,30/m/ip")
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    limits = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        count, period, scope = part.split("/")
        seconds = int(period[:-1] or 1) * units[period[-1]]
        limits.append((int(count), seconds, scope))
    return limits


def trusted_proxy_count():
    return getattr(settings, "CONSULTATION_TRUSTED_PROXY_COUNT", 0)


# On the section page, each paragraph shows its first threads and each thread its first
# replies; "show all" pages list the rest. Counts are always the full counts.
THREADS_PER_PARAGRAPH = 5
REPLIES_PER_THREAD = 10
COMMENTS_PER_PAGE = 30
