"""Accounts as people use them: signing in through allauth's form, the second factor,
people in staff roles, a complete profile, and the account pages everyone sees."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth.models import Group

from hub.accounts.models import Region, Sector
from tests.support import factories
from tests.support.factories import PASSWORD

VALID_PROFILE = {
    "display_name": "Ada Example",
    "organisation": "Example Trust",
    "sector": Sector.NURSE_AHP,
    "region": Region.WALES,
    "show_name": "on",
}

ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/login/code/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/done/",
    "/accounts/confirm-email/",
]

MANAGE_PAGES = [
    "/accounts/logout/",
    "/accounts/password/change/",
    "/accounts/email/",
    "/accounts/2fa/",
    "/accounts/profile/",
    "/accounts/reauthenticate/",
]


def sign_in(client, user, *, password=PASSWORD, next_url=None):
    """Sign in through allauth's form, as a person does."""
    data = {"login": user.email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def confirm_password(client):
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})


def totp_code(secret, steps_ahead=0):
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD + steps_ahead
    return format_hotp_value(hotp_value(secret, counter))


def person(*, groups=(), **fields):
    user = factories.ProfileFactory(user__is_staff=bool(groups), **fields).user
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def superuser():
    return factories.ProfileFactory(user__is_staff=True, user__is_superuser=True).user


def with_totp(user):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def signed_in_long_ago(client):
    """Make the session's sign-in older than allauth's reauthentication timeout."""
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] -= account_settings.REAUTHENTICATION_TIMEOUT + 1
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()
