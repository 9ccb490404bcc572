"""The retention rule: the words of a withdrawn contribution are kept for the audit trail
for CONSULTATION_WITHDRAWN_RETENTION_DAYS, then removed (with their earlier versions)."""

from django.db import transaction
from django.utils import timezone

from consultation import conf
from consultation.feedback import sync as feedback_sync
from consultation.models import AuditAction, Comment, CommentEdit, Status
from hub.core.audit import audit_entry, audit_record_many
from hub.core.page_cache import site_changed


@transaction.atomic
def withdrawn_purge(*, now=None):
    """Remove the text of contributions withdrawn before the retention period; returns how
    many were purged. Safe to run as often as you like."""
    now = now or timezone.now()
    due = list(
        Comment.objects.select_for_update(of=("self",))
        .filter(
            status=Status.WITHDRAWN,
            purged_at__isnull=True,
            withdrawn_at__lte=now - conf.withdrawn_retention(),
        )
        .select_related("author")
    )
    if not due:
        return 0
    ids = [comment.pk for comment in due]
    CommentEdit.objects.filter(comment_id__in=ids).delete()
    Comment.objects.filter(pk__in=ids).update(text="", body="", title="", purged_at=now)
    feedback_sync.comments_changed(Comment.objects.filter(pk__in=ids))
    reason = f"Retention period of {conf.withdrawn_retention().days} days ended."
    audit_record_many(
        audit_entry(
            actor=None,
            action=AuditAction.PURGE,
            target=comment,
            subject=comment.author,
            reason=reason,
        )
        for comment in due
    )
    site_changed()
    return len(due)
