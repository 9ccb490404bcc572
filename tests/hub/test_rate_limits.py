"""allauth's rate limits (sign-in, failed sign-ins) behind a proxy and against a stranger.

Behind production's proxy every request comes from the proxy's address: the client's is the
last one the proxy appended to X-Forwarded-For (TRUSTED_PROXY_COUNT proxies), never one the
client wrote there itself. And five wrong passwords lock an account only for the address
they came from, so a stranger cannot lock a moderator out. Guesses at the password of a
private collection of documents are limited too."""

import pytest
from django.test import RequestFactory
from wagtail.models import Collection, CollectionViewRestriction

from hub.accounts.client_address import client_address
from tests.support import factories

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
PROXY = "10.0.0.2"


def sign_in(client, email, password, forwarded_for, remote=PROXY):
    return client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def limited(response):
    return response.status_code == 429


def test_behind_the_proxy_each_visitor_has_their_own_sign_in_limit(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for _ in range(2):
        assert not limited(sign_in(client, "a@example.org", "wrong-password", "203.0.113.5"))
    assert limited(sign_in(client, "a@example.org", "wrong-password", "203.0.113.5"))
    # Another visitor through the same proxy is not held up by the first...
    assert not limited(sign_in(client, "b@example.org", "wrong-password", "203.0.113.6"))
    # ...and the first cannot get round the limit by writing an address of their own.
    spoofed = sign_in(client, "a@example.org", "wrong-password", "198.51.100.1, 203.0.113.5")
    assert limited(spoofed)


def test_the_consultation_and_allauth_count_the_same_address(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5"
    )
    assert client_address(request) == "203.0.113.5"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == PROXY
    # A proxy that names the client in a header of its own (TRUSTED_CLIENT_IP_HEADER).
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="203.0.113.77")
    assert client_address(request) == "203.0.113.77"


def test_a_stranger_cannot_lock_a_moderator_out(client):
    moderator = factories.ProfileFactory(user__is_staff=True).user
    stranger, moderators_office = "198.51.100.7", "203.0.113.9"
    for _ in range(5):
        response = sign_in(client, moderator.email, "guess", "", remote=stranger)
        assert response.status_code == 200
    locked = sign_in(client, moderator.email, PASSWORD, "", remote=stranger)
    assert locked.status_code == 200
    assert "Too many failed login attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session  # the stranger's guesses stay locked out

    response = sign_in(client, moderator.email, PASSWORD, "", remote=moderators_office)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(moderator.pk)


def test_guesses_at_a_private_collections_password_are_limited(client, settings):
    """Wagtail's password form for a private collection of documents, like the one for a
    private page (tests/consultation/test_permissions_restricted.py), limits guesses."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "page_password": "3/m/ip"}
    collection = Collection.get_first_root_node().add_child(name="Working papers")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="the-right-one",
    )
    url = f"/documents/authenticate_with_password/{restriction.pk}/"
    for _ in range(3):
        assert client.post(url, {"password": "guess", "return_url": "/"}).status_code == 200
    assert limited(client.post(url, {"password": "the-right-one", "return_url": "/"}))
