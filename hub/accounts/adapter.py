"""allauth adapter: someone who signs in without a completed profile is sent to complete
it first, then on to where they were going."""

from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpResponseRedirect
from django.urls import reverse

from hub.accounts.rules import has_complete_profile


def profile_completion_url(next_url=""):
    url = reverse("profile_complete")
    if next_url and next_url != url:
        url = f"{url}?{urlencode({'next': next_url})}"
    return url


class AccountAdapter(DefaultAccountAdapter):
    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        if isinstance(response, HttpResponseRedirect) and not has_complete_profile(user):
            return HttpResponseRedirect(profile_completion_url(response.url))
        return response
