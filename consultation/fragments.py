"""One comment's HTML, rendered once and reused: pages with many comments spent about a
millisecond a comment in the template engine, the same work for every reader who sees a
comment the same way.

A fragment is rendered from nothing but what its key holds: the comment's own fields that
the template shows, how this reader sees it (the prepared `Shown`: text or placeholder,
their own or not, each action open to them, their reaction, the counts), and the few
things of the page it sits in (the address the reaction form comes back to, whether it is
fresh, quoted or under a thread's title). Two readers share a fragment only where every
one of those is equal, so a moderator's view of a hidden comment, an author's edit link or
one reader's reaction can never reach someone else. The reader's CSRF token is not part of
it: a placeholder stands for it and each page puts in its own.

A thread (its opening words and the replies shown under them) is kept whole the same way,
keyed by what each of its comments' keys hold and the thread's own count of replies: a
page of threads then costs a key per comment, not a template per thread.

Each process keeps the fragments of the current generation of the page cache in memory
(hub.core.page_cache), a bounded number of them; a new generation drops them all.
"""

from types import SimpleNamespace

from django.template import Context
from django.utils import timezone, translation

from consultation.naming import author_name
from hub.core.page_cache import ProcessMemo, generation

COMMENT_TEMPLATE = "consultation/includes/comment.html"
THREAD_TEMPLATE = "consultation/includes/thread.html"
# Stands for the reader's CSRF token in a stored fragment (letters only: escaping keeps it).
CSRF_PLACEHOLDER = "hubCsrfTokenPlaceholderQx"
# About 30 comments a section page, 100 a conversation, a few ways of seeing each.
_fragments = ProcessMemo(limit=4000)
# About 30 threads a section page, a few ways of seeing each; a conversation's page is one.
_threads = ProcessMemo(limit=1000)
# A section page's discussion: a part per paragraph, a few ways of seeing each (up to tens
# of kilobytes each).
_parts = ProcessMemo(limit=500)


def _comment_key(comment):
    """What the template shows of the comment itself."""
    return (
        comment.pk,
        comment.kind,
        comment.status,
        comment.status_reason,
        comment.title,
        comment.body,
        comment.parent_id,
        comment.created_at,
        comment.edited_at,
        author_name(comment),
        # The sector's stored value: its label (the template's) follows from it, and
        # looking the label up for every comment cost as much as the rest of the key.
        comment.author_id is not None,
        comment.author_sector,
    )


def _reader_key(item):
    """How this reader sees it (consultation.threads.Shown)."""
    note = item.version_note
    return (
        item.depth,
        item.show_text,
        item.is_own,
        item.agree,
        item.disagree,
        item.my_reaction,
        item.can_reply,
        item.can_react,
        item.can_edit,
        item.can_withdraw,
        item.can_flag,
        item.can_moderate,
        (note.number, note.url) if note else None,
        item.in_reply_to,
    )


def _page_values(context, fresh=None):
    """What a fragment shows of the page it sits in."""
    request = context.get("request")
    return {
        "fresh": bool(context.get("fresh") if fresh is None else fresh),
        "quoted": bool(context.get("quoted")),
        "hide_title": bool(context.get("hide_title")),
        "reaction_next": context.get("reaction_next") or "",
        "full_path": request.get_full_path() if request is not None else "",
        "has_token": bool(context.get("csrf_token")),
    }


def _stored(store, key, render, context, has_token):
    current = generation()
    html = store.get(current, key)
    if html is None:
        html = store.put(current, key, render())
    if has_token and CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, str(context["csrf_token"]))
    return html


def rendered_comment(context, item, *, fresh=None):
    """`item` (a Shown) as comment.html renders it in `context` (a template Context of a
    page that lists comments), from the fragment store when it is there; `fresh` for
    another value than the page's."""
    page = _page_values(context, fresh)
    key = (
        _comment_key(item.comment),
        _reader_key(item),
        tuple(page.values()),
        timezone.get_current_timezone_name(),
        translation.get_language(),
    )
    return _stored(
        _fragments, key, lambda: _render(context, item, page), context, page["has_token"]
    )


def rendered_thread(context, thread):
    """`thread` (consultation.threads.Thread) as thread.html renders it in `context`, from
    the store of whole threads when it is there."""
    page = _page_values(context)
    page["whole_thread"] = bool(context.get("whole_thread"))
    key = (
        tuple(
            (_comment_key(item.comment), _reader_key(item))
            for item in (thread.root, *thread.replies)
        ),
        thread.replies_total,
        tuple(page.values()),
        timezone.get_current_timezone_name(),
        translation.get_language(),
    )
    return _stored(
        _threads,
        key,
        lambda: _render(context, thread, page, template_name=THREAD_TEMPLATE, name="thread"),
        context,
        page["has_token"],
    )


def rendered_discussion_part(context, template_name, *, paragraph=None):
    """A part of a section page's discussion (`discussion` in `context`, from
    consultation.selectors.sections): the comments under `paragraph`, or those on the
    whole section. Kept whole for every reader whose discussion has the same `view_key`
    (which says everything of the reader the part shows), rendered from nothing but the
    discussion, the paragraph and the page's address; rendered afresh as an include
    would be for a reader with a view of their own (no key)."""
    discussion = context.get("discussion")
    template = context.template.engine.get_template(template_name)
    if discussion is None or discussion.view_key is None:
        with context.push(paragraph=paragraph):
            return template.render(context)
    page = _page_values(context)
    key = (
        template_name,
        discussion.view_key,
        (paragraph.id, paragraph.number, paragraph.anchor) if paragraph is not None else None,
        page["full_path"],
        page["has_token"],
        timezone.get_current_timezone_name(),
        translation.get_language(),
    )

    def render():
        values = {
            "discussion": discussion,
            "paragraph": paragraph,
            "request": SimpleNamespace(get_full_path=lambda: page["full_path"]),
            "csrf_token": CSRF_PLACEHOLDER if page["has_token"] else None,
        }
        return template.render(Context(values, autoescape=context.autoescape))

    return _stored(_parts, key, render, context, page["has_token"])


def _render(context, item, page, *, template_name=COMMENT_TEMPLATE, name="item"):
    # A context of its own holding only what the key holds: nothing else of the page or
    # the reader (request.user, say) can find its way into a fragment.
    template = context.template.engine.get_template(template_name)
    values = {
        name: item,
        "whole_thread": page.get("whole_thread", False),
        "fresh": page["fresh"],
        "quoted": page["quoted"],
        "hide_title": page["hide_title"],
        "reaction_next": page["reaction_next"],
        "request": SimpleNamespace(get_full_path=lambda: page["full_path"]),
        "csrf_token": CSRF_PLACEHOLDER if page["has_token"] else None,
    }
    return template.render(Context(values, autoescape=context.autoescape))
