"""Sign-up takes the same work whether or not the address already has an account, so its
timing does not tell a stranger which addresses do: the password is hashed on both paths.
Counted through a password hasher that notes each use (timing itself is never asserted)."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from tests.support import factories

pytestmark = pytest.mark.django_db

PASSWORD = "a-new-long-password-2026"


class CountingHasher(MD5PasswordHasher):
    """The test settings' hasher, counting the passwords it hashes."""

    hashed = 0

    def encode(self, password, salt):
        CountingHasher.hashed += 1
        return super().encode(password, salt)


def hashes_for_sign_up(client, email):
    CountingHasher.hashed = 0
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    return response, CountingHasher.hashed


def test_sign_up_hashes_the_password_whether_or_not_the_address_has_an_account(
    client, settings, mailoutbox
):
    existing = factories.ProfileFactory().user
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]

    taken, hashed_for_taken = hashes_for_sign_up(client, existing.email)
    new, hashed_for_new = hashes_for_sign_up(client, "someone.new@example.org")

    assert hashed_for_new >= 1
    assert hashed_for_taken == hashed_for_new
    # Both answer the same way and send one email (the owner of the taken address is told).
    assert taken.status_code == new.status_code == 302
    assert taken.url == new.url
    assert [message.to for message in mailoutbox] == [[existing.email], ["someone.new@example.org"]]
