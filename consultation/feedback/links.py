"""Where a feedback item can be seen: in its context (a comment's permalink, on its
paragraph) and on the working group's item page, which every item has; kinds with no
public page yet (questionnaire answers, imported responses) are seen there only."""

from functools import cache

from django.urls import reverse

_SLOT = 4242424242


@cache
def _pattern(name, kwarg):
    """A URL with a slot for the id: result pages and exports link many items."""
    return reverse(name, kwargs={kwarg: _SLOT}).replace(str(_SLOT), "{}")


def item_page_url(item_id):
    """The working group's page of one item."""
    return _pattern("synthesis:item", "item_id").format(item_id)


def context_url(*, item_id, comment_id):
    """The item in its context: its comment's permalink (which leads to the paragraph and
    the conversation), or the item page for an item with no comment."""
    if comment_id:
        return _pattern("consultation:comment", "comment_id").format(comment_id)
    return item_page_url(item_id)
