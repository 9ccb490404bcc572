"""The second factor is checked per session, not per account.

A staff area needs this session to have passed the second factor (allauth records how a
session authenticated); a session signed in with the password alone is sent to enter its
code. Turning an authenticator on or off ends the account's other sessions. And someone who
has just signed in types their password once, not again before setting up an authenticator
(issue 9, point 15); a session signed in long ago is asked again."""

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.test import Client

from consultation.models import Status
from hub.accounts import rules
from tests.support.accounts import (
    PASSWORD,
    person,
    sign_in,
    signed_in_long_ago,
    superuser,
    totp_code,
    with_totp,
)
from tests.support.consultation_factories import comment_on, consultation_on
from tests.support.url_map import routes

pytestmark = pytest.mark.django_db

QUEUE = "/consultation/moderation/"
LOG = "/consultation/moderation/log/"


@pytest.fixture(autouse=True)
def _totp_tolerance(settings):
    settings.MFA_TOTP_TOLERANCE = 1


def hidden_comment(site_tree, marker):
    section = site_tree["section"]
    return comment_on(
        section,
        consultation=consultation_on(section),
        body=f"<p>Hidden words {marker}</p>",
        status=Status.HIDDEN,
    )


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def code_page(path):
    return "/accounts/2fa/reauthenticate/?next=" + path.replace("/", "%2F")


def activate(client, next_url):
    """Set up an authenticator app in this session, the way the page does."""
    page = client.get(f"/accounts/2fa/totp/activate/?next={next_url}")
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(
        "/accounts/2fa/totp/activate/", {"code": totp_code(secret), "next": next_url}
    )
    assert response.status_code == 302
    return secret


def test_a_session_that_never_entered_the_code_is_asked_for_it(client, site_tree):
    moderator = person(groups=[rules.MODERATORS])
    secret = with_totp(moderator)
    hidden = hidden_comment(site_tree, "zh1")
    client.force_login(moderator, second_factor=False)  # the password alone

    for path in (LOG, "/admin/", QUEUE):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == code_page(path)
    page = client.get(code_page(QUEUE))
    assert page.status_code == 200
    assert "Enter the code from your authenticator app" in page.content.decode()
    assert '<label class="nhsuk-label" for="id_code">' in page.content.decode()
    # On the public pages such a session reads what any participant reads.
    permalink = client.get(hidden.get_absolute_url())
    assert permalink.status_code == 200
    assert "Hidden words zh1" not in permalink.content.decode()

    response = client.post(code_page(QUEUE), {"code": "000000"})
    assert response.status_code == 200
    response = client.post(code_page(QUEUE), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response.url == QUEUE
    assert client.get(QUEUE).status_code == 200
    assert "Hidden words zh1" in client.get(hidden.get_absolute_url()).content.decode()


def test_setting_up_an_authenticator_elsewhere_does_not_open_this_session(site_tree):
    """The issue's first scenario: a session signed in with the password alone is sent to
    set up an authenticator; the account then sets one up in another session."""
    moderator = person(groups=[rules.MODERATORS])
    hidden = hidden_comment(site_tree, "zh2")
    first, second = Client(), Client()
    sign_in(first, moderator)
    assert first.get(QUEUE).url.startswith("/accounts/2fa/totp/activate/")

    sign_in(second, moderator)
    activate(second, QUEUE)
    assert second.get(QUEUE).status_code == 200  # the session that entered the code
    assert "Hidden words zh2" in second.get(hidden.get_absolute_url()).content.decode()

    # The first session never entered a code: it has been signed out.
    response = first.get(QUEUE)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert signed_in_as(first) is None
    assert "Hidden words zh2" not in first.get(hidden.get_absolute_url()).content.decode()
    assert first.get("/admin/").url.startswith("/accounts/login/")


def test_an_authenticator_added_without_the_pages_still_needs_its_code(client):
    """An authenticator made outside allauth's pages (a shell, a data import) ends no
    session, yet a session signed in with the password alone still has to enter the code."""
    user = superuser()
    sign_in(client, user)
    assert client.get("/admin/").url.startswith("/accounts/2fa/totp/activate/")
    with_totp(user)
    assert client.get("/admin/").url == code_page("/admin/")


def test_turning_the_authenticator_off_ends_the_other_sessions():
    """The issue's second scenario, the other way round."""
    user = superuser()
    secret = with_totp(user)
    sessions = [Client(), Client()]
    for step, client in enumerate(sessions):
        sign_in(client, user)
        client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret, steps_ahead=step)})
        assert client.get("/admin/").status_code == 200
    this, other = sessions

    assert this.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not rules.has_mfa(user)
    # This session carries on (and is asked to set one up again for the staff areas)...
    assert signed_in_as(this) == str(user.pk)
    assert this.get("/admin/").url.startswith("/accounts/2fa/totp/activate/")
    # ...the other one is signed out.
    assert other.get("/admin/").url.startswith("/accounts/login/")
    assert signed_in_as(other) is None


def test_turning_it_on_keeps_this_session_and_counts_as_passing_it(client):
    user = person(groups=[rules.EDITORS])
    sign_in(client, user)
    activate(client, "/admin/")
    assert signed_in_as(client) == str(user.pk)
    assert client.get("/admin/").status_code == 200


def test_one_password_right_after_signing_in_and_again_long_after(client):
    """Issue 9, point 15: sign-in, then straight to setting up the authenticator; but a
    session that signed in long ago confirms the password first."""
    user = person(groups=[rules.WORKING_GROUP])
    sign_in(client, user)
    response = client.get(QUEUE)
    assert response.url == "/accounts/2fa/totp/activate/?next=%2Fconsultation%2Fmoderation%2F"
    page = client.get(response.url)
    assert page.status_code == 200
    assert "<h1>Set up two-factor authentication</h1>" in page.content.decode()

    signed_in_long_ago(client)
    response = client.get("/accounts/2fa/totp/activate/?next=/consultation/moderation/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/reauthenticate/?next=")
    response = client.post(response.url, {"password": PASSWORD})
    assert response.url == "/accounts/2fa/totp/activate/?next=/consultation/moderation/"
    assert client.get(response.url).status_code == 200


def test_every_staff_view_asks_a_password_only_session_for_the_code(client, settings):
    """The MFA walk (test_mfa.test_every_staff_view_is_behind_the_gate) per session: every
    address in a staff area, opened by a superuser who has an authenticator but signed in
    with the password alone, asks for the code."""
    user = superuser()
    with_totp(user)
    client.force_login(user, second_factor=False)
    client.raise_request_exception = False
    prefixes = tuple(settings.MFA_STAFF_PATH_PREFIXES)
    ways_in_and_out = {"/admin/login/", "/admin/logout/"}
    staff = [
        route
        for route in routes()
        if route.path.startswith(prefixes) and route.path not in ways_in_and_out
    ]
    assert len(staff) > 100
    let_through = []
    for route in staff:
        response = client.get(route.path)
        if response.status_code != 302 or not response.url.startswith(
            "/accounts/2fa/reauthenticate/"
        ):
            let_through.append((route.path, response.status_code))
    assert let_through == []
    assert signed_in_as(client) == str(user.pk)
