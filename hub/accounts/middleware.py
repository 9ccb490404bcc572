"""The MFA gate: whoever `rules.requires_mfa` names (staff, superusers, the staff groups,
anyone allowed into the Wagtail admin) needs to have passed a second factor in this session
before any staff area (the Wagtail admin, moderation, the working group's synthesis).

Views in those areas also use `hub.accounts.decorators.staff_view`; this middleware is the
net under them, and it covers the Wagtail admin, whose views we do not decorate. Wagtail's
own sign-in and sign-out pages are replaced by allauth's in hub/urls.py, so nobody reaches
the admin on a password alone."""

from django.conf import settings

from hub.accounts.mfa_gate import redirect_unless_passed
from hub.accounts.rules import requires_mfa

# Views at staff addresses that are not staff areas: the ways in and out (allauth's).
EXEMPT_URL_NAMES = frozenset({"wagtailadmin_login", "wagtailadmin_logout"})


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
        if url_name in EXEMPT_URL_NAMES:
            return None
        if requires_mfa(request.user):
            return redirect_unless_passed(request)
        return None
