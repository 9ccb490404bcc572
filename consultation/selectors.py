"""Read-only queries of the consultation app. Every function here asks a fixed number of
queries whatever the number of comments (tests bound them)."""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone

from consultation import anchoring, conf, naming, rules
from consultation.models import (
    COUNTED_STATUSES,
    AuditEntry,
    BlockedUser,
    Comment,
    Consultation,
    Flag,
    Kind,
    Status,
    Topic,
)
from consultation.threads import (
    Thread,
    VersionLabeller,
    assemble,
    counted_q,
    depth_first,
    placed,
    prepare,
    reply_name,
    visible_q,
)

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
        .filter(counted_q(user, consultation))
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
    focus_url: str = ""  # the section page with these comments open, at their place
    open: bool = False

    @property
    def anchor(self):
        return f"p-{self.paragraph_id}" if self.paragraph_id else "section-comments"

    @property
    def where(self):
        if self.number:
            return f"paragraph {self.number}"
        return "an earlier paragraph" if self.paragraph_id else "the whole section"

    @property
    def more_threads(self):
        return max(0, self.threads_total - len(self.threads))

    @property
    def own_unpublished(self):
        """Whether the reader's own hidden, rejected or withdrawn words are here: not
        counted, but theirs to see."""
        return any(
            item.is_own and not item.counted
            for thread in self.threads
            for item in (thread.root, *thread.replies)
        )


@dataclass
class CountedPlace:
    """Where some of a section's comments are, for the banner: "2 on paragraph 3"."""

    count: int
    where: str
    url: str


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

    @property
    def counted_places(self):
        """Where the counted comments are, in reading order, each linked to its place: the
        paragraphs, the whole section, and text no longer in this version."""
        places = [
            CountedPlace(pd.count, pd.where, pd.focus_url)
            for pd in sorted(self.paragraphs.values(), key=lambda pd: pd.number)
            if pd.count
        ]
        if self.whole_section.count:
            pd = self.whole_section
            places.append(CountedPlace(pd.count, pd.where, pd.focus_url))
        earlier = sum(pd.count for pd in self.earlier_paragraphs)
        if earlier:
            places.append(
                CountedPlace(earlier, "text no longer in this version", "#earlier-comments")
            )
        return places


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
    """Replies of the given threads, each with its thread's count of counted replies; at
    most `limit` per thread (the first ones), in one query."""
    replies = base.filter(root_id__in=root_ids).annotate(
        thread_total=Window(
            Count("pk", filter=Q(status__in=COUNTED_STATUSES)), partition_by=[F("root_id")]
        ),
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
        .annotate(
            total=Count("pk", filter=Q(status__in=COUNTED_STATUSES)),
            threads=Count("pk", filter=Q(parent__isnull=True)),
        )
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

    section_url = section.url

    def discussion_for(paragraph_id, number):
        row = counts.get(paragraph_id, {})
        anchor = f"p-{paragraph_id}" if paragraph_id else "section-comments"
        return ParagraphDiscussion(
            paragraph_id=paragraph_id,
            number=number,
            count=row.get("total", 0),
            threads_total=row.get("threads", 0),
            threads=by_paragraph.get(paragraph_id, []),
            comment_url=comment_form_url(consultation, section, paragraph_id),
            list_url=comment_list_url(consultation, section, paragraph_id),
            focus_url=f"{section_url}?paragraph={paragraph_id or 'section'}#{anchor}",
        )

    numbers = anchoring.paragraph_numbers(section)
    paragraphs = {pid: discussion_for(pid, number) for pid, number in numbers.items()}
    earlier = [
        discussion_for(pid, None)
        for pid in counts
        if pid != anchoring.SECTION and pid not in numbers
    ]
    barrier = rules.participation_barrier(user, consultation, next_url=section_url, now=now)
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
    # Each thread shows its first replies, as on the section page; its own page has all.
    replies = (
        _replies_for(base, [root.pk for root in roots], limit=conf.REPLIES_PER_THREAD)
        if roots
        else []
    )
    labeller = VersionLabeller(section)
    shown = prepare([*roots, *replies], user=user, consultation=consultation, labeller=labeller)
    totals = {reply.root_id: reply.thread_total for reply in replies}
    threads = assemble(shown[: len(roots)], shown[len(roots) :], totals=totals)
    return page, threads


@dataclass
class ThreadView:
    thread: object
    consultation: Consultation
    section: object
    topic: object
    paragraph_number: int | None
    paragraph_text: str
    page_obj: object


class _Place(NamedTuple):
    """Just enough of a reply to place it in its thread."""

    pk: int
    parent_id: int


def _thread_order(*, root_id, consultation, user):
    """[(place, depth)]: every reply the reader is shown in a thread, in reading order. One
    query of two columns, whatever the thread's size; a page then fetches its own replies."""
    rows = [
        _Place(*values)
        for values in Comment.objects.filter(root_id=root_id)
        .filter(visible_q(user, consultation))
        .order_by("created_at", "pk")
        .values_list("pk", "parent_id")
    ]
    return depth_first(root_id, rows)


def thread_page_of(*, comment, user):
    """The page of its conversation that shows `comment` now (1 for the opening words, or
    a reply the reader is not shown). Replies arriving move later ones to later pages, so
    links name the comment and this finds it."""
    if not comment.root_id:
        return 1
    order = _thread_order(root_id=comment.root_id, consultation=comment.consultation, user=user)
    for position, (row, _depth) in enumerate(order):
        if row.pk == comment.pk:
            return position // conf.REPLIES_PER_PAGE + 1
    return 1


def permalink_url(*, comment, user):
    """Where a comment or post is in its conversation: its thread's page, at its anchor."""
    root_url = reverse("consultation:comment", kwargs={"comment_id": comment.thread_root_id})
    page = thread_page_of(comment=comment, user=user)
    query = f"?page={page}" if page > 1 else ""
    return f"{root_url}{query}#{comment.anchor}"


def thread_for(*, comment, user, page_number=1):
    """A conversation's own page: its opening comment or post and one page of its replies
    in reading order, or None if the reader may not see it. A fixed number of queries:
    the thread's shape (a few columns of each reply), the page's replies with the parents
    they answer, reactions."""
    root = comment if comment.parent_id is None else comment.root
    if root is None or not rules.can_view_comment(user, root):
        return None
    consultation = root.consultation
    order = _thread_order(root_id=root.pk, consultation=consultation, user=user)
    page = Paginator(order, conf.REPLIES_PER_PAGE).get_page(page_number)
    rows = list(page.object_list)
    on_page = {row.pk for row, _depth in rows}
    # The parents a page's first replies answer may be on an earlier page: fetched too, to
    # say whom they answer.
    wanted = on_page | {row.parent_id for row, _depth in rows} - {root.pk}
    fetched = (
        Comment.objects.filter(pk__in=wanted).select_related(*COMMENT_RELATED).in_bulk()
        if wanted
        else {}
    )
    replies = [fetched[row.pk] for row, _depth in rows]
    parents = [fetched[pk] for pk in wanted - on_page if pk in fetched]
    section = root.section
    labeller = VersionLabeller(section) if section is not None else None
    shown = prepare(
        [root, *replies, *parents], user=user, consultation=consultation, labeller=labeller
    )
    names = {item.pk: reply_name(item) for item in shown}
    page_replies = shown[1 : len(replies) + 1]
    for item, (row, depth) in zip(page_replies, rows, strict=True):
        placed(item, depth, names.get(row.parent_id, ""), parent_shown=row.parent_id in on_page)
    number = text = None
    if section is not None and root.paragraph_id:
        number = anchoring.paragraph_numbers(section).get(root.paragraph_id)
        text = anchoring.paragraph_text(section, root.paragraph_id)
    return ThreadView(
        thread=Thread(root=shown[0], replies=page_replies),
        consultation=consultation,
        section=section,
        topic=root.topic,
        paragraph_number=number,
        paragraph_text=text or "",
        page_obj=page,
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
    """Each topic with its number of listed discussions and of counted posts (as on the
    topic's page), and when the latest counted post was written. Two queries."""
    counted = Q(status__in=COUNTED_STATUSES)
    rows = (
        Comment.objects.filter(consultation=consultation, kind=Kind.POST)
        .filter(visible_q(user, consultation))
        .values("topic_id")
        .annotate(
            threads=Count("pk", filter=Q(parent__isnull=True)),
            posts=Count("pk", filter=counted),
            last=Max("created_at", filter=counted),
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
    """A topic's listed discussions, newest first, each with its count of counted replies
    and its latest activity, a page at a time."""
    consultation = topic.consultation
    counted_replies = (
        Comment.objects.filter(root=OuterRef("pk"))
        .filter(counted_q(user, consultation))
        .order_by()
        .values("root")
    )
    roots_qs = (
        Comment.objects.filter(topic=topic, parent__isnull=True)
        .filter(visible_q(user, consultation))
        .select_related(*COMMENT_RELATED)
        .annotate(
            reply_total=Coalesce(
                Subquery(counted_replies.annotate(n=Count("pk")).values("n")),
                0,
                output_field=IntegerField(),
            ),
            last_reply=Subquery(counted_replies.annotate(last=Max("created_at")).values("last")),
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


# ---------------------------------------------------------------------------------------
# A participant's own contributions


@dataclass
class Contribution:
    """One thing a person wrote, for their own list: what, where, the first words."""

    comment: Comment
    noun: str
    place: str
    excerpt: str  # empty when the words are no longer shown (withdrawn)


def contributions_of(*, user, privacy, page_number=1):
    """Everything `user` wrote, newest first, a page at a time: (page, [Contribution]),
    leaving out what is on sections they may no longer see (Wagtail page privacy)."""
    qs = (
        Comment.objects.filter(author=user)
        .filter(privacy.visible_q("section__path"))
        .select_related("consultation", "section", "topic")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(qs, conf.COMMENTS_PER_PAGE).get_page(page_number)
    numbers = naming.ParagraphNumbers()
    return page, [
        Contribution(
            comment=comment,
            noun=naming.noun(comment),
            place=naming.place(comment, numbers),
            excerpt=naming.excerpt(comment, 140) if rules.can_read_text(user, comment) else "",
        )
        for comment in page.object_list
    ]


@dataclass
class Report:
    """A report someone made, as they see it: what they reported and what came of it."""

    flag: Flag
    label: str
    url: str  # the reported words' conversation, when the reporter may still see it


def reports_of(*, user, privacy, limit=conf.COMMENTS_PER_PAGE):
    """(the latest `limit` reports `user` made, newest first, as Reports; how many in all).
    What is on a section the reader may no longer see is named without its words or link."""
    flags = list(
        Flag.objects.filter(flagged_by=user)
        .select_related(
            "resolution",
            "comment__consultation",
            "comment__section",
            "comment__topic",
            "comment__author__profile",
        )
        .order_by("-created_at", "-pk")[:limit]
    )
    numbers = naming.ParagraphNumbers()
    reports = []
    for flag in flags:
        comment = flag.comment
        visible = privacy.can_view(comment.section) and rules.can_view_comment(user, comment)
        readable = visible and rules.can_read_text(user, comment)
        author = comment.author.public_name if comment.author else "a former participant"
        reports.append(
            Report(
                flag=flag,
                label=naming.label(
                    comment,
                    author_name=author if readable else "someone",
                    numbers=numbers,
                    with_excerpt=readable,
                ),
                url=comment.get_absolute_url() if visible else "",
            )
        )
    total = len(reports) if len(reports) < limit else Flag.objects.filter(flagged_by=user).count()
    return reports, total


# ---------------------------------------------------------------------------------------
# Moderation


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
    numbers = naming.ParagraphNumbers()
    return {
        "comment": comment,
        "label": moderation_label(comment, numbers),
        "short_label": moderation_label(comment, numbers, with_excerpt=False),
        "place": naming.place(comment, numbers),
        "author": comment_author_summary(comment, blocked),
        "flags": list(comment.flags.select_related("flagged_by__profile").order_by("created_at")),
        "history": edit_history(comment),
        "log": _log_rows(
            comment.audit_entries.select_related(*LOG_RELATED).order_by("created_at", "pk")
        ),
    }


@dataclass
class LogRow:
    entry: AuditEntry
    label: str  # the contribution it is about, named; empty for blocks and unblocks


LOG_RELATED = (
    "actor__profile",
    "subject__profile",
    "comment__section",
    "comment__topic",
    "comment__consultation",
    "comment__author__profile",
)


def _log_rows(entries):
    numbers = naming.ParagraphNumbers()
    return [
        LogRow(
            entry=entry,
            label=moderation_label(entry.comment, numbers, with_excerpt=False)
            if entry.comment_id
            else "",
        )
        for entry in entries
    ]


def participant_summary(user):
    comments = (
        Comment.objects.filter(author=user)
        .select_related("consultation", "section", "topic", "author__profile")
        .order_by("-created_at", "-pk")[:50]
    )
    numbers = naming.ParagraphNumbers()
    counts = Comment.objects.filter(author=user).aggregate(
        total=Count("pk"),
        hidden=Count("pk", filter=Q(status__in=(Status.HIDDEN, Status.REJECTED))),
    )
    block = BlockedUser.objects.filter(user=user).first()
    return {
        "author": author_summary(user, {user.pk} if block else set()),
        "participant_block": block,
        "comments": [(comment, moderation_label(comment, numbers)) for comment in comments],
        "counts": counts,
        "log": _log_rows(AuditEntry.objects.filter(subject=user).select_related(*LOG_RELATED)[:50]),
    }


def audit_log(*, page_number=1, action=""):
    """(page, [LogRow]) of the audit log, newest first, 50 entries a page."""
    qs = AuditEntry.objects.select_related(*LOG_RELATED)
    if action:
        qs = qs.filter(action=action)
    page = Paginator(qs, 50).get_page(page_number)
    return page, _log_rows(page.object_list)
