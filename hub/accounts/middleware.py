"""The MFA gate: staff and members of the staff groups need a second factor before any
staff view (the Wagtail admin and the working group's areas)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from hub.accounts.rules import has_mfa, requires_mfa

STAFF_PATH_PREFIXES = ("/admin/",)


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith(STAFF_PATH_PREFIXES)
            and requires_mfa(request.user)
            and not has_mfa(request.user)
        ):
            messages.warning(
                request, "Set up an authenticator app before you use the staff areas of the site."
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
