"""Reading theme suggestions for the working group's pages: the consultations with
suggestions waiting, one consultation's review queue (a page of items with their pending
suggestions, best first, optionally of one theme) with each theme's key phrases, and an
item's pending suggestions (for the item page). A page that lists themes shows their key
phrases with `select_related("key_phrases")` and the include
consultation/synthesis/includes/theme_key_phrases.html. Query counts do not grow with the
items shown."""

import collections
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count

from consultation.feedback.models import FeedbackItem
from consultation.models import Consultation
from consultation.synthesis.models import Coding, Theme, ThemeSuggestion

PER_PAGE = 20
PENDING = ThemeSuggestion.State.PENDING


@dataclass(frozen=True)
class QueueEntry:
    item: FeedbackItem
    suggestions: list  # pending ThemeSuggestions, best first
    codes: list  # the item's codes so far (from suggestions it accepted)


# Rows of suggestions the queue reads per item it needs, at first (the engine stores three
# to five an item).
_ROWS_PER_ITEM = 4
# Ids per query when reading the suggestions of closed items (SQLite takes at most 32,766
# parameters); one query unless an import coded thousands of items since the last refresh.
_IDS_PER_QUERY = 1000


def _closed(pending):
    """(item id, consultation id, theme id) of the suggestions among `pending` (pending
    ones) that wait for nobody (ThemeSuggestionQuerySet.closed_items): usually none."""
    ids = list(pending.closed_items().values_list("pk", flat=True))
    rows = []
    for start in range(0, len(ids), _IDS_PER_QUERY):
        chunk = ids[start : start + _IDS_PER_QUERY]
        rows += (
            pending.filter(item_id__in=chunk)
            .order_by()
            .values_list("item_id", "consultation_id", "theme_id")
        )
    return rows


def consultations_with_suggestions():
    """Every consultation, each with `waiting_items`: how many items have suggestions to
    review (pending less closed, ThemeSuggestionQuerySet.closed_items)."""
    consultations = list(Consultation.objects.order_by("title"))
    pending = ThemeSuggestion.objects.filter(state=PENDING)
    counts = dict(
        pending.order_by()
        .values("consultation_id")
        .annotate(items=Count("item_id", distinct=True))
        .values_list("consultation_id", "items")
    )
    closed = collections.Counter(
        consultation_id for _item, consultation_id in {row[:2] for row in _closed(pending)}
    )
    for consultation in consultations:
        consultation.waiting_items = counts.get(consultation.pk, 0) - closed[consultation.pk]
    return consultations


def queue_themes(consultation):
    """The consultation's themes, parents first, each with `waiting` (items with a
    suggestion of it waiting for review, as the queue filtered by it counts them) and its
    key phrases (`theme.key_phrases`, when computed)."""
    pending = ThemeSuggestion.objects.filter(consultation=consultation, state=PENDING)
    counts = dict(
        pending.order_by().values("theme_id").annotate(n=Count("pk")).values_list("theme_id", "n")
    )
    closed = collections.Counter(theme_id for _item, _consultation, theme_id in _closed(pending))
    themes = list(
        Theme.objects.filter(consultation=consultation)
        .select_related("parent", "key_phrases")
        .order_by("parent__sort_order", "parent__name", "sort_order", "name", "pk")
    )
    for theme in themes:
        theme.waiting = counts.get(theme.pk, 0) - closed[theme.pk]
    return themes


class _Queue:
    """The ids of the items with suggestions waiting for review (of a theme, if given),
    the most confident first (an item's best pending suggestion; ties by id), as
    Paginator reads a list: `count()` from indexes (pending items less closed ones), and
    a slice by reading the waiting suggestions in that order from the top of an index
    (suggestion_queue_order) until it has seen enough distinct items. A page near the
    top costs a few rows, where grouping every suggestion by item and sorting took 1.6 s
    at 100,000 items."""

    def __init__(self, consultation, theme):
        self.pending = ThemeSuggestion.objects.filter(consultation=consultation, state=PENDING)
        if theme is not None:
            self.pending = self.pending.filter(theme=theme)

    def count(self):
        pending = self.pending.order_by().values("item_id").distinct().count()
        return pending - len({item_id for item_id, _c, _t in _closed(self.pending)})

    def __getitem__(self, bounds):
        ordered = self.pending.waiting().order_by("-confidence", "item_id").values_list("item_id")
        # An item has a few suggestions: four rows an item read first, four times as many
        # again whenever they hold too few distinct items (a LIMIT, not a server-side
        # cursor: outside a transaction PostgreSQL would read the whole cursor at once).
        limit = _ROWS_PER_ITEM * bounds.stop
        while True:
            rows = [item_id for (item_id,) in ordered[:limit]]
            ids = list(dict.fromkeys(rows))[: bounds.stop]  # distinct, in order
            if len(ids) >= bounds.stop or len(rows) < limit:
                return ids[bounds.start :]
            limit *= _ROWS_PER_ITEM


def review_queue(consultation, *, theme=None, page=1, per_page=PER_PAGE):
    """(page, entries): a page of the items with pending suggestions (of `theme`, if
    given), the most confident first, each a QueueEntry. A page number out of range gives
    the nearest page."""
    found = Paginator(_Queue(consultation, theme), per_page).get_page(page)
    ids = list(found.object_list)
    items = FeedbackItem.objects.filter(pk__in=ids).select_related("section")
    by_item = {item.pk: item for item in items}
    suggestions = {pk: [] for pk in ids}
    for suggestion in (
        ThemeSuggestion.objects.filter(item_id__in=ids, state=PENDING)
        .select_related("theme")
        .order_by("-confidence", "rank", "pk")
    ):
        suggestions[suggestion.item_id].append(suggestion)
    codes = {pk: [] for pk in ids}
    for code in Coding.objects.filter(item_id__in=ids).select_related("theme"):
        codes[code.item_id].append(code)
    entries = [
        QueueEntry(item=by_item[pk], suggestions=suggestions[pk], codes=codes[pk])
        for pk in ids
        if pk in by_item
    ]
    return found, entries


def pending_for_item(item_id):
    """The item's suggestions waiting for review, best first, with their themes (one
    query); for the item page."""
    return list(
        ThemeSuggestion.objects.filter(item_id=item_id)
        .waiting()
        .select_related("theme")
        .order_by("-confidence", "rank", "pk")
    )


def rejected_for_item(item_id):
    """The item's rejected suggestions, with their themes and who rejected them (one
    query); for the item page, where a rejection can be taken back."""
    return list(
        ThemeSuggestion.objects.filter(item_id=item_id, state=ThemeSuggestion.State.REJECTED)
        .select_related("theme", "decided_by")
        .order_by("theme__name", "pk")
    )
