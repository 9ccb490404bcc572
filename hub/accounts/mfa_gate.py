"""The second factor in front of the staff areas: someone who needs one goes on only if
this session passed it; otherwise they are sent to enter their code (if they have an
authenticator) or to set one up (if not), and brought back where they were going.

Used by the staff-area middleware and by the `staff_view` decorator."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from hub.accounts import mfa_session
from hub.accounts.redirects import safe_next_url, url_with_next
from hub.accounts.rules import has_mfa

MFA_SETUP_MESSAGE = (
    "You need to set up two-factor authentication before you use the staff areas of the site."
)
MFA_CODE_MESSAGE = (
    "Enter the code from your authenticator app to use the staff areas of the site. "
    "You need to do this once each time you sign in."
)


def redirect_unless_passed(request):
    """None if this session passed the second factor; else the redirect to pass it."""
    user = request.user
    if has_mfa(user):
        if mfa_session.session_passed(request):
            return None
        return _redirect_to(request, "mfa_reauthenticate", MFA_CODE_MESSAGE)
    return _redirect_to(request, "mfa_activate_totp", MFA_SETUP_MESSAGE)


def _redirect_to(request, url_name, message):
    messages.warning(request, message)
    next_url = safe_next_url(request, request.get_full_path())
    return redirect(url_with_next(reverse(url_name), next_url))
