"""Read-only queries for one conversation: its page (the opening words and a page of
replies in reading order), the page that shows a reply, one comment as its reader sees it.
A fixed number of queries whatever the size of the thread."""

from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.urls import reverse

from consultation import anchoring, conf, rules
from consultation.models import Comment, Consultation, Status
from consultation.threads import (
    SHOWN_RELATED,
    Thread,
    VersionLabeller,
    depth_first,
    placed,
    prepare,
    reaction_totals,
    reply_name,
)
from hub.core.page_cache import CONTENT_MEMO_SECONDS, ProcessMemo, memo

# Rows read once per generation of the page cache for every reader who sees only what is
# public (sections' discussions, conversations): a few per page of comments, up to a few
# hundred kilobytes each, so a process keeps a few hundred at most.
SHARED_ROWS = ProcessMemo(limit=300)


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
        .visible_to(user, consultation)
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


def _public_thread(root):
    """What everyone who sees only public words sees of a conversation: its shape (every
    reply shown, in reading order) and the authors whose words in it others see otherwise
    than they do. Read once per generation of the page cache (hub.core.page_cache: every
    comment written, edited, withdrawn, moderated or reacted to starts a new one)."""

    def compute():
        consultation = root.consultation
        public = (Status.PUBLISHED,) if consultation.comments_public else ()
        private = {
            author_id
            for author_id, status in Comment.objects.filter(root_id=root.pk).values_list(
                "author_id", "status"
            )
            if author_id is not None and status not in public
        }
        if root.author_id is not None and root.status not in public:
            private.add(root.author_id)
        order = _thread_order(root_id=root.pk, consultation=consultation, user=AnonymousUser())
        return order, frozenset(private)

    return memo(
        f"consultation:thread-order:{root.pk}",
        compute,
        store=SHARED_ROWS,
        timeout=CONTENT_MEMO_SECONDS,
    )


def _page_rows(root, rows):
    """The page's replies, and the parents its first replies answer when they are on an
    earlier page (to say whom they answer); one query."""
    on_page = {row.pk for row, _depth in rows}
    wanted = on_page | {row.parent_id for row, _depth in rows} - {root.pk}
    fetched = (
        Comment.objects.filter(pk__in=wanted).select_related(*SHOWN_RELATED).in_bulk()
        if wanted
        else {}
    )
    replies = [fetched[row.pk] for row, _depth in rows]
    parents = [fetched[pk] for pk in wanted - on_page if pk in fetched]
    return replies, parents, reaction_totals([root.pk, *fetched])


def thread_for(*, comment, user, page_number=1):
    """A conversation's own page: its opening comment or post and one page of its replies
    in reading order, or None if the reader may not see it. A fixed number of queries:
    the thread's shape (a few columns of each reply), the page's replies with the parents
    they answer, reactions. Readers who see only what is public (no moderator, no words of
    their own here that others see otherwise) share the first three, read once per
    generation of the page cache."""
    root = comment if comment.parent_id is None else comment.root
    if root is None or not rules.can_view_comment(user, root):
        return None
    consultation = root.consultation
    reader = rules.Reader(user, consultation)
    public_order, private_authors = _public_thread(root)
    shared = not (user.is_authenticated and (reader.moderates or user.pk in private_authors))
    if shared:
        order = public_order
    else:
        order = _thread_order(root_id=root.pk, consultation=consultation, user=user)
    page = Paginator(order, conf.REPLIES_PER_PAGE).get_page(page_number)
    rows = list(page.object_list)
    if shared:
        replies, parents, totals = memo(
            f"consultation:thread-page:{root.pk}:{page.number}",
            lambda: _page_rows(root, rows),
            store=SHARED_ROWS,
            timeout=CONTENT_MEMO_SECONDS,
        )
    else:
        replies, parents, totals = _page_rows(root, rows)
    on_page = {row.pk for row, _depth in rows}
    section = root.section
    labeller = VersionLabeller(section) if section is not None else None
    shown = prepare(
        [root, *replies, *parents],
        user=user,
        consultation=consultation,
        labeller=labeller,
        totals=totals,
        reader=reader,
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


def comment_for_reading(comment_id):
    """`comment_get` for a page that only reads the comment (a conversation's page): read
    once per generation of the page cache, so the same object for every request of it."""
    return memo(
        f"consultation:comment:{int(comment_id)}",
        lambda: comment_get(comment_id),
        store=SHARED_ROWS,
        timeout=CONTENT_MEMO_SECONDS,
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
