"""The admin asks no third party for pictures of its users: Wagtail would fetch each
staff member's avatar from Gravatar by a hash of their email address, telling that
service who works in the admin and when (and a hash of an address is easily reversed)."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tests.support import factories
from tests.support.clients import SignedInClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/admin/", "/admin/account/", "/admin/users/"])
def test_admin_pages_name_no_avatar_service(path, site_tree):
    superuser = factories.ProfileFactory(user__is_staff=True, user__is_superuser=True).user
    TOTP.activate(superuser, generate_totp_secret())
    client = SignedInClient()
    client.force_login(superuser)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode().lower()
    assert "gravatar" not in html
    assert "avatar" in html  # the place is still there: Wagtail's own default picture
