"""Accounts through HTTP: sign-up, email verification, sign-in, profile, password reset,
sign-out and allauth's rate limits. Nothing of allauth is mocked."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from hub.accounts.models import Profile, Region, Sector, User
from tests.support import factories
from tests.support.accounts import VALID_PROFILE

PASSWORD = "a-long-test-password"
NEW_PASSWORD = "another-long-password-2"
LINK = re.compile(r"https?://testserver(/accounts/[^\s]+/)")


def link_in_last_email():
    match = LINK.search(mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def sign_up(client, email="new.person@example.org", password=PASSWORD):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": password, "password2": password}
    )


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password, **extra})


@pytest.mark.django_db
def test_sign_up_verify_sign_in_and_complete_profile(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    user = User.objects.get(email="new.person@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[AI strategy hub] ")
    confirm_url = link_in_last_email()

    # Signing in before the address is confirmed leads back to "check your email".
    client.logout()
    response = sign_in(client, "new.person@example.org")
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    # The link, opened on another device, shows a confirmation page (no change on GET);
    # the POST confirms without signing that device in.
    other_device = Client()
    response = other_device.get(confirm_url)
    assert response.status_code == 200
    assert b"Confirm" in response.content
    assert not EmailAddress.objects.get(user=user).verified
    response = other_device.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert "_auth_user_id" not in other_device.session

    # The first sign-in goes to the profile step because the profile is incomplete, and
    # keeps where the person was going.
    client = Client()
    response = sign_in(client, "new.person@example.org", next="/updates/")
    assert response.status_code == 302
    assert response.url == "/accounts/profile/complete/?next=%2Fupdates%2F"
    response = client.get(response.url)
    assert response.status_code == 200
    assert b"Complete your profile" in response.content
    assert b'name="next" value="/updates/"' in response.content

    # Invalid: nothing chosen, an empty name. The error summary links to each field.
    response = client.post(
        "/accounts/profile/complete/", {"display_name": "   ", "next": "/updates/"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_display_name">Enter your name.</a>' in html
    assert '<a href="#id_sector_0">Select which best describes you.</a>' in html
    assert '<a href="#id_region">Select where in the UK you are.</a>' in html
    assert 'class="nhsuk-error-message" id="id_region-error"' in html
    assert "<title>Error: Complete your profile" in html
    assert not Profile.objects.filter(user=user).exists()

    # A value outside the lists is refused too.
    response = client.post(
        "/accounts/profile/complete/", {**VALID_PROFILE, "sector": "pirate", "region": "mars"}
    )
    assert response.status_code == 200
    assert not Profile.objects.filter(user=user).exists()

    response = client.post("/accounts/profile/complete/", {**VALID_PROFILE, "next": "/updates/"})
    assert response.status_code == 302
    assert response.url == "/updates/"
    profile = Profile.objects.get(user=user)
    assert profile.is_complete
    assert (profile.sector, profile.region, profile.show_name) == (
        Sector.NURSE_AHP,
        Region.WALES,
        True,
    )

    # Complete: the completion page now forwards to the edit page.
    response = client.get("/accounts/profile/complete/")
    assert response.url == "/accounts/profile/"


@pytest.mark.django_db
def test_confirming_in_the_same_browser_signs_in_and_asks_for_the_profile(client):
    sign_up(client)
    response = client.post(link_in_last_email())
    assert response.status_code == 302
    assert response.url.startswith("/accounts/profile/complete/")
    assert client.get("/accounts/profile/").url == "/accounts/profile/complete/"


@pytest.mark.django_db
def test_hostile_name_is_stored_as_plain_text_and_shown_escaped(client):
    user = factories.UserFactory()
    client.force_login(user)
    hostile = {
        **VALID_PROFILE,
        "display_name": 'Ada <script>alert("x")</script> &lt;b&gt;bold&lt;/b&gt;',
        "organisation": '<img src=x onerror="alert(1)">Trust',
    }
    response = client.post("/accounts/profile/complete/", hostile)
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert "<script" not in profile.display_name
    # Markup written as entities is markup too: it is not decoded into tags (issue 8).
    assert profile.display_name == 'Ada alert("x") bold'
    assert profile.organisation == "Trust"

    html = client.get("/accounts/profile/").content.decode()
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" not in html
    assert "<script>alert" not in html
    assert "onerror" not in html


@pytest.mark.django_db
def test_profile_edit_shows_account_links_and_saves(client, django_assert_max_num_queries):
    user = factories.ProfileFactory(display_name="Sam Sample").user
    client.force_login(user)
    with django_assert_max_num_queries(12):
        response = client.get("/accounts/profile/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Sam Sample"' in html
    for url in ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"]:
        assert f'href="{url}"' in html
    assert "Two-factor authentication" in html
    assert 'class="nhsuk-radios__input"' in html
    assert '<select name="region"' in html
    assert 'class="nhsuk-checkboxes__input"' in html

    data = {**VALID_PROFILE, "display_name": "Sam S", "show_name": ""}
    data.pop("show_name")
    response = client.post("/accounts/profile/", data)
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.display_name == "Sam S"
    assert user.profile.show_name is False
    user.refresh_from_db()
    assert user.public_name == "A participant"

    response = client.post("/accounts/profile/", {**VALID_PROFILE, "display_name": "x" * 81})
    assert response.status_code == 200
    assert b"80 characters or fewer" in response.content
    user.profile.refresh_from_db()
    assert user.profile.display_name == "Sam S"


@pytest.mark.django_db
def test_profile_next_must_stay_on_this_site(client):
    client.force_login(factories.UserFactory())
    response = client.post(
        "/accounts/profile/complete/", {**VALID_PROFILE, "next": "https://evil.example/"}
    )
    assert response.url == "/accounts/profile/"
    response = client.get("/accounts/profile/complete/?next=javascript:alert(1)")
    assert response.url == "/accounts/profile/"


@pytest.mark.django_db
def test_incomplete_profile_is_nudged(client):
    user = factories.UserFactory()
    client.force_login(user)
    assert client.get("/accounts/profile/").url == "/accounts/profile/complete/"
    html = client.get("/accounts/password/change/").content.decode()
    assert 'href="/accounts/profile/complete/">Complete your profile</a>' in html

    client.logout()
    response = sign_in(client, user.email)
    assert response.url == "/accounts/profile/complete/?next=%2F"


@pytest.mark.django_db
def test_profile_pages_need_sign_in(client):
    for url in ["/accounts/profile/", "/accounts/profile/complete/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?next=")


@pytest.mark.django_db
def test_wrong_password_is_refused_with_an_error_summary(client):
    user = factories.ProfileFactory().user
    response = sign_in(client, user.email, password="not-the-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_login">' in html
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_up_errors_are_summarised(client):
    response = client.post(
        "/accounts/signup/", {"email": "not an address", "password1": "short", "password2": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_email">' in html
    assert '<a href="#id_password1">' in html
    assert 'aria-describedby="id_password1-hint id_password1-error"' in html
    assert not User.objects.exists()


@pytest.mark.django_db
def test_sign_up_with_a_taken_address_does_not_reveal_it(client):
    factories.UserFactory(email="taken@example.org")
    response = sign_up(client, email="taken@example.org")
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert User.objects.filter(email="taken@example.org").count() == 1
    assert "already" in mail.outbox[-1].body.lower()


@pytest.mark.django_db
def test_password_reset_by_email(client):
    user = factories.ProfileFactory().user
    response = client.post("/accounts/password/reset/", {"email": user.email.upper()})
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/done/"
    assert client.get(response.url).status_code == 200
    reset_url = link_in_last_email()

    response = client.get(reset_url)
    assert response.status_code == 302  # allauth moves the key out of the address
    form_url = response.url
    response = client.get(form_url)
    assert response.status_code == 200
    assert b'id="id_password1"' in response.content
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/key/done/"
    assert client.get(response.url).status_code == 200

    assert sign_in(client, user.email).status_code == 200  # old password refused
    assert sign_in(client, user.email, NEW_PASSWORD).status_code == 302
    # The link works once.
    client.logout()
    response = client.get(reset_url, follow=True)
    assert b"invalid" in response.content.lower()


@pytest.mark.django_db
def test_unknown_address_gets_no_reset_link_but_the_same_answer(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/done/"
    assert all("password/reset/key" not in message.body for message in mail.outbox)


@pytest.mark.django_db
def test_sign_out_is_post_only_with_csrf(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.get("/accounts/logout/")
    assert response.status_code == 200  # a confirmation page, still signed in
    assert b"Sign Out" in response.content or b"Sign out" in response.content
    assert "_auth_user_id" in client.session

    response = client.post("/accounts/logout/")
    assert response.status_code == 403  # no CSRF token
    assert "_auth_user_id" in client.session

    page = client.get("/accounts/logout/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failed_sign_ins_are_rate_limited_with_a_friendly_page(client):
    user = factories.ProfileFactory().user
    statuses = [sign_in(client, user.email, password=f"wrong-{n}").status_code for n in range(5)]
    assert statuses == [200] * 5
    # Now even the right password is refused for this address for a while.
    response = sign_in(client, user.email)
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_too_many_sign_in_attempts_get_the_friendly_429_page(client):
    # ACCOUNT_RATE_LIMITS["login"] is 30 a minute from one address.
    for n in range(30):
        response = sign_in(client, f"person{n}@example.org", password="wrong")
        assert response.status_code == 200
    response = sign_in(client, "person@example.org", password="wrong")
    assert response.status_code == 429
    html = response.content.decode()
    assert "<h1>Too many attempts</h1>" in html
    assert "Wait a few minutes, then try again." in html
    assert 'class="nhsuk-header' in html and 'class="nhsuk-footer' in html


@pytest.mark.django_db
def test_password_reset_requests_are_rate_limited_per_address(client):
    user = factories.UserFactory()
    statuses = [
        client.post("/accounts/password/reset/", {"email": user.email}).status_code
        for _ in range(6)
    ]
    assert statuses == [302] * 5 + [429]
    assert len(mail.outbox) == 5


@pytest.mark.django_db
def test_changing_the_password_sends_a_security_notice(client):
    user = factories.ProfileFactory().user
    sign_in(client, user.email)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert mail.outbox[-1].to == [user.email]
    assert "password" in mail.outbox[-1].subject.lower()
    assert "_auth_user_id" in client.session  # still signed in on this device


def test_django_admin_is_not_exposed():
    """django.contrib.admin is installed (Wagtail and allauth register models with it) but
    no URL leads to it: /admin/ is Wagtail's, which sits behind the MFA gate."""
    from django.urls import get_resolver

    def callbacks(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from callbacks(pattern.url_patterns)
            else:
                yield pattern.callback

    modules = {
        getattr(view, "__module__", "") or "" for view in callbacks(get_resolver().url_patterns)
    }
    assert not [module for module in modules if module.startswith("django.contrib.admin")]
