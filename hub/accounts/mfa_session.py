"""Whether *this session* passed the second factor, which is what staff areas require (an
authenticator on the account is not enough: a session signed in with the password alone
has not used it).

allauth keeps in the session a record of each way it was authenticated: the password, the
code from an authenticator app (method "mfa"), a reauthentication
(`allauth.account.authentication.get_authentication_records`). A session has passed the
second factor when one of its records is "mfa" (and the account still has an authenticator:
`hub.accounts.rules.passed_mfa`).
A session that has just turned an authenticator app on counts as having passed it: the
activation form takes a current code from the app (see `record_activation`).

Turning an authenticator on or off also ends the account's other sessions (their session
hash no longer matches: `User.get_session_auth_hash`, `services.second_factor_changed`)."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.authentication import get_authentication_records

# allauth keeps its record-keeping function internal; the records' format is public
# (AUTHENTICATION_METHODS_SESSION_KEY) and this is the one place that writes a record.
from allauth.account.internal.flows.login import record_authentication
from allauth.core import context

MFA_METHOD = "mfa"


def _records(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return get_authentication_records(request, user)


def session_passed(request):
    """Whether the person signed in on `request` entered a code from an authenticator (or
    a recovery code) in this session. Whether the account still has one is for the caller
    (`hub.accounts.rules.passed_mfa`) to add."""
    return any(record.get("method") == MFA_METHOD for record in _records(request))


def passed_for(user):
    """`session_passed` for the request being served, if `user` is the person signed in on
    it; None if there is no such request (a task, a command, a test calling a rule) or it is
    somebody else's (an email being prepared for them), so the caller decides."""
    request = context.request
    if request is None or not user.is_authenticated:
        return None
    signed_in = getattr(request, "user", None)
    if signed_in is None or not signed_in.is_authenticated or signed_in.pk != user.pk:
        return None
    return session_passed(request)


def signed_in_recently(request):
    """Whether the person proved who they are in this session (signed in, entered a code or
    their password again) within allauth's reauthentication timeout: then they are not asked
    for their password again before setting up an authenticator."""
    cutoff = time.time() - account_settings.REAUTHENTICATION_TIMEOUT
    return any(record.get("at", 0) > cutoff for record in _records(request))


def record_activation(request, user, authenticator):
    """Count turning an authenticator on in this session as passing it (the activation
    form checked a current code from it)."""
    if getattr(request, "user", None) is None or request.user.pk != user.pk:
        return
    record_authentication(
        request, user, MFA_METHOD, id=authenticator.pk, type=authenticator.type, activated=True
    )
