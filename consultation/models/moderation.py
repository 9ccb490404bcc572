"""Moderation: flags raised by participants, blocks on participants, and the actions the
consultation writes to the audit log (hub.core's AuditEntry) for every decision and every
change of state (who, what, when, why).

A moderator's decision is an audit entry whose action is approve, hide or reject; its
`target` is the comment or post and its `reason` is shown to the author."""

from django.conf import settings
from django.db import models


class FlagReason(models.TextChoices):
    SPAM = "spam", "Spam or advertising"
    ABUSE = "abuse", "Abusive, hateful or harassing"
    PERSONAL = "personal", "Shares someone's personal information"
    OFF_TOPIC = "off_topic", "Off topic"
    MISINFORMATION = "misinformation", "Misleading or false"
    OTHER = "other", "Something else"


class FlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)

    def resolve(self, *, comment, resolution, when):
        """Close the open reports on `comment`, recording what closed them (a decision, or
        the author's withdrawal) so each reporter can be told. Returns how many were open."""
        return self.open().filter(comment=comment).update(resolved_at=when, resolution=resolution)


class Flag(models.Model):
    comment = models.ForeignKey(
        "consultation.Comment", on_delete=models.CASCADE, related_name="flags"
    )
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultation_flags"
    )
    reason = models.CharField(max_length=16, choices=FlagReason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # What closed the report: a moderator's decision, or its author withdrawing the words.
    # The reporter is told the outcome (their contributions page; an email if they chose).
    resolution = models.ForeignKey(
        "core.AuditEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolved_flags",
    )

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One open report per person; once a moderator has resolved it, they can
            # report the same contribution again (after an abusive edit, say).
            models.UniqueConstraint(
                fields=["comment", "flagged_by"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_flag_per_person",
            )
        ]

    def __str__(self):
        return f"Flag on {self.comment_id}: {self.reason}"

    @property
    def outcome(self):
        """What the person who reported it is told happened."""
        if self.resolved_at is None:
            return "Open: a moderator will look at it."
        action = self.resolution.action if self.resolution_id else ""
        return FLAG_OUTCOMES.get(action, "Closed by a moderator.")


class BlockedUser(models.Model):
    """A participant who may no longer write anything; they are told why."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultation_block"
    )
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Block on participant {self.user_id}"


class AuditAction(models.TextChoices):
    APPROVE = "approve", "Approved"
    HIDE = "hide", "Hidden"
    REJECT = "reject", "Rejected"
    FLAG = "flag", "Reported by a participant"
    EDIT = "edit", "Edited by author"
    WITHDRAW = "withdraw", "Withdrawn by author"
    PURGE = "purge", "Withdrawn text removed (retention)"
    BLOCK = "block", "Participant blocked"
    UNBLOCK = "unblock", "Participant unblocked"
    EXPORT = "export", "Feedback downloaded"


DECISIONS = (AuditAction.APPROVE, AuditAction.HIDE, AuditAction.REJECT)


def is_decision(entry):
    """Whether an audit entry is a moderator's decision (approve, hide or reject)."""
    return entry.action in DECISIONS


def action_label(action):
    """How the moderation pages name an action of the audit log."""
    return AuditAction(action).label if action in AuditAction.values else action


# A report's outcome, by the action that closed it, as its reporter reads it.
FLAG_OUTCOMES = {
    AuditAction.APPROVE: "A moderator checked it and found it within the rules: it stays.",
    AuditAction.HIDE: "A moderator hid it: nobody else sees its words now.",
    AuditAction.REJECT: "A moderator rejected it: nobody else sees its words now.",
    AuditAction.WITHDRAW: "Its author withdrew it before a moderator decided.",
}
