"""allauth adapter: someone who signs in without a completed profile is sent to complete
it first, then on to where they were going; someone who has just signed in is not asked
for their password again before setting up a second factor; and failed sign-ins lock an
account only for the network address they came from."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpResponseRedirect
from django.urls import reverse

from hub.accounts import mfa_session
from hub.accounts.client_address import client_address
from hub.accounts.redirects import url_with_next
from hub.accounts.rules import has_complete_profile


class AccountAdapter(DefaultAccountAdapter):
    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        if isinstance(response, HttpResponseRedirect) and not has_complete_profile(user):
            return HttpResponseRedirect(url_with_next(reverse("profile_complete"), response.url))
        return response

    def is_reauthentication_required(self, *, app, **kwargs):
        """allauth asks for the password again before authenticators are added or removed
        unless the person reauthenticated lately; signing in lately counts too (staff who
        have just signed in and are sent to set up an authenticator type it once)."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        return not (self.request and mfa_session.signed_in_recently(self.request))

    def _get_login_attempts_cache_key(self, request, **credentials):
        """The key allauth counts failed sign-ins by (ACCOUNT_RATE_LIMITS["login_failed"],
        its "key" rates): the account *and* the network address they come from, so that a
        stranger guessing a named account's password locks out only themselves."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{client_address(request)}"
