"""Writing accounts data: a stakeholder's profile, and what follows when an account's
second factor is turned on or off."""

from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.utils import timezone

from hub.accounts import mfa_session, user_facts
from hub.accounts.models import Profile, User


@transaction.atomic
def profile_save(*, user, display_name, organisation, sector, region, show_name):
    """Create or update `user`'s profile; the first save marks it complete."""
    profile, _ = Profile.objects.select_for_update().get_or_create(
        user=user,
        defaults={
            "display_name": display_name,
            "sector": sector,
            "region": region,
        },
    )
    profile.display_name = display_name
    profile.organisation = organisation
    profile.sector = sector
    profile.region = region
    profile.show_name = show_name
    profile.completed_at = profile.completed_at or timezone.now()
    profile.save()
    return profile


def second_factor_changed(*, request, user, added=None):
    """An authenticator was turned on or off for `user` on `request`. Every other session of
    the account ends at its next request (the session hash follows the change:
    User.get_session_auth_hash); the session that made the change carries on, and if it
    turned one on (`added`, the authenticator) it counts as having passed it."""
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(second_factor_changed_at=now)
    user_facts.forget(user.pk)  # the row kept for their sessions (no signal for an update)
    people = [user]
    if request.user.is_authenticated and request.user.pk == user.pk:
        people.append(request.user)
    for person in people:
        person.second_factor_changed_at = now
        person._hub_has_mfa = None  # the rules' memo of the old answer (hub.accounts.rules)
    if len(people) > 1:
        update_session_auth_hash(request, request.user)
        if added is not None:
            mfa_session.record_activation(request, user, added)
