"""The one writer of codes: themes applied to or removed from items, as one action.

An action covers one item, a selection, every result of a search, a campaign group, an
import of codes or an accepted suggestion. It is written in one transaction with its
entry in the audit log (who, when, which themes, how many items, and the search that
chose them), and can be undone as a whole, once: undoing removes the codes it added and
restores the codes it removed, as they were. Items and themes must belong to the
action's consultation; anything else is refused before anything is written.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from consultation.feedback.models import FeedbackItem
from consultation.search.tasks import index_after_commit
from consultation.synthesis.models import (
    CodeSource,
    Coding,
    CodingAction,
    RemovedCoding,
    ThemeSuggestion,
)
from consultation.synthesis.suggestion_tasks import refresh_suggestions_soon
from hub.core.audit import audit_record
from hub.core.bulk import insert_rows

# Ids per query when reading or marking many items (well under every database's limit
# on query parameters).
CHUNK = 2000


def _chunks(ids):
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _checked(consultation, item_ids, themes):
    """The item ids (unique, in order) and themes, after checking both belong to
    `consultation`; raises ValidationError naming what does not."""
    themes = list(themes)
    if not themes:
        raise ValidationError("Choose at least one theme.")
    if any(theme.consultation_id != consultation.pk for theme in themes):
        raise ValidationError("Choose themes of this consultation's codebook.")
    ids = list(dict.fromkeys(int(pk) for pk in item_ids))
    if not ids:
        raise ValidationError("Choose at least one item.")
    found = 0
    for chunk in _chunks(ids):
        found += FeedbackItem.objects.filter(pk__in=chunk, consultation=consultation).count()
    if found != len(ids):
        raise ValidationError("Some of the chosen items are not in this consultation.")
    return ids, themes


def _changed(item_ids):
    """Items whose codes changed: the search engine's documents carry their themes."""
    for chunk in _chunks(item_ids):
        FeedbackItem.objects.filter(pk__in=chunk).update(needs_indexing=True)
    index_after_commit(item_ids=item_ids)


def _new_action(*, actor, consultation, kind, scope, themes, search, item_count):
    action = CodingAction.objects.create(
        consultation=consultation,
        kind=kind,
        scope=scope,
        search=search,
        item_count=item_count,
        actor=actor,
    )
    action.themes.set(themes)
    return action


def _audit(action, *, actor, what):
    audit_record(
        actor=actor,
        action=what,
        target=action,
        data={
            "consultation": action.consultation_id,
            "scope": action.scope,
            "themes": sorted(theme.pk for theme in action.themes.all()),
            "items": action.item_count,
            "changed": action.changed_count,
            "search": action.search,
        },
    )


def apply_themes(
    *,
    actor,
    consultation,
    item_ids,
    themes,
    scope=CodingAction.Scope.SELECTION,
    search="",
    source=CodeSource.MANUAL,
):
    """Give every item of `item_ids` every theme of `themes` (codes already there stay as
    they are); returns the CodingAction."""
    ids, themes = _checked(consultation, item_ids, themes)
    now = timezone.now()
    with transaction.atomic():
        action = _new_action(
            actor=actor,
            consultation=consultation,
            kind=CodingAction.Kind.APPLY,
            scope=scope,
            themes=themes,
            search=search,
            item_count=len(ids),
        )
        added = []
        for theme in themes:
            for chunk in _chunks(ids):
                present = set(
                    Coding.objects.filter(theme=theme, item_id__in=chunk).values_list(
                        "item_id", flat=True
                    )
                )
                added.extend(
                    {
                        "item_id": item_id,
                        "theme_id": theme.pk,
                        "source": source,
                        "action_id": action.pk,
                        "coded_by_id": actor.pk if actor else None,
                        "coded_at": now,
                    }
                    for item_id in chunk
                    if item_id not in present
                )
        insert_rows(Coding, added)
        action.changed_count = len(added)
        action.save(update_fields=["changed_count"])
        _changed({row["item_id"] for row in added})
        _audit(action, actor=actor, what="themes_applied")
        # Codes teach the theme suggestions: refresh them once this commits.
        refresh_suggestions_soon(consultation_id=action.consultation_id)
    return action


def remove_themes(
    *, actor, consultation, item_ids, themes, scope=CodingAction.Scope.SELECTION, search=""
):
    """Take every theme of `themes` off every item of `item_ids` (whichever way it was
    coded), remembering each code removed so that undo restores it; returns the action."""
    ids, themes = _checked(consultation, item_ids, themes)
    with transaction.atomic():
        action = _new_action(
            actor=actor,
            consultation=consultation,
            kind=CodingAction.Kind.REMOVE,
            scope=scope,
            themes=themes,
            search=search,
            item_count=len(ids),
        )
        theme_ids = [theme.pk for theme in themes]
        removed, touched = [], set()
        for chunk in _chunks(ids):
            codes = Coding.objects.filter(theme_id__in=theme_ids, item_id__in=chunk)
            for code in codes.values(
                "pk", "item_id", "theme_id", "source", "coded_by_id", "coded_at", "action_id"
            ):
                removed.append(
                    {
                        "action_id": action.pk,
                        "item_id": code["item_id"],
                        "theme_id": code["theme_id"],
                        "source": code["source"],
                        "coded_by_id": code["coded_by_id"],
                        "coded_at": code["coded_at"],
                        "applied_by_action_id": code["action_id"],
                    }
                )
                touched.add(code["item_id"])
            codes.delete()
        insert_rows(RemovedCoding, removed)
        action.changed_count = len(removed)
        action.save(update_fields=["changed_count"])
        _changed(touched)
        _audit(action, actor=actor, what="themes_removed")
        # Codes teach the theme suggestions: refresh them once this commits.
        refresh_suggestions_soon(consultation_id=action.consultation_id)
    return action


def undo(*, actor, action):
    """Reverse `action`: the codes it added go (those still there), and a suggestion it
    accepted waits for review again; the codes it removed come back (unless coded again
    since). Refused for an action already undone."""
    with transaction.atomic():
        action = CodingAction.objects.select_for_update().get(pk=action.pk)
        if action.is_undone:
            raise PermissionDenied("This action has already been undone.")
        if action.kind == CodingAction.Kind.APPLY:
            added = Coding.objects.filter(action=action)
            touched = set(added.values_list("item_id", flat=True))
            added.delete()
            # A suggestion accepted by this action is a decision taken back: it waits for
            # review again, and the refresh below may suggest its theme again.
            ThemeSuggestion.objects.filter(
                action=action, state=ThemeSuggestion.State.ACCEPTED
            ).update(
                state=ThemeSuggestion.State.PENDING, decided_by=None, decided_at=None, action=None
            )
        else:
            rows = list(
                action.removed.values(
                    "item_id",
                    "theme_id",
                    "source",
                    "coded_by_id",
                    "coded_at",
                    "applied_by_action_id",
                )
            )
            present = set()
            for chunk in _chunks({row["item_id"] for row in rows}):
                present.update(
                    Coding.objects.filter(
                        item_id__in=chunk, theme__in=action.themes.all()
                    ).values_list("item_id", "theme_id")
                )
            restored = [
                {
                    "item_id": row["item_id"],
                    "theme_id": row["theme_id"],
                    "source": row["source"],
                    "coded_by_id": row["coded_by_id"],
                    "coded_at": row["coded_at"],
                    "action_id": row["applied_by_action_id"],
                }
                for row in rows
                if (row["item_id"], row["theme_id"]) not in present
            ]
            insert_rows(Coding, restored)
            touched = {row["item_id"] for row in restored}
        action.undone_at = timezone.now()
        action.undone_by = actor
        action.save(update_fields=["undone_at", "undone_by"])
        _changed(touched)
        _audit(action, actor=actor, what="coding_undone")
        # Codes teach the theme suggestions: refresh them once this commits.
        refresh_suggestions_soon(consultation_id=action.consultation_id)
    return action


def codes_gone(item_ids):
    """Tell the search engine that these items lost codes some other way (a theme of the
    codebook was deleted, and its codes with it)."""
    _changed(set(item_ids))
