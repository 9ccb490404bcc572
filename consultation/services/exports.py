"""Recording downloads of feedback: every export is an entry in the one audit log, saying
who downloaded what (the search, as its parameters and in words), in which format, and how
many items it held."""

from consultation.models import AuditAction
from hub.core.audit import audit_record


def download_record(*, user, query, count, format_name):
    """Write the audit entry of a download of `count` items found by `query` (a
    FeedbackQuery); when is the entry's time."""
    return audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        data={
            "format": format_name,
            "count": count,
            "query": [list(pair) for pair in query.as_params(page=1)],
            "searched": query.parsed.describe(),
        },
    )
