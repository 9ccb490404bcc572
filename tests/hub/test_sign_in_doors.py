"""There is one way into an account, allauth's, and one way out, allauth's sign-out by POST.

Two walks over the whole URL map prove it: a staff account's email address and password
posted to every address sign nobody in except at allauth's own views; and a signed-in person
opening every address (GET) stays signed in. Wagtail's own sign-in pages (the admin's and
`/_util/login/`, the front end's) answered a posted password by signing in, skipping the
second factor, allauth's rate limits and email verification; Wagtail's sign-out page
deleted the session cookie on a GET."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.test import Client
from wagtail.models import PageViewRestriction

from tests.support import factories
from tests.support.url_map import routes

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def staff_account():
    """A superuser without an authenticator yet, as a new member of staff is."""
    return factories.ProfileFactory(user__is_staff=True, user__is_superuser=True).user


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def credentials(user):
    # Every name a sign-in form might give its fields.
    return {"login": user.email, "username": user.email, "email": user.email, "password": PASSWORD}


def test_only_allauth_signs_anyone_in_with_a_password(site_tree):
    user = staff_account()
    client = Client(raise_request_exception=False)
    doors = []
    for route in routes():
        client.post(route.path, credentials(user))
        if signed_in_as(client):
            doors.append((route.path, route.module))
            client = Client(raise_request_exception=False)
    not_allauth = [door for door in doors if not door[1].startswith("allauth.")]
    assert not_allauth == [], "views other than allauth's that sign people in"
    # The walk finds a door where there is one: allauth's own sign-in form.
    assert ("/accounts/login/", "allauth.account.views") in doors


@pytest.mark.parametrize("path", ["/_util/login/", "/admin/login/"])
def test_wagtails_sign_in_pages_send_people_to_allauth(client, path):
    user = staff_account()
    response = client.post(path, credentials(user))
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert not signed_in_as(client)
    response = client.get(f"{path}?next=/admin/pages/")
    assert response.url == "/accounts/login/?next=%2Fadmin%2Fpages%2F"
    # Not even an unverified account gets in there (allauth sends it to verify first).
    unverified = factories.ProfileFactory(user__verified=False).user
    client.post(path, credentials(unverified))
    assert not signed_in_as(client)


def test_page_privacy_sends_people_to_allauths_sign_in(client, site_tree):
    PageViewRestriction.objects.create(
        page=site_tree["standard"], restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get(site_tree["standard"].url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_opening_any_address_signs_nobody_out(client, site_tree):
    # A member of staff, so that the admin's pages are theirs to open (without a second
    # factor yet, so that the admin sends them to set one up instead of rendering them all).
    user = staff_account()
    client.force_login(user)
    client.raise_request_exception = False
    signed_out_by = []
    for route in routes():
        client.get(route.path)
        if signed_in_as(client) != str(user.pk):
            signed_out_by.append(route.path)
            client.force_login(user)
    assert signed_out_by == []


def test_staff_sign_out_of_the_admin_only_by_post(client):
    user = staff_account()
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    assert client.get("/admin/").status_code == 200

    # A link (or an image) on another site pointing at the admin's sign-out page.
    page = client.get("/admin/logout/")
    assert page.status_code == 200
    assert signed_in_as(client) == str(user.pk)
    assert client.cookies[settings.SESSION_COOKIE_NAME].value
    assert '<form method="post"' in page.content.decode()
    assert client.get("/admin/").status_code == 200

    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert not signed_in_as(client)
    assert client.get("/admin/").url.startswith("/accounts/login/")
