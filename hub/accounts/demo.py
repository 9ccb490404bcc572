"""Demo accounts for each role. Their sign-ins are printed by `manage.py demo_accounts`.

The names are clearly fictional; every address is on the reserved example.org domain."""

import os

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from hub.accounts.models import Profile, Region, Sector, User
from hub.accounts.rules import EDITORS, MODERATORS, WORKING_GROUP

# A shared password for local demo accounts only; load_demo refuses to run in production.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-password-2026")


DEMO_ACCOUNTS = [
    # email, display name, sector, region, organisation, groups, is_superuser
    (
        "admin@example.org",
        "Demo Administrator",
        Sector.GOVERNMENT,
        Region.LONDON,
        "Strategy team",
        [],
        True,
    ),
    (
        "editor@example.org",
        "Demo Editor",
        Sector.GOVERNMENT,
        Region.LONDON,
        "Strategy team",
        [EDITORS],
        False,
    ),
    (
        "analyst@example.org",
        "Demo Analyst",
        Sector.NHS_MANAGER,
        Region.NORTH_WEST,
        "Working group secretariat",
        [WORKING_GROUP],
        False,
    ),
    (
        "moderator@example.org",
        "Demo Moderator",
        Sector.OTHER,
        Region.WALES,
        "Strategy team",
        [MODERATORS],
        False,
    ),
    (
        "clinician@example.org",
        "Dr Ada Example",
        Sector.CLINICIAN,
        Region.NORTH_EAST,
        "Example Teaching Hospitals",
        [],
        False,
    ),
    (
        "nurse@example.org",
        "Sam Sample",
        Sector.NURSE_AHP,
        Region.SOUTH_WEST,
        "Example Community Trust",
        [],
        False,
    ),
    (
        "carer@example.org",
        "Robin Placeholder",
        Sector.PATIENT_CARER,
        Region.SCOTLAND,
        "",
        [],
        False,
    ),
    (
        "socialcare@example.org",
        "Jo Fictional",
        Sector.SOCIAL_CARE,
        Region.YORKSHIRE,
        "Example Care Homes",
        [],
        False,
    ),
    (
        "industry@example.org",
        "Alex Demo",
        Sector.INDUSTRY,
        Region.EAST,
        "Example AI Ltd",
        [],
        False,
    ),
    (
        "academic@example.org",
        "Prof Pat Invented",
        Sector.ACADEMIA,
        Region.WEST_MIDLANDS,
        "University of Example",
        [],
        False,
    ),
    (
        "council@example.org",
        "Chris Madeup",
        Sector.LOCAL_AUTHORITY,
        Region.EAST_MIDLANDS,
        "Example County Council",
        [],
        False,
    ),
    (
        "charity@example.org",
        "Morgan Mock",
        Sector.CHARITY,
        Region.NORTHERN_IRELAND,
        "Example Patients Association",
        [],
        False,
    ),
]


def load(stdout):
    created = 0
    for email, name, sector, region, organisation, groups, superuser in DEMO_ACCOUNTS:
        user, was_created = User.objects.get_or_create(
            email=email,
            defaults={"is_staff": superuser or bool(groups), "is_superuser": superuser},
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            created += 1
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        Profile.objects.get_or_create(
            user=user,
            defaults={
                "display_name": name,
                "organisation": organisation,
                "sector": sector,
                "region": region,
                "show_name": True,
                "completed_at": timezone.now(),
            },
        )
        if groups:
            user.groups.add(*Group.objects.filter(name__in=groups))
    stdout.write(f"Demo accounts: {created} created, {len(DEMO_ACCOUNTS) - created} already there.")


def sign_in_lines():
    roles = {
        "admin@example.org": "administrator (Wagtail admin, everything)",
        "editor@example.org": "editor (writes and publishes the draft)",
        "analyst@example.org": "working group analyst",
        "moderator@example.org": "moderator",
        "clinician@example.org": "stakeholder (clinician)",
        "carer@example.org": "stakeholder (patient or carer)",
    }
    return [f"  {email:<24} {role}" for email, role in roles.items()]
