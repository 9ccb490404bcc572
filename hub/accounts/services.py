"""Writing accounts data: a stakeholder's profile."""

from django.db import transaction
from django.utils import timezone

from hub.accounts.models import Profile


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
