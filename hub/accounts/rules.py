"""Who may do what: small named rules used by views, templates and tests.

Group names are the ones the data migration creates."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings

from hub.accounts import mfa_session
from hub.accounts.user_facts import remembered

EDITORS = "Editors"
WORKING_GROUP = "Working group"
MODERATORS = "Moderators"


def _in_groups(user, *names):
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    groups = remembered(
        user, "groups", lambda: frozenset(user.groups.values_list("name", flat=True))
    )
    return bool(groups.intersection(names))


def is_moderator(user):
    """Moderators and the working group can moderate."""
    return _in_groups(user, MODERATORS, WORKING_GROUP)


def is_working_group(user):
    """Members of the Working group (and superusers): who search, code, import, export
    and synthesise what came in."""
    return _in_groups(user, WORKING_GROUP)


def is_editor(user):
    """Members of the Editors group (and superusers): who publish on the public site (the
    draft's versions in the Wagtail admin, the working group's responses)."""
    return _in_groups(user, EDITORS)


def can_moderate(user):
    """Moderators and the working group who passed a second factor in this session: the
    condition of the staff gate (hub.accounts.decorators.staff_view). Without one, or signed
    in with the password alone, they see and do what any participant does, on the public
    pages too."""
    return is_moderator(user) and passed_mfa(user)


def has_verified_email(user):
    return user.is_authenticated and remembered(
        user,
        "verified_email",
        lambda: EmailAddress.objects.filter(user=user, verified=True).exists(),
    )


def has_complete_profile(user):
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    return bool(profile and profile.is_complete)


def can_participate(user):
    """Comment, reply, react, answer: an active account, verified email, completed profile."""
    return (
        user.is_authenticated
        and user.is_active
        and has_verified_email(user)
        and has_complete_profile(user)
    )


def requires_mfa(user):
    """Anyone who can reach a staff view needs a second factor first: staff, superusers,
    members of the staff groups, and anyone any group lets into the Wagtail admin (so a new
    group made in the admin cannot open a way in on a password alone)."""
    if not user.is_authenticated:
        return False
    return (
        user.is_staff
        or user.is_superuser
        or _in_groups(user, *settings.MFA_REQUIRED_GROUPS)
        or user.has_perm("wagtailadmin.access_admin")
    )


def has_mfa(user):
    """Whether the person has set up an authenticator app (on the account; whether they
    used it in this session is `passed_mfa`). Remembered on the user object, which lives
    for one request: the MFA gate, the staff views and the consultation's rules all ask,
    the database once."""
    known = getattr(user, "_hub_has_mfa", None)
    if known is None:
        known = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._hub_has_mfa = known
    return known


def passed_mfa(user):
    """Whether the person has an authenticator app and, on the request being served, entered
    its code in this session (hub.accounts.mfa_session): what staff powers need. Asked about
    anyone else, or outside a request (a task, a command), there is no session to look at,
    so having an authenticator is what counts."""
    if not has_mfa(user):
        return False
    in_session = mfa_session.passed_for(user)
    return in_session is None or in_session
