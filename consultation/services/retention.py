"""The retention rule: the words of a withdrawn contribution are kept for the audit trail
for CONSULTATION_WITHDRAWN_RETENTION_DAYS, then removed (with their earlier versions)."""

from django.db import transaction
from django.utils import timezone

from consultation import conf
from consultation.models import AuditAction, AuditEntry, Comment, CommentEdit, Status


@transaction.atomic
def withdrawn_purge(*, now=None):
    """Remove the text of contributions withdrawn before the retention period; returns how
    many were purged. Safe to run as often as you like."""
    now = now or timezone.now()
    due = list(
        Comment.objects.select_for_update()
        .filter(
            status=Status.WITHDRAWN,
            purged_at__isnull=True,
            withdrawn_at__lte=now - conf.withdrawn_retention(),
        )
        .values_list("pk", "author_id")
    )
    if not due:
        return 0
    ids = [pk for pk, _author in due]
    CommentEdit.objects.filter(comment_id__in=ids).delete()
    Comment.objects.filter(pk__in=ids).update(body="", title="", purged_at=now)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            action=AuditAction.PURGE,
            comment_id=pk,
            subject_id=author_id,
            reason=f"Retention period of {conf.withdrawn_retention().days} days ended.",
        )
        for pk, author_id in due
    )
    return len(due)
