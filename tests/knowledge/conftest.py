"""Fixtures of the knowledge library: a library page under the shared site tree."""

import pytest

from tests.knowledge.factories import LibraryPageFactory


@pytest.fixture
def library(site_tree):
    return LibraryPageFactory(parent=site_tree["home"])
