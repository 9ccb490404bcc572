"""The test client the `client` fixture gives (tests/conftest.py)."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client
from django.utils.crypto import get_random_string


class SignedInClient(Client):
    """Django's test client, whose force_login stands for a whole sign-in: for an account
    with an authenticator app that includes entering its code, which allauth records in the
    session and staff areas require (hub.accounts.mfa_session). `second_factor=False` makes
    a session signed in with the password alone; tests of the sign-in itself use the forms."""

    def force_login(self, user, backend=None, *, second_factor=None):
        super().force_login(user, backend)
        if second_factor is None:
            second_factor = Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists()
        if second_factor:
            request = HttpRequest()
            request.session, request.user = self.session, user
            record_authentication(request, user, "mfa", type=Authenticator.Type.TOTP)
            request.session.save()


def csrf_token(client):
    """A CSRF token `client` sends back with a form, its cookie set as a page would set it,
    for a client that enforces the check (where Django reads a request's body early)."""
    secret = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    return secret
