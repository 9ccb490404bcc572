"""Signing in by a code sent by email (allauth's login by code), offered beside the password,
and Argon2 hashing: through HTTP, as people use them. The code keeps every rule the password
has: staff still give their second factor, requests are rate-limited, a code takes three
tries at most, and nobody learns which addresses have accounts."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
    make_password,
)
from django.core import mail
from django.test import Client

from hub.settings.base import PASSWORD_HASHERS
from tests.support import factories
from tests.support.accounts import person, sign_in, totp_code, with_totp
from tests.support.factories import PASSWORD
from tests.support.markup import id_problems

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(home):
    return home  # the hub's own pages, whose header says who is signed in


def ask_for_code(client, email):
    return client.post("/accounts/login/code/", {"email": email})


def emailed_code():
    found = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.M)
    assert found, mail.outbox[-1].body
    return found[1]


def test_the_sign_in_page_offers_a_code_beside_the_password(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'name="password"' in html
    assert 'href="/accounts/login/code/"' in html


def test_a_code_from_the_email_signs_a_stakeholder_in(client):
    user = factories.ProfileFactory().user
    asked = ask_for_code(client, user.email)
    assert asked.status_code == 302 and asked["Location"] == "/accounts/login/code/confirm/"
    assert mail.outbox[-1].subject.endswith("Your sign-in code")
    page = client.get("/accounts/login/code/confirm/").content.decode()
    assert "Enter your sign-in code" in page and not id_problems(page)
    signed = client.post("/accounts/login/code/confirm/", {"code": emailed_code()})
    assert signed.status_code == 302
    assert "Sign out" in client.get("/").content.decode()


def test_a_wrong_code_signs_nobody_in_and_three_wrong_codes_end_it(client):
    user = factories.ProfileFactory().user
    ask_for_code(client, user.email)
    code = emailed_code()
    for _ in range(3):
        wrong = client.post("/accounts/login/code/confirm/", {"code": "WRON-GXXX"})
        assert "Sign out" not in wrong.content.decode()
    client.post("/accounts/login/code/confirm/", {"code": code})
    assert "Sign out" not in client.get("/").content.decode()


def test_an_empty_code_or_address_gets_an_error_summary(client):
    html = ask_for_code(client, "").content.decode()
    assert "nhsuk-error-summary" in html and "Enter the email address of your account" in html
    assert html.index("nhsuk-error-summary") < html.index("<h1")
    assert not id_problems(html)
    ask_for_code(client, factories.ProfileFactory().user.email)
    html = client.post("/accounts/login/code/confirm/", {"code": ""}).content.decode()
    assert "nhsuk-error-summary" in html and "Enter the code from the email" in html
    assert not id_problems(html)


def test_an_unknown_address_is_answered_as_a_known_one(client):
    asked = ask_for_code(client, "nobody-here@example.org")
    assert asked.status_code == 302 and asked["Location"] == "/accounts/login/code/confirm/"
    assert "nobody-here@example.org" in client.get(asked["Location"]).content.decode()


def test_staff_signed_in_by_code_still_give_their_second_factor(client):
    moderator = person(groups=["Moderators"])
    secret = with_totp(moderator)
    ask_for_code(client, moderator.email)
    after_code = client.post("/accounts/login/code/confirm/", {"code": emailed_code()})
    assert after_code["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/consultation/moderation/").status_code == 302
    assert "Sign out" not in client.get("/").content.decode()
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert client.get("/consultation/moderation/").status_code == 200


def test_asking_for_codes_is_rate_limited_per_address():
    user = factories.ProfileFactory().user
    for _ in range(3):  # each from a new browser, as someone trying their luck would
        assert ask_for_code(Client(), user.email).status_code == 302
    refused = ask_for_code(Client(), user.email)
    assert refused.status_code == 200 and "nhsuk-error-summary" in refused.content.decode()
    assert len(mail.outbox) == 3


@pytest.mark.parametrize(
    "older", [PBKDF2PasswordHasher(), Argon2PasswordHasher()], ids=["pbkdf2", "argon2-default"]
)
def test_argon2_is_first_and_an_older_hash_is_upgraded_at_sign_in(client, settings, older):
    settings.PASSWORD_HASHERS = PASSWORD_HASHERS
    assert PASSWORD_HASHERS[0].endswith("Argon2idPasswordHasher")
    user = factories.ProfileFactory().user
    # PBKDF2, or Argon2 with Django's default parameters (rehashed with ours).
    user.password = make_password(PASSWORD, hasher=older)
    user.save()
    assert sign_in(client, user).status_code == 302
    upgraded = get_user_model().objects.get(pk=user.pk).password
    assert upgraded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert "Sign out" in client.get("/").content.decode()
