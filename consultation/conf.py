"""The consultation app's settings, read when used so tests and deployments can change them.
Their defaults are written once, in hub/settings/base.py."""

from datetime import timedelta

from django.conf import settings


def edit_window_minutes():
    return settings.CONSULTATION_EDIT_WINDOW_MINUTES


def edit_window():
    return timedelta(minutes=edit_window_minutes())


def withdrawn_retention_days():
    return settings.CONSULTATION_WITHDRAWN_RETENTION_DAYS


def withdrawn_retention():
    return timedelta(days=withdrawn_retention_days())


def max_characters():
    return settings.CONSULTATION_MAX_CHARACTERS


def max_title_characters():
    return 150


def max_links():
    return settings.CONSULTATION_MAX_LINKS


RATE_LIMIT_SETTINGS = {
    # Writing words: enough for anyone typing by hand.
    "post": "CONSULTATION_RATE_LIMITS",
    # Reports to the moderators: the same numbers as contributions, counted on their own.
    "flag": "CONSULTATION_RATE_LIMITS",
    # Agreeing or disagreeing is one click: a reader going down a page clicks many.
    "react": "CONSULTATION_REACTION_RATE_LIMITS",
    # Saving a questionnaire page (and submitting): a person answering goes page by page,
    # saving each, and may go back and forth; a script saving in a loop writes items,
    # their search index and receipts.
    "answer": "CONSULTATION_ANSWER_RATE_LIMITS",
}


def rate_limits(action="post"):
    """The limits on one kind of write (CONSULTATION_RATE_LIMITS for contributions and
    reports, CONSULTATION_REACTION_RATE_LIMITS for reactions), e.g. "5/m/user,40/h/user,30/m/ip":
    a list of (count, seconds, scope) with scope "user" or "ip"."""
    spec = getattr(settings, RATE_LIMIT_SETTINGS[action])
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


# On the section page, each paragraph shows its first threads and each thread its first
# replies; "show all" pages list the rest. Counts are always the full counts.
THREADS_PER_PARAGRAPH = 5
REPLIES_PER_THREAD = 10
COMMENTS_PER_PAGE = 30
# A conversation's own page shows its replies this many at a time, in reading order.
REPLIES_PER_PAGE = 50
