"""Read-only queries of the moderation area: the queues, one item with its history, a
participant's record and the audit log. Moderators see names, sectors and organisations,
never email addresses. A fixed number of queries a page."""

from dataclasses import dataclass

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q

from consultation import conf, naming
from consultation.models import AuditAction, BlockedUser, Comment, Flag, Status, action_label
from consultation.selectors.threads import comment_get
from hub.core.models import AuditEntry


@dataclass
class QueueItem:
    comment: Comment
    flags: list
    author_summary: object
    label: str  # naming.label: who wrote it, where, and its first words


@dataclass
class AuthorSummary:
    """What moderators see of an author: never their email address."""

    user_id: int | None
    public_name: str
    display_name: str
    sector: str
    organisation: str
    blocked: bool

    @property
    def name(self):
        return self.display_name or self.public_name


def moderator_view_name(user):
    """How moderators name an author: their display name even if it is not shown publicly."""
    if user is None:
        return "a former participant"
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile else "") or user.public_name


def moderation_label(comment, numbers, *, with_excerpt=True):
    """naming.label as moderators read it (the author's display name)."""
    return naming.label(
        comment,
        author_name=moderator_view_name(comment.author),
        numbers=numbers,
        with_excerpt=with_excerpt,
    )


def author_summary(user, blocked_ids):
    if user is None:
        return AuthorSummary(None, "A former participant", "", "", "", False)
    profile = getattr(user, "profile", None)
    return AuthorSummary(
        user_id=user.pk,
        public_name=user.public_name,
        display_name=profile.display_name if profile else "",
        sector=profile.get_sector_display() if profile else "",
        organisation=profile.organisation if profile else "",
        blocked=user.pk in blocked_ids,
    )


def comment_author_summary(comment, blocked_ids):
    """The author of a comment, with the sector and organisation they wrote it from (kept
    on the comment, even if the profile changed or the account is gone since)."""
    summary = author_summary(comment.author, blocked_ids)
    summary.sector = comment.get_author_sector_display()
    summary.organisation = comment.author_organisation
    return summary


QUEUES = {
    "waiting": "Waiting for approval",
    "flagged": "Reported by participants",
    "hidden": "Hidden or rejected",
}


def moderation_queue(*, queue, consultation_id=None, page_number=1):
    qs = Comment.objects.select_related(
        "consultation", "section", "topic", "author__profile"
    ).order_by("created_at", "pk")
    if consultation_id:
        qs = qs.filter(consultation_id=consultation_id)
    if queue == "flagged":
        qs = qs.filter(_open_flags(), status=Status.PUBLISHED)
    elif queue == "hidden":
        qs = qs.filter(status__in=Status.MODERATED_AWAY).order_by("-created_at", "-pk")
    else:
        qs = qs.filter(status=Status.PENDING)
    page = Paginator(qs, conf.COMMENTS_PER_PAGE).get_page(page_number)
    comments = list(page.object_list)
    flags = {}
    for flag in Flag.objects.filter(comment__in=comments, resolved_at__isnull=True).order_by(
        "created_at"
    ):
        flags.setdefault(flag.comment_id, []).append(flag)
    blocked = set(
        BlockedUser.objects.filter(user_id__in={c.author_id for c in comments}).values_list(
            "user_id", flat=True
        )
    )
    numbers = naming.ParagraphNumbers()
    items = [
        QueueItem(
            c, flags.get(c.pk, []), comment_author_summary(c, blocked), moderation_label(c, numbers)
        )
        for c in comments
    ]
    return page, items


def queue_counts(consultation_id=None):
    qs = Comment.objects.all()
    if consultation_id:
        qs = qs.filter(consultation_id=consultation_id)
    counts = qs.aggregate(
        waiting=Count("pk", filter=Q(status=Status.PENDING)),
        hidden=Count("pk", filter=Q(status__in=Status.MODERATED_AWAY)),
        flagged=Count("pk", filter=Q(_open_flags(), status=Status.PUBLISHED)),
    )
    return counts


def _open_flags():
    return Exists(Flag.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True))


def moderation_item(comment_id):
    comment = comment_get(comment_id)
    if comment is None:
        return None
    blocked = set(
        BlockedUser.objects.filter(user_id=comment.author_id).values_list("user_id", flat=True)
    )
    numbers = naming.ParagraphNumbers()
    return {
        "comment": comment,
        "label": moderation_label(comment, numbers),
        "short_label": moderation_label(comment, numbers, with_excerpt=False),
        "place": naming.place(comment, numbers),
        "author": comment_author_summary(comment, blocked),
        "flags": list(comment.flags.select_related("flagged_by__profile").order_by("created_at")),
        "history": list(comment.edits.all()),
        "log": _log_rows(_log_entries(comment.audit_entries.order_by("created_at", "pk"))),
    }


@dataclass
class LogRow:
    entry: AuditEntry
    action: str  # the action as the moderation pages name it
    comment: Comment | None  # the contribution it is about; None for blocks and unblocks
    label: str  # that contribution, named; empty for blocks and unblocks


def _log_entries(entries):
    """Audit entries of the moderation log (the consultation's actions), with what the page
    shows of each loaded alongside: who, whom, and the contribution it is about (a generic
    target: one query for all the comments)."""
    about = Comment.objects.select_related("section", "topic", "consultation", "author__profile")
    return (
        entries.filter(action__in=AuditAction.values)
        .select_related("actor__profile", "subject__profile")
        .prefetch_related(GenericPrefetch("target", [about]))
    )


def _log_rows(entries):
    numbers = naming.ParagraphNumbers()
    rows = []
    for entry in entries:
        comment = entry.target if isinstance(entry.target, Comment) else None
        label = moderation_label(comment, numbers, with_excerpt=False) if comment else ""
        rows.append(LogRow(entry, action_label(entry.action), comment, label))
    return rows


def participant_summary(user):
    comments = (
        Comment.objects.filter(author=user)
        .select_related("consultation", "section", "topic", "author__profile")
        .order_by("-created_at", "-pk")[:50]
    )
    numbers = naming.ParagraphNumbers()
    counts = Comment.objects.filter(author=user).aggregate(
        total=Count("pk"),
        hidden=Count("pk", filter=Q(status__in=Status.MODERATED_AWAY)),
    )
    block = BlockedUser.objects.filter(user=user).first()
    return {
        "author": author_summary(user, {user.pk} if block else set()),
        "participant_block": block,
        "comments": [(comment, moderation_label(comment, numbers)) for comment in comments],
        "counts": counts,
        "log": _log_rows(_log_entries(AuditEntry.objects.filter(subject=user))[:50]),
    }


def audit_log(*, page_number=1, action=""):
    """(page, [LogRow]) of the moderation log, newest first, 50 entries a page."""
    qs = _log_entries(AuditEntry.objects.all())
    if action:
        qs = qs.filter(action=action)
    page = Paginator(qs, 50).get_page(page_number)
    return page, _log_rows(page.object_list)
