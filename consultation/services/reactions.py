"""Agree / disagree: one reaction per person per contribution. Choosing the same reaction
again takes it back; choosing the other changes it."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from consultation import rules
from consultation.models import Reaction
from consultation.services.comments import NotAllowed


def reaction_toggle(*, user, comment, value, now=None):
    """Set, change or take back `user`'s reaction; returns the value now held (or None)."""
    if value not in Reaction.Value.values:
        raise ValueError(f"Unknown reaction {value!r}")
    if not rules.can_react(user, comment, now or timezone.now()):
        raise NotAllowed("You cannot react to this.")
    for _attempt in range(2):
        try:
            with transaction.atomic():
                existing = (
                    Reaction.objects.select_for_update().filter(comment=comment, user=user).first()
                )
                if existing is None:
                    Reaction.objects.create(comment=comment, user=user, value=value)
                    return value
                if existing.value == value:
                    existing.delete()
                    return None
                existing.value = value
                existing.save(update_fields=["value", "reacted_at"])
                return value
        except IntegrityError:
            # Two clicks raced to create the row; the second sees the first and toggles it.
            continue
    return value
