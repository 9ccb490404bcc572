"""The MFA gate: staff and members of the staff groups need a second factor before any
staff view (the Wagtail admin and the working group's areas)."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

STAFF_PATH_PREFIXES = ("/admin/",)


def requires_mfa(user):
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name__in=settings.MFA_REQUIRED_GROUPS).exists()


def has_mfa(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


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
