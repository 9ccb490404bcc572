"""Moderation: participants flag, moderators decide (approve, hide, reject, with a reason
the author sees), block and unblock participants. Everything lands in the audit log.
Notes and reasons are stored as plain text (hub.core.sanitise's PLAIN profile)."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from consultation import rules
from consultation.feedback import sync as feedback_sync
from consultation.models import AuditAction, BlockedUser, Comment, Flag, Status
from consultation.services.comments import NotAllowed, notify_after_commit
from hub.core.audit import audit_record
from hub.core.page_cache import site_changed
from hub.core.sanitise import sanitise_plain

# Which decisions can be taken on a contribution in each state.
ALLOWED_DECISIONS = {
    # Rejecting is for what was never shown; what was shown is hidden, so that a thread
    # with replies keeps its place (shown as "hidden by a moderator").
    Status.PENDING: (AuditAction.APPROVE, AuditAction.REJECT),
    Status.PUBLISHED: (AuditAction.APPROVE, AuditAction.HIDE),
    Status.HIDDEN: (AuditAction.APPROVE,),
    Status.REJECTED: (AuditAction.APPROVE,),
    Status.WITHDRAWN: (),
}
NEW_STATUS = {
    AuditAction.APPROVE: Status.PUBLISHED,
    AuditAction.HIDE: Status.HIDDEN,
    AuditAction.REJECT: Status.REJECTED,
}


def flag_create(*, user, comment, reason, note=""):
    """Report a contribution to the moderators; a second report by the same person while
    their first is open is a no-op. Returns (flag, created)."""
    if not rules.can_flag(user, comment):
        raise NotAllowed("You cannot report this.")
    note = sanitise_plain(note)
    try:
        with transaction.atomic():
            flag = Flag.objects.create(comment=comment, flagged_by=user, reason=reason, note=note)
            audit_record(
                actor=user,
                action=AuditAction.FLAG,
                target=comment,
                subject=comment.author,
                reason=f"{flag.get_reason_display()}. {note}".strip(),
            )
    except IntegrityError:
        return Flag.objects.get(comment=comment, flagged_by=user, resolved_at__isnull=True), False
    return flag, True


@transaction.atomic
def decision_create(*, moderator, comment, action, reason, now=None):
    """Record a moderator's decision and apply it. Returns the audit entry (the decision:
    `.target`, `.action`, `.reason`). Open flags on the contribution are resolved by it; its
    author and the people who reported it are told (as each chose)."""
    if not rules.can_moderate(moderator):
        raise NotAllowed("Only moderators can decide.")
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if action not in ALLOWED_DECISIONS[comment.status]:
        raise NotAllowed(f"A {comment.get_status_display().lower()} item cannot be {action}d.")
    reason = sanitise_plain(reason)
    was_visible = comment.status == Status.PUBLISHED
    now = now or timezone.now()
    comment.status = NEW_STATUS[action]
    comment.status_reason = reason
    comment.save(update_fields=["status", "status_reason"])
    feedback_sync.comment_saved(comment)
    decision = audit_record(
        actor=moderator, action=action, target=comment, subject=comment.author, reason=reason
    )
    reports = Flag.objects.resolve(comment=comment, resolution=decision, when=now)
    site_changed()  # shown, hidden or taken out of the counts on the public pages
    notify_after_commit("notify_moderation_decision", decision)
    if reports:
        notify_after_commit("notify_report_outcome", decision)
    if comment.is_reply and not was_visible and comment.status == Status.PUBLISHED:
        notify_after_commit("notify_reply", comment)
    return decision


@transaction.atomic
def participant_block(*, moderator, user, reason):
    if not rules.can_moderate(moderator):
        raise NotAllowed("Only moderators can block participants.")
    if user.pk == moderator.pk or rules.in_moderation_team(user):
        raise NotAllowed("Moderators cannot be blocked here.")
    reason = sanitise_plain(reason)
    block, created = BlockedUser.objects.get_or_create(
        user=user, defaults={"blocked_by": moderator, "reason": reason}
    )
    if created:
        audit_record(actor=moderator, action=AuditAction.BLOCK, subject=user, reason=reason)
    return block


@transaction.atomic
def participant_unblock(*, moderator, user, reason=""):
    if not rules.can_moderate(moderator):
        raise NotAllowed("Only moderators can unblock participants.")
    deleted, _ = BlockedUser.objects.filter(user=user).delete()
    if deleted:
        audit_record(
            actor=moderator,
            action=AuditAction.UNBLOCK,
            subject=user,
            reason=sanitise_plain(reason),
        )
    return bool(deleted)
