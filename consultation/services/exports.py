"""Recording downloads of feedback: every export is an entry in the one audit log, saying
who downloaded what (the search, as its parameters and in words, or every item or response
of a consultation), in which format, whether anonymised, and how many rows it held."""

from consultation.models import AuditAction
from hub.core.audit import audit_record


def download_record(*, user, query, count, format_name, anonymised=False):
    """Write the audit entry of a download of `count` items found by `query` (a
    FeedbackQuery); when is the entry's time."""
    return audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        data={
            "format": format_name,
            "anonymised": anonymised,
            "count": count,
            "query": [list(pair) for pair in query.as_params(page=1)],
            "searched": query.parsed.describe(),
        },
    )


def export_record(*, user, consultation, what, format_name, anonymised, count):
    """Write the audit entry of an export of every `what` (items or responses) of
    `consultation`, by `user` (None from the command line)."""
    return audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        target=consultation,
        data={
            "what": what,
            "consultation": consultation.slug,
            "format": format_name,
            "anonymised": anonymised,
            "count": count,
        },
    )
