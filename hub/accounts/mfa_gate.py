"""Sending someone who needs a second factor to set one up, and back where they were going.

Used by the staff-area middleware and by the `staff_view` decorator."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from hub.accounts.redirects import safe_next_url, url_with_next

MFA_SETUP_MESSAGE = (
    "You need to set up two-factor authentication before you use the staff areas of the site."
)


def redirect_to_mfa_setup(request):
    messages.warning(request, MFA_SETUP_MESSAGE)
    next_url = safe_next_url(request, request.get_full_path())
    return redirect(url_with_next(reverse("mfa_activate_totp"), next_url))
