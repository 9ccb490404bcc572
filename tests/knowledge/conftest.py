"""Fixtures of the knowledge library: a library page under the shared site tree (the
signed-in editor for the admin is in tests/conftest.py)."""

import pytest

from tests.support.knowledge_factories import LibraryPageFactory


@pytest.fixture
def library(site_tree):
    return LibraryPageFactory(parent=site_tree["home"])
