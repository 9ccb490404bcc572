"""The MFA gate: whoever `rules.requires_mfa` names (staff, superusers, the staff groups,
anyone allowed into the Wagtail admin) needs a second factor before any staff area (the
Wagtail admin, moderation, the working group's synthesis).

Views in those areas also use `hub.accounts.decorators.staff_view`; this middleware is the
net under them, and it covers the Wagtail admin, whose views we do not decorate. Wagtail's
own sign-in page is sent to allauth's, so nobody reaches the admin on a password alone."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from hub.accounts.mfa_gate import redirect_to_mfa_setup
from hub.accounts.redirects import safe_next_url, url_with_next
from hub.accounts.rules import has_mfa, requires_mfa

# Wagtail views inside a staff area that must stay reachable without a second factor.
EXEMPT_URL_NAMES = frozenset({"wagtailadmin_logout"})
# Wagtail's own sign-in page: allauth's replaces it (password reset is switched off).
WAGTAIL_SIGN_IN_URL_NAMES = frozenset({"wagtailadmin_login"})


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.MFA_STAFF_PATH_PREFIXES)

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path.startswith(self.prefixes):
            return None
        url_name = request.resolver_match.url_name if request.resolver_match else None
        if url_name in WAGTAIL_SIGN_IN_URL_NAMES:
            return _to_allauth_sign_in(request)
        if url_name in EXEMPT_URL_NAMES:
            return None
        if requires_mfa(request.user) and not has_mfa(request.user):
            return redirect_to_mfa_setup(request)
        return None


def _to_allauth_sign_in(request):
    next_url = safe_next_url(request, request.GET.get("next", ""))
    return redirect(url_with_next(reverse("account_login"), next_url))
