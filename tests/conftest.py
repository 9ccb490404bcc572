"""Shared fixtures: a site tree with one page of every type, users in each role, and the
test client."""

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from wagtail.models import Locale, Page, Site

from hub.core import public_address
from tests import factories
from tests.clients import SignedInClient


@pytest.fixture
def client():
    return SignedInClient()


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth rate limits and other cached state must not leak between tests.
    cache.clear()
    yield
    cache.clear()


def at_public_address(url):
    """Settings as a deployment with SITE_URL=`url` has them (base.py derives Wagtail's
    two settings from SITE_URL; override_settings does not run base.py again)."""
    return override_settings(SITE_URL=url, WAGTAILADMIN_BASE_URL=url, WAGTAILAPI_BASE_URL=url)


def publish(page, user=None):
    """Save a new revision of `page` and publish it, as an editor does."""
    revision = page.save_revision(user=user)
    revision.publish(user=user)
    page.refresh_from_db()
    return page


@pytest.fixture
def home(db):
    # Transactional tests (the browser tests) flush the data migrations made.
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    welcome_pages = list(Page.objects.filter(depth=2))
    home = factories.HomePageFactory(parent=root, slug="hub-home")
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={**public_address.site_record_fields(), "root_page": home, "site_name": "Hub"},
    )
    for page in welcome_pages:
        page.delete()
    return home


@pytest.fixture
def site_tree(home):
    """One live page of each type, as a dict keyed by short name."""
    strategy = factories.StrategyPageFactory(parent=home, slug="strategy", show_in_menus=True)
    section = factories.SectionPageFactory(
        parent=strategy, slug="ambition-one", title="Ambition one"
    )
    publish(section)
    updates = factories.UpdateIndexPageFactory(parent=home, slug="updates", show_in_menus=True)
    update = factories.UpdatePageFactory(parent=updates, slug="first-update", title="First update")
    timeline = factories.TimelinePageFactory(parent=home, slug="timeline", show_in_menus=True)
    factories.PhaseFactory(page=timeline, kind="research", title="Research", is_current=True)
    factories.PhaseFactory(page=timeline, kind="engagement", title="Engagement")
    people = factories.WorkingGroupPageFactory(
        parent=home, slug="working-group", show_in_menus=True
    )
    factories.WorkingGroupMemberFactory(name="Example Member")
    involved = factories.GetInvolvedPageFactory(
        parent=home, slug="get-involved", show_in_menus=True
    )
    standard = factories.StandardPageFactory(
        parent=home, slug="privacy", title="Privacy", show_in_footer=True
    )
    return {
        "home": home,
        "strategy": strategy,
        "section": section,
        "updates": updates,
        "update": update,
        "timeline": timeline,
        "working_group": people,
        "get_involved": involved,
        "standard": standard,
    }


@pytest.fixture
def user(db):
    return factories.ProfileFactory().user


@pytest.fixture
def editor_client(client):
    """An editor signed in to the Wagtail admin, with the second factor staff must have."""
    editor = factories.UserFactory(is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=editor, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(editor)
    return client


@pytest.fixture
def stakeholder_client(client, user):
    client.force_login(user)
    return client
