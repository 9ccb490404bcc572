"""An analyst's decision on a theme suggestion: accept it (the theme becomes a code like any
other, marked as accepted from a suggestion) or reject it (remembered until taken back:
never suggested again for that item, and negative evidence the engine learns from), or
take a rejection back. Each decision is atomic, re-checked inside its transaction (a
suggestion is decided once) and in the audit log; each refreshes the consultation's
suggestions in the background. Undoing the coding action that accepted a suggestion
takes the acceptance back (consultation.synthesis.coding.undo)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from consultation.synthesis import coding
from consultation.synthesis.models import CodeSource, CodingAction, ThemeSuggestion
from consultation.synthesis.suggestion_tasks import refresh_suggestions_soon
from hub.core.audit import audit_record

State = ThemeSuggestion.State


def _pending(suggestion_id):
    """The suggestion, locked, if it is still waiting for a decision."""
    suggestion = (
        ThemeSuggestion.objects.select_for_update()
        .select_related("theme", "item", "consultation")
        .filter(pk=suggestion_id)
        .first()
    )
    if suggestion is None:
        raise ValidationError("This suggestion no longer exists: suggestions were computed again.")
    if not suggestion.is_pending:
        raise ValidationError(
            f"This suggestion was already {suggestion.get_state_display().lower()}."
        )
    return suggestion


def _decided(suggestion, *, actor, state, action=None):
    suggestion.state = state
    suggestion.decided_by = actor
    suggestion.decided_at = timezone.now()
    suggestion.action = action
    suggestion.save(update_fields=["state", "decided_by", "decided_at", "action"])
    audit_record(
        actor=actor,
        action=f"suggestion_{state}",
        target=suggestion,
        data={
            "consultation": suggestion.consultation_id,
            "item": suggestion.item_id,
            "theme": suggestion.theme_id,
            "confidence": round(suggestion.confidence, 4),
            "suggested": suggestion.suggested,
            "coding_action": action.pk if action else None,
        },
    )
    return suggestion


def accept_suggestion(*, actor, suggestion_id):
    """Code the item with the suggested theme (a coding action of scope SUGGESTION, undone
    like any other) and mark the suggestion accepted; returns it."""
    with transaction.atomic():
        suggestion = _pending(suggestion_id)
        action = coding.apply_themes(
            actor=actor,
            consultation=suggestion.consultation,
            item_ids=[suggestion.item_id],
            themes=[suggestion.theme],
            scope=CodingAction.Scope.SUGGESTION,
            source=CodeSource.SUGGESTION,
        )
        return _decided(suggestion, actor=actor, state=State.ACCEPTED, action=action)


def reject_suggestion(*, actor, suggestion_id):
    """Remember that the theme is wrong for the item; returns the suggestion."""
    with transaction.atomic():
        suggestion = _decided(_pending(suggestion_id), actor=actor, state=State.REJECTED)
        refresh_suggestions_soon(consultation_id=suggestion.consultation_id)
    return suggestion


def reconsider_suggestion(*, actor, suggestion_id):
    """Take a rejection back: the suggestion waits for review again, the engine no longer
    counts it against the theme, and the next refresh may suggest the theme again (it
    replaces the pending suggestion like any other). Returns the suggestion."""
    with transaction.atomic():
        suggestion = (
            ThemeSuggestion.objects.select_for_update()
            .select_related("theme", "consultation")
            .filter(pk=suggestion_id)
            .first()
        )
        if suggestion is None or suggestion.state != State.REJECTED:
            raise ValidationError("Only a rejected suggestion can be taken back.")
        rejected_by, rejected_at = suggestion.decided_by_id, suggestion.decided_at
        suggestion.state = State.PENDING
        suggestion.decided_by = suggestion.decided_at = None
        suggestion.save(update_fields=["state", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action="suggestion_reconsidered",
            target=suggestion,
            data={
                "consultation": suggestion.consultation_id,
                "item": suggestion.item_id,
                "theme": suggestion.theme_id,
                "rejected_by": rejected_by,
                "rejected_at": rejected_at.isoformat() if rejected_at else None,
            },
        )
        refresh_suggestions_soon(consultation_id=suggestion.consultation_id)
    return suggestion
