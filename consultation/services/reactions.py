"""Agree / disagree: one reaction per person per contribution. The caller says which
reaction the person wants to hold from now on (agree, disagree, or none to take it back),
never "the other one": sending the same request twice, or two at once, ends the same way."""

from django.db import transaction
from django.utils import timezone

from consultation import rules
from consultation.models import Reaction
from consultation.services.comments import NotAllowed
from hub.core.page_cache import site_changed


def reaction_set(*, user, comment, value, now=None):
    """Make `value` (a Reaction.Value, or None for no reaction) `user`'s reaction to
    `comment`. Returns (value held now, whether anything changed)."""
    if value is not None and value not in Reaction.Value.values:
        raise ValueError(f"Unknown reaction {value!r}")
    if not rules.can_react(user, comment, now or timezone.now()):
        raise NotAllowed("You cannot react to this.")
    if value is None:
        deleted, _ = Reaction.objects.filter(comment=comment, user=user).delete()
        return None, _counts_changed(bool(deleted))
    with transaction.atomic():
        # The row is locked while it changes; when two requests race to create it, the
        # unique constraint lets one in and get_or_create hands the other that row.
        reaction, created = Reaction.objects.select_for_update().get_or_create(
            comment=comment, user=user, defaults={"value": value}
        )
        if created or reaction.value == value:
            return value, _counts_changed(created)
        reaction.value = value
        reaction.save(update_fields=["value", "reacted_at"])
    return value, _counts_changed(True)


def _counts_changed(changed):
    """The public pages show the counts of agreement: a change ends their cached copies."""
    if changed:
        site_changed()
    return changed
