"""Read-only queries of the consultation app. Every function here asks a fixed number of
queries whatever the number of comments (tests bound them)."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from consultation import anchoring, conf, rules
from consultation.models import (
    AuditEntry,
    BlockedUser,
    Comment,
    Consultation,
    Flag,
    Kind,
    Status,
    Topic,
)
from consultation.threads import VersionLabeller, assemble, prepare, visible_q

COMMENT_RELATED = ("author__profile",)


def consultations_open(now=None):
    """Consultations open now, soonest closing first."""
    return list(Consultation.objects.open_at(now or timezone.now()).order_by("closes_at", "pk"))


def consultations_listed(now=None):
    """Open, upcoming and closed consultations, for the consultations index."""
    now = now or timezone.now()
    everything = list(Consultation.objects.order_by("closes_at", "pk"))
    return {
        "open": [c for c in everything if c.state(now) == "open"],
        "upcoming": [c for c in everything if c.state(now) == "upcoming"],
        "closed": [c for c in reversed(everything) if c.state(now) == "closed"],
    }


def consultation_for_section(section, now=None):
    """The consultation a section page shows: the open one closing soonest, else the next
    to open, else the one that closed last."""
    now = now or timezone.now()
    candidates = list(Consultation.objects.filter(sections=section).order_by("closes_at", "pk"))
    for state in ("open", "upcoming"):
        for consultation in candidates:
            if consultation.state(now) == state:
                return consultation
    return candidates[-1] if candidates else None


@dataclass
class SectionCount:
    section: object
    comments: int


def sections_with_counts(*, consultation, user, privacy):
    """The live sections a consultation covers that the reader may see (`privacy`: Wagtail
    page privacy, hub.pages.privacy), in the draft's order, with the number of comments the
    reader can see on each. Two queries."""
    counts = dict(
        Comment.objects.filter(consultation=consultation, kind=Kind.COMMENT)
        .filter(visible_q(user, consultation))
        .values_list("section_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    sections = (
        consultation.sections.filter(live=True).filter(privacy.visible_q("path")).order_by("path")
    )
    return [SectionCount(section=s, comments=counts.get(s.pk, 0)) for s in sections]


def commenters_on_section(section):
    """People who commented on a section (comments that were published or are waiting),
    for telling them about a new version."""
    return (
        get_user_model()
        .objects.filter(
            consultation_comments__section=section,
            consultation_comments__status__in=(Status.PUBLISHED, Status.PENDING, Status.HIDDEN),
            is_active=True,
        )
        .select_related("profile")
        .distinct()
    )


# ---------------------------------------------------------------------------------------
# Comments on a section page


@dataclass
class ParagraphDiscussion:
    """The comments on one paragraph (or on the whole section: paragraph_id "")."""

    paragraph_id: str
    number: int | None
    count: int = 0
    threads_total: int = 0
    threads: list = field(default_factory=list)
    comment_url: str = ""
    list_url: str = ""
    excerpt: str = ""
    open: bool = False

    @property
    def anchor(self):
        return f"p-{self.paragraph_id}" if self.paragraph_id else "section-comments"

    @property
    def more_threads(self):
        return max(0, self.threads_total - len(self.threads))


@dataclass
class SectionDiscussion:
    consultation: Consultation
    section: object
    state: str
    barrier: object
    can_contribute: bool
    paragraphs: dict
    whole_section: ParagraphDiscussion
    earlier_paragraphs: list
    total: int

    @property
    def premoderated(self):
        return self.consultation.is_premoderated

    def for_paragraph(self, paragraph_id):
        return self.paragraphs.get(paragraph_id)


def comment_form_url(consultation, section, paragraph_id=""):
    url = reverse(
        "consultation:comment_create",
        kwargs={"slug": consultation.slug, "section_id": section.pk},
    )
    return f"{url}?paragraph={paragraph_id}" if paragraph_id else url


def comment_list_url(consultation, section, paragraph_id=""):
    return reverse(
        "consultation:section_comments",
        kwargs={
            "slug": consultation.slug,
            "section_id": section.pk,
            "paragraph": paragraph_id or "section",
        },
    )


def _section_comments(consultation, section, user):
    return Comment.objects.filter(
        consultation=consultation, section=section, kind=Kind.COMMENT
    ).filter(visible_q(user, consultation))


def _replies_for(base, root_ids, *, limit=None):
    """Replies of the given threads, each with its thread's reply total; at most `limit`
    per thread (the first ones), in one query."""
    replies = base.filter(root_id__in=root_ids).annotate(
        thread_total=Window(Count("pk"), partition_by=[F("root_id")]),
        rank=Window(RowNumber(), partition_by=[F("root_id")], order_by=[F("created_at"), F("pk")]),
    )
    if limit is not None:
        replies = replies.filter(rank__lte=limit)
    return list(replies.select_related(*COMMENT_RELATED).order_by("created_at", "pk"))


def section_discussion(*, section, request, now=None):
    """Context the section page needs to show comments: per paragraph a count, the first
    threads and the actions open to the reader. Empty when no consultation covers it."""
    now = now or timezone.now()
    consultation = consultation_for_section(section, now)
    if consultation is None:
        return {}
    user = request.user
    discussion = section_discussion_for(
        consultation=consultation, section=section, user=user, now=now
    )
    focus = request.GET.get("paragraph", "")
    target = discussion.paragraphs.get(focus) or (
        discussion.whole_section if focus == "section" else None
    )
    if target is not None:
        target.open = True
    return {
        "discussion": discussion,
        "paragraph_tools_template": "consultation/includes/paragraph_tools.html",
    }


def section_discussion_for(*, consultation, section, user, now=None):
    now = now or timezone.now()
    base = _section_comments(consultation, section, user)
    counts = {
        row["paragraph_id"]: row
        for row in base.values("paragraph_id")
        .annotate(total=Count("pk"), threads=Count("pk", filter=Q(parent__isnull=True)))
        .order_by()
    }
    # The latest threads of each paragraph, newest first (a new comment appears on top).
    roots = list(
        base.filter(parent__isnull=True)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("paragraph_id")],
                order_by=[F("created_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=conf.THREADS_PER_PARAGRAPH)
        .select_related(*COMMENT_RELATED)
        .order_by("-created_at", "-pk")
    )
    replies = (
        _replies_for(base, [root.pk for root in roots], limit=conf.REPLIES_PER_THREAD)
        if roots
        else []
    )
    labeller = VersionLabeller(section)
    shown = prepare(
        [*roots, *replies], user=user, consultation=consultation, labeller=labeller, now=now
    )
    totals = {reply.root_id: reply.thread_total for reply in replies}
    threads = assemble(shown[: len(roots)], shown[len(roots) :], totals=totals)

    by_paragraph = {}
    for thread in threads:
        by_paragraph.setdefault(thread.root.comment.paragraph_id, []).append(thread)

    def discussion_for(paragraph_id, number):
        row = counts.get(paragraph_id, {})
        return ParagraphDiscussion(
            paragraph_id=paragraph_id,
            number=number,
            count=row.get("total", 0),
            threads_total=row.get("threads", 0),
            threads=by_paragraph.get(paragraph_id, []),
            comment_url=comment_form_url(consultation, section, paragraph_id),
            list_url=comment_list_url(consultation, section, paragraph_id),
        )

    numbers = anchoring.paragraph_numbers(section)
    paragraphs = {pid: discussion_for(pid, number) for pid, number in numbers.items()}
    earlier = [
        discussion_for(pid, None)
        for pid in counts
        if pid != anchoring.SECTION and pid not in numbers
    ]
    barrier = rules.participation_barrier(user, consultation, next_url=section.url, now=now)
    return SectionDiscussion(
        consultation=consultation,
        section=section,
        state=consultation.state(now),
        barrier=barrier,
        can_contribute=barrier is None,
        paragraphs=paragraphs,
        whole_section=discussion_for(anchoring.SECTION, None),
        earlier_paragraphs=earlier,
        total=sum(row["total"] for row in counts.values()),
    )


ORDERINGS = {
    "oldest": ("created_at", "pk"),
    "newest": ("-created_at", "-pk"),
    "agreed": ("-agree_total", "created_at", "pk"),
}


def paragraph_comments(*, consultation, section, paragraph_id, user, page_number=1, order="oldest"):
    """Every thread on one paragraph (or the whole section), a page at a time, with all
    their replies."""
    base = _section_comments(consultation, section, user).filter(paragraph_id=paragraph_id)
    roots_qs = base.filter(parent__isnull=True).select_related(*COMMENT_RELATED)
    if order == "agreed":
        roots_qs = roots_qs.annotate(
            agree_total=Count("reactions", filter=Q(reactions__value="agree"))
        )
    roots_qs = roots_qs.order_by(*ORDERINGS.get(order, ORDERINGS["oldest"]))
    page = Paginator(roots_qs, conf.COMMENTS_PER_PAGE).get_page(page_number)
    roots = list(page.object_list)
    replies = _replies_for(base, [root.pk for root in roots]) if roots else []
    labeller = VersionLabeller(section)
    shown = prepare([*roots, *replies], user=user, consultation=consultation, labeller=labeller)
    threads = assemble(shown[: len(roots)], shown[len(roots) :])
    return page, threads


@dataclass
class ThreadView:
    thread: object
    consultation: Consultation
    section: object
    topic: object
    focus_id: int
    paragraph_number: int | None
    paragraph_text: str


def thread_for(*, comment, user):
    """The whole thread a comment or post belongs to, or None if the reader may not see
    it. A fixed number of queries."""
    root = comment if comment.parent_id is None else comment.root
    if root is None or not rules.can_view_comment(user, root):
        return None
    consultation = comment.consultation
    base = Comment.objects.filter(consultation=consultation).filter(visible_q(user, consultation))
    replies = _replies_for(base, [root.pk])
    section = root.section
    labeller = VersionLabeller(section) if section is not None else None
    shown = prepare([root, *replies], user=user, consultation=consultation, labeller=labeller)
    thread = assemble(shown[:1], shown[1:])[0]
    number = text = None
    if section is not None and root.paragraph_id:
        number = anchoring.paragraph_numbers(section).get(root.paragraph_id)
        text = anchoring.paragraph_text(section, root.paragraph_id)
    return ThreadView(
        thread=thread,
        consultation=consultation,
        section=section,
        topic=root.topic,
        focus_id=comment.pk,
        paragraph_number=number,
        paragraph_text=text or "",
    )


def comment_get(comment_id):
    return (
        Comment.objects.select_related(
            "consultation", "author__profile", "section", "topic", "root", "parent"
        )
        .filter(pk=comment_id)
        .first()
    )


def comment_shown(*, comment, user):
    """One comment prepared for its reader (after a reply, edit or reaction)."""
    labeller = VersionLabeller(comment.section) if comment.section_id else None
    return prepare([comment], user=user, consultation=comment.consultation, labeller=labeller)[0]


def edit_history(comment):
    return list(comment.edits.all())


# ---------------------------------------------------------------------------------------
# Discussion board


@dataclass
class TopicSummary:
    topic: Topic
    threads: int
    posts: int
    last_activity: object


def topics_for(*, consultation, user):
    visible = visible_q(user, consultation)
    rows = (
        Comment.objects.filter(consultation=consultation, kind=Kind.POST)
        .filter(visible)
        .values("topic_id")
        .annotate(
            threads=Count("pk", filter=Q(parent__isnull=True)),
            posts=Count("pk"),
            last=Max("created_at"),
        )
        .order_by()
    )
    stats = {row["topic_id"]: row for row in rows}
    return [
        TopicSummary(
            topic=topic,
            threads=stats.get(topic.pk, {}).get("threads", 0),
            posts=stats.get(topic.pk, {}).get("posts", 0),
            last_activity=stats.get(topic.pk, {}).get("last"),
        )
        for topic in consultation.topics.all()
    ]


@dataclass
class ThreadSummary:
    shown: object
    replies: int
    last_activity: object


def threads_in_topic(*, topic, user, page_number=1):
    consultation = topic.consultation
    visible = visible_q(user, consultation)
    roots_qs = (
        Comment.objects.filter(topic=topic, parent__isnull=True)
        .filter(visible)
        .select_related(*COMMENT_RELATED)
        .annotate(
            reply_total=Count("thread_replies", filter=_reply_visibility(user, consultation)),
            last_reply=Max(
                "thread_replies__created_at", filter=_reply_visibility(user, consultation)
            ),
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(roots_qs, conf.COMMENTS_PER_PAGE).get_page(page_number)
    roots = list(page.object_list)
    shown = prepare(roots, user=user, consultation=consultation)
    summaries = [
        ThreadSummary(
            shown=item,
            replies=item.comment.reply_total,
            last_activity=item.comment.last_reply or item.comment.created_at,
        )
        for item in shown
    ]
    return page, summaries


def _reply_visibility(user, consultation):
    """visible_q, expressed through the thread_replies relation."""
    if rules.can_moderate(user):
        return Q()
    q = (
        Q(thread_replies__status__in=(Status.PUBLISHED, Status.HIDDEN, Status.WITHDRAWN))
        if consultation.comments_public
        else Q(thread_replies__pk__in=[])
    )
    if user.is_authenticated:
        q |= Q(thread_replies__author=user)
    return q


# ---------------------------------------------------------------------------------------
# A participant's own contributions


def contributions_of(*, user, privacy, page_number=1):
    """What the person wrote, newest first, leaving out what is on sections they may no
    longer see (Wagtail page privacy)."""
    qs = (
        Comment.objects.filter(author=user)
        .filter(privacy.visible_q("section__path"))
        .select_related("consultation", "section", "topic")
        .order_by("-created_at", "-pk")
    )
    return Paginator(qs, conf.COMMENTS_PER_PAGE).get_page(page_number)


# ---------------------------------------------------------------------------------------
# Moderation


@dataclass
class QueueItem:
    comment: Comment
    flags: list
    author_summary: object


@dataclass
class AuthorSummary:
    """What moderators see of an author: never their email address."""

    user_id: int | None
    public_name: str
    display_name: str
    sector: str
    organisation: str
    blocked: bool


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
        qs = qs.filter(status__in=(Status.HIDDEN, Status.REJECTED)).order_by("-created_at", "-pk")
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
    items = [
        QueueItem(c, flags.get(c.pk, []), comment_author_summary(c, blocked)) for c in comments
    ]
    return page, items


def queue_counts(consultation_id=None):
    qs = Comment.objects.all()
    if consultation_id:
        qs = qs.filter(consultation_id=consultation_id)
    counts = qs.aggregate(
        waiting=Count("pk", filter=Q(status=Status.PENDING)),
        hidden=Count("pk", filter=Q(status__in=(Status.HIDDEN, Status.REJECTED))),
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
    return {
        "comment": comment,
        "author": comment_author_summary(comment, blocked),
        "flags": list(comment.flags.select_related("flagged_by__profile").order_by("created_at")),
        "history": edit_history(comment),
        "log": list(
            comment.audit_entries.select_related("actor__profile").order_by("created_at", "pk")
        ),
    }


def participant_summary(user):
    comments = (
        Comment.objects.filter(author=user)
        .select_related("consultation", "section", "topic")
        .order_by("-created_at", "-pk")[:50]
    )
    counts = Comment.objects.filter(author=user).aggregate(
        total=Count("pk"),
        hidden=Count("pk", filter=Q(status__in=(Status.HIDDEN, Status.REJECTED))),
    )
    block = BlockedUser.objects.filter(user=user).first()
    return {
        "author": author_summary(user, {user.pk} if block else set()),
        "participant_block": block,
        "comments": list(comments),
        "counts": counts,
        "log": list(AuditEntry.objects.filter(subject=user).select_related("actor__profile")[:50]),
    }


def audit_log(*, page_number=1, action=""):
    qs = AuditEntry.objects.select_related("actor__profile", "subject__profile", "comment")
    if action:
        qs = qs.filter(action=action)
    return Paginator(qs, 50).get_page(page_number)
