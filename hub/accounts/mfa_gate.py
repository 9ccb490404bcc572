"""Sending someone who needs a second factor to set one up, and back where they were going.

Used by the staff-area middleware and by the `staff_view` decorator."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

MFA_SETUP_MESSAGE = (
    "You need to set up two-factor authentication before you use the staff areas of the site."
)


def safe_next_url(request, value):
    """`value` if it is a path on this site, otherwise an empty string."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def redirect_to_mfa_setup(request):
    messages.warning(request, MFA_SETUP_MESSAGE)
    target = reverse("mfa_activate_totp")
    next_url = safe_next_url(request, request.get_full_path())
    if next_url:
        target = f"{target}?{urlencode({'next': next_url})}"
    return redirect(target)
