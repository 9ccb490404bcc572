"""Read-only queries for comments on a section page: per paragraph a count, the first
threads and the actions open to the reader; and every thread on one paragraph, a page at a
time. A fixed number of queries whatever the number of comments (tests bound them)."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from consultation import anchoring, conf, rules
from consultation.models import Comment, Consultation, Kind, Status
from consultation.selectors.consultations import consultation_for_section
from consultation.selectors.threads import SHARED_ROWS
from consultation.threads import (
    SHOWN_RELATED,
    VersionLabeller,
    assemble,
    prepare,
    reaction_totals,
)
from hub.core.page_cache import CONTENT_MEMO_SECONDS, memo


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
    # Everything about the reader that the discussion's HTML shows, when it is the same for
    # everyone with this key (consultation.fragments keeps that HTML); None when the reader
    # sees something of their own (their words, their reactions, a moderator's view).
    view_key: tuple | None = None

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
    ).visible_to(user, consultation)


def _replies_for(base, root_ids, *, limit=None):
    """Replies of the given threads, each with its thread's count of counted replies; at
    most `limit` per thread (the first ones), in one query."""
    replies = base.filter(root_id__in=root_ids).annotate(
        thread_total=Window(
            Count("pk", filter=Q(status__in=Status.COUNTED)), partition_by=[F("root_id")]
        ),
        rank=Window(RowNumber(), partition_by=[F("root_id")], order_by=[F("created_at"), F("pk")]),
    )
    if limit is not None:
        replies = replies.filter(rank__lte=limit)
    return list(replies.select_related(*SHOWN_RELATED).order_by("created_at", "pk"))


def section_discussion(*, section, request, now=None):
    """What the section page shows of its comments: per paragraph a count, the first
    threads and the actions open to the reader, with the paragraph the address names
    (`?paragraph=`) open. None when no consultation covers the section."""
    now = now or timezone.now()
    consultation = consultation_for_section(section, now)
    if consultation is None:
        return None
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
    return discussion


@dataclass
class _Rows:
    """What the section page reads of a section's comments as one reader sees them: per
    paragraph the counts, the latest threads (roots, then their first replies, each with
    its thread's count), the reaction counts and the "made on version N" notes."""

    counts: dict
    roots: list
    replies: list
    reactions: dict
    notes: dict
    # Authors with words here that others see otherwise than they do (waiting, hidden,
    # rejected, withdrawn; anything at all where comments are not public).
    private_authors: frozenset = frozenset()


def _rows(*, consultation, section, user):
    base = _section_comments(consultation, section, user)
    counts = {
        row["paragraph_id"]: row
        for row in base.values("paragraph_id")
        .annotate(
            total=Count("pk", filter=Q(status__in=Status.COUNTED)),
            threads=Count("pk", filter=Q(parent__isnull=True)),
        )
        .order_by()
    }
    # The latest threads of each paragraph, newest first (a new comment appears on top).
    # The ranking reads ids only, in a subquery: ranked with their authors' rows and texts,
    # every thread of a busy section went through the window's sort (about half the
    # time of a section page with 1,000 comments); only those shown are read whole.
    latest = (
        base.filter(parent__isnull=True)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("paragraph_id")],
                order_by=[F("created_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=conf.THREADS_PER_PARAGRAPH)
        .values("pk")
    )
    roots = list(
        Comment.objects.filter(pk__in=latest)
        .select_related(*SHOWN_RELATED)
        .order_by("-created_at", "-pk")
    )
    replies = (
        _replies_for(base, [root.pk for root in roots], limit=conf.REPLIES_PER_THREAD)
        if roots
        else []
    )
    labeller = VersionLabeller(section)
    return _Rows(
        counts=counts,
        roots=roots,
        replies=replies,
        reactions=reaction_totals([comment.pk for comment in [*roots, *replies]]),
        notes={root.pk: labeller.note_for(root) for root in roots},
    )


def _public_rows(*, consultation, section):
    """The rows everyone sees who sees only what is public (`_rows` for a visitor), read
    once per generation of the page cache (hub.core.page_cache: every comment written,
    edited, withdrawn, moderated or reacted to, every publish and every change to a
    consultation starts a new one) and shared by every process. Readers whose own words
    here are not public (`private_authors`) and moderators read their own rows instead."""

    def compute():
        rows = _rows(consultation=consultation, section=section, user=AnonymousUser())
        public = (Status.PUBLISHED,) if consultation.comments_public else ()
        rows.private_authors = frozenset(
            Comment.objects.filter(consultation=consultation, section=section, kind=Kind.COMMENT)
            .exclude(status__in=public)
            .exclude(author=None)
            .values_list("author_id", flat=True)
            .distinct()
        )
        return rows

    return memo(
        f"consultation:section-rows:{consultation.pk}:{section.pk}",
        compute,
        store=SHARED_ROWS,
        timeout=CONTENT_MEMO_SECONDS,
    )


def _rows_for(*, consultation, section, user, reader):
    """The reader's rows, and whether they are the public ones."""
    if user.is_authenticated and reader.moderates:
        return _rows(consultation=consultation, section=section, user=user), False
    rows = _public_rows(consultation=consultation, section=section)
    if user.is_authenticated and user.pk in rows.private_authors:
        return _rows(consultation=consultation, section=section, user=user), False
    return rows, True


def _view_key(*, consultation, section, reader, shown, barrier, state):
    """What decides the discussion's HTML for a reader of the public rows who has nothing
    of their own in it (no words, no reaction): then every comment's actions follow from
    whether they may contribute now and whether they take part (consultation.rules.Reader),
    and the rest of the page's discussion from the state and the barrier. None otherwise."""
    if any(item.is_own or item.my_reaction for item in shown):
        return None
    barrier_key = (
        (barrier.code, barrier.message, barrier.action_text, barrier.action_url)
        if barrier
        else None
    )
    return (
        consultation.pk,
        section.pk,
        state,
        reader.contributes,
        reader.participates,
        barrier_key,
    )


def section_discussion_for(*, consultation, section, user, now=None):
    now = now or timezone.now()
    reader = rules.Reader(user, consultation, now)
    rows, public = _rows_for(consultation=consultation, section=section, user=user, reader=reader)
    roots, replies, counts = rows.roots, rows.replies, rows.counts
    shown = prepare(
        [*roots, *replies],
        user=user,
        consultation=consultation,
        notes=rows.notes,
        totals=rows.reactions,
        reader=reader,
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
    state = consultation.state(now)
    return SectionDiscussion(
        consultation=consultation,
        section=section,
        state=state,
        barrier=barrier,
        can_contribute=barrier is None,
        paragraphs=paragraphs,
        whole_section=discussion_for(anchoring.SECTION, None),
        earlier_paragraphs=earlier,
        total=sum(row["total"] for row in counts.values()),
        view_key=_view_key(
            consultation=consultation,
            section=section,
            reader=reader,
            shown=shown,
            barrier=barrier,
            state=state,
        )
        if public
        else None,
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
    roots_qs = base.filter(parent__isnull=True).select_related(*SHOWN_RELATED)
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
