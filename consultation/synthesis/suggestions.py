"""Stored theme suggestions: computing them for a consultation and keeping them.

`refresh_suggestions` reads a consultation's items that count in the analysis (their
text, and the section or question each answers as context), the codes so far and every
suggestion analysts rejected, asks the engine (consultation.synthesis.suggest) for the
uncoded items' themes, and replaces the pending suggestions with the new ones in one
transaction, with each theme's key phrases. Decided suggestions stay as they are: an
accepted one is a code, a rejected one is never suggested again for its item.

Most of a refresh's suggestions are the pending ones again with other figures, so a
pending row whose item and theme are suggested again is updated in place (its confidence,
rank, threshold and time: columns no index holds), and only the others are deleted or
inserted, each kind with one statement run for all its rows: at 100,000 items, deleting
and inserting every row again (each in five indexes) cost about a third of a refresh.

An item that has a code by hand or from an import gets no suggestions. An item whose only
codes came from its own accepted suggestions keeps its other pending suggestions until an
analyst decides on them (the engine, which suggests for uncoded items only, would drop
them), so accepting a first suggestion does not hide the second.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from consultation.feedback.models import FeedbackItem
from consultation.models import Consultation
from consultation.synthesis.models import (
    Coding,
    Theme,
    ThemeKeyPhrases,
    ThemeSuggestion,
)
from consultation.synthesis.suggest import suggest_themes
from hub.core.bulk import insert_rows

# Themes stored per item: the review queue shows them all, best first.
PER_ITEM = 3
# Rows written per INSERT batch (bounds the memory of the parameters on 100,000 items).
BATCH = 20_000
State = ThemeSuggestion.State


@dataclass(frozen=True)
class Refreshed:
    """What a refresh did."""

    items: int  # items read (those counting in the analysis)
    coded: int  # items with a code, that the engine learnt from
    suggested_items: int  # items that got at least one suggestion
    stored: int  # pending suggestions written
    calibrated: bool


def _report(progress, done, total):
    if progress:
        progress(done, total)


def _context(section_id, question_id):
    """What the item answers, as the engine's context: its section, or its question."""
    if section_id:
        return f"section:{section_id}"
    return f"question:{question_id}" if question_id else ""


def read_inputs(consultation):
    """texts, contexts and codes of the consultation's items counting in the analysis."""
    items = FeedbackItem.objects.filter(consultation=consultation, in_analysis=True)
    texts, contexts = {}, {}
    for pk, text, section_id, question_id in items.values_list(
        "pk", "text", "section_id", "answer_source__question_id"
    ).iterator(chunk_size=5000):
        texts[pk] = text
        contexts[pk] = _context(section_id, question_id)
    codes = {}
    for item_id, theme_id in Coding.objects.filter(
        item__consultation=consultation, item__in_analysis=True
    ).values_list("item_id", "theme_id"):
        codes.setdefault(item_id, []).append(theme_id)
    rejections = list(
        ThemeSuggestion.objects.filter(consultation=consultation, state=State.REJECTED).values_list(
            "item_id", "theme_id"
        )
    )
    return texts, contexts, codes, rejections


def refresh_suggestions(*, consultation, progress=None):
    """Compute the consultation's suggestions again and store them (see the module's
    text); `progress(done, total)` is told how far it got. Returns a Refreshed."""
    _report(progress, 0, 4)
    texts, contexts, codes, rejections = read_inputs(consultation)
    _report(progress, 1, 4)
    found = suggest_themes(
        texts=texts,
        codes=codes,
        rejections=rejections,
        contexts=contexts,
        per_item=PER_ITEM,
    )
    _report(progress, 2, 4)
    now = timezone.now()
    with transaction.atomic():
        # One refresh at a time per consultation; what analysts decided while the engine
        # ran is read again here, inside the lock.
        Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        known_themes = set(
            Theme.objects.filter(consultation=consultation).values_list("pk", flat=True)
        )
        ours = ThemeSuggestion.objects.filter(consultation=consultation)
        kept = set(ours.kept_by_refresh().order_by().values_list("pk", flat=True))
        # Pending rows the refresh replaces, by (item, theme): updated where suggested
        # again, deleted where not; every other row (decided, or kept) is taken.
        replaced, taken = {}, set()
        every = ours.order_by().values_list("pk", "item_id", "theme_id", "state")
        for pk, item_id, theme_id, state in every.iterator(chunk_size=BATCH):
            if state == State.PENDING and pk not in kept:
                replaced[(item_id, theme_id)] = pk
            else:
                taken.add((item_id, theme_id))
        coded_now = set(
            Coding.objects.filter(item__consultation=consultation).values_list("item_id", flat=True)
        )
        rows, suggested_items = [], 0
        for item_id, ranked in found.items.items():
            if item_id in coded_now:
                continue  # coded while the engine ran: a refresh is already on its way
            placed = 0
            for suggestion in ranked:
                if (item_id, suggestion.theme) in taken or suggestion.theme not in known_themes:
                    continue
                placed += 1
                rows.append(
                    {
                        "consultation_id": consultation.pk,
                        "item_id": item_id,
                        "theme_id": suggestion.theme,
                        "confidence": min(max(float(suggestion.confidence), 0.0), 1.0),
                        "suggested": bool(suggestion.suggested),
                        "rank": placed,
                        "state": State.PENDING,
                        "computed_at": now,
                    }
                )
            suggested_items += bool(placed)
        _write_rows(rows, replaced)
        _report(progress, 3, 4)
        _store_key_phrases(consultation, found.key_phrases, known_themes, now)
    _report(progress, 4, 4)
    return Refreshed(
        items=len(texts),
        coded=len(codes),
        suggested_items=suggested_items,
        stored=len(rows),
        calibrated=found.calibrated,
    )


def _write_rows(rows, replaced):
    """Store the pending suggestions `rows`: a row whose (item, theme) is in `replaced`
    ({(item, theme): pk} of pending rows the refresh replaces) updates that row, the others
    are inserted, and the rows of `replaced` not suggested again are deleted."""
    table = connection.ops.quote_name(ThemeSuggestion._meta.db_table)
    key = connection.ops.quote_name(ThemeSuggestion._meta.pk.column)
    column = {
        name: connection.ops.quote_name(ThemeSuggestion._meta.get_field(name).column)
        for name in ("confidence", "suggested", "rank", "computed_at")
    }
    computed_at = ThemeSuggestion._meta.get_field("computed_at")
    updates, inserts = [], []
    for row in rows:
        pk = replaced.pop((row["item_id"], row["theme_id"]), None)
        if pk is None:
            inserts.append(row)
        else:
            updates.append(
                [
                    row["confidence"],
                    row["suggested"],
                    row["rank"],
                    computed_at.get_db_prep_save(row["computed_at"], connection),
                    pk,
                ]
            )
    gone = [[pk] for pk in replaced.values()]
    assignments = ", ".join(f"{column[name]} = %s" for name in column)
    with connection.cursor() as cursor:
        for start in range(0, len(gone), BATCH):
            cursor.executemany(f"DELETE FROM {table} WHERE {key} = %s", gone[start : start + BATCH])  # noqa: S608
        for start in range(0, len(updates), BATCH):
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {key} = %s",  # noqa: S608 - our names
                updates[start : start + BATCH],
            )
    for start in range(0, len(inserts), BATCH):
        insert_rows(ThemeSuggestion, inserts[start : start + BATCH])


def _store_key_phrases(consultation, phrases_by_theme, known_themes, now):
    """Each coded theme's key phrases as found now; a theme no longer coded keeps none."""
    ThemeKeyPhrases.objects.filter(theme__consultation=consultation).delete()
    ThemeKeyPhrases.objects.bulk_create(
        ThemeKeyPhrases(theme_id=theme_id, phrases=list(phrases), computed_at=now)
        for theme_id, phrases in phrases_by_theme.items()
        if theme_id in known_themes
    )
