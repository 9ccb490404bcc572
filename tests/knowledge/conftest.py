"""Fixtures of the knowledge library: a library page under the shared site tree, and a
signed-in editor (with an authenticator, as staff must have) for the admin."""

import pytest
from allauth.mfa.models import Authenticator

from tests import factories
from tests.knowledge.factories import LibraryPageFactory


@pytest.fixture
def library(site_tree):
    return LibraryPageFactory(parent=site_tree["home"])


@pytest.fixture
def editor_client(client):
    editor = factories.UserFactory(is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=editor, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(editor)
    return client
