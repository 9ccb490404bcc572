"""Reading theme suggestions for the working group's pages: the consultations with
suggestions waiting, one consultation's review queue (a page of items with their pending
suggestions, best first, optionally of one theme) with each theme's key phrases, and an
item's pending suggestions (for the item page). A page that lists themes shows their key
phrases with `select_related("key_phrases")` and the include
consultation/synthesis/includes/theme_key_phrases.html. Query counts do not grow with the
items shown."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Max, Q

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


def consultations_with_suggestions():
    """Every consultation, each with `waiting_items`: how many items have suggestions to
    review (two queries)."""
    consultations = list(Consultation.objects.order_by("title"))
    counts = dict(
        ThemeSuggestion.objects.waiting()
        .values("consultation_id")
        .annotate(items=Count("item_id", distinct=True))
        .values_list("consultation_id", "items")
    )
    for consultation in consultations:
        consultation.waiting_items = counts.get(consultation.pk, 0)
    return consultations


def queue_themes(consultation):
    """The consultation's themes, parents first, each with `waiting` (pending suggestions
    of it) and its key phrases (`theme.key_phrases`, when computed); one query."""
    return list(
        Theme.objects.filter(consultation=consultation)
        .select_related("parent", "key_phrases")
        .annotate(waiting=Count("suggestions", filter=Q(suggestions__state=PENDING)))
        .order_by("parent__sort_order", "parent__name", "sort_order", "name", "pk")
    )


def review_queue(consultation, *, theme=None, page=1, per_page=PER_PAGE):
    """(page, entries): a page of the items with pending suggestions (of `theme`, if
    given), the most confident first, each a QueueEntry. A page number out of range gives
    the nearest page."""
    waiting = ThemeSuggestion.objects.filter(consultation=consultation).waiting()
    if theme is not None:
        waiting = waiting.filter(theme=theme)
    ordered = (
        waiting.values("item_id").annotate(best=Max("confidence")).order_by("-best", "item_id")
    )
    found = Paginator(ordered, per_page).get_page(page)
    ids = [row["item_id"] for row in found.object_list]
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
