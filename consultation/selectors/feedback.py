"""Reading feedback items for the working group's pages: the items a page of search hits
names (one query, whatever the page size) and one item with where it came from."""

from consultation.feedback.links import context_url, item_page_url
from consultation.feedback.models import FeedbackItem


def _described(item):
    item.context_url = context_url(item_id=item.pk, comment_id=item.comment_id)
    item.page_url = item_page_url(item.pk)
    return item


def items_for_hits(hits):
    """[(hit, item)] for a page of hits, in their order; an item gone since the search ran
    (deleted meanwhile) is left out. Each item has `context_url` and `page_url`."""
    items = FeedbackItem.objects.filter(pk__in=[hit.item_id for hit in hits]).select_related(
        "consultation", "section"
    )
    found = {item.pk: _described(item) for item in items}
    return [(hit, found[hit.item_id]) for hit in hits if hit.item_id in found]


def item_detail(item_id):
    """One item with its consultation, section, source comment and author, or None."""
    item = (
        FeedbackItem.objects.select_related("consultation", "section", "comment", "revision")
        .filter(pk=item_id)
        .first()
    )
    return _described(item) if item else None
