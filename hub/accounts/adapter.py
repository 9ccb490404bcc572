"""allauth adapter: someone who signs in without a completed profile is sent to complete
it first, then on to where they were going."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpResponseRedirect
from django.urls import reverse

from hub.accounts.redirects import url_with_next
from hub.accounts.rules import has_complete_profile


class AccountAdapter(DefaultAccountAdapter):
    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        if isinstance(response, HttpResponseRedirect) and not has_complete_profile(user):
            return HttpResponseRedirect(url_with_next(reverse("profile_complete"), response.url))
        return response
