"""Shared fixtures: a site tree with one page of every type (made for each test, or once for
a module marked `shared_site_tree`), users in each role, and the test client."""

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.cache import cache
from wagtail.models import Locale, Page, Site

from hub.core import public_address
from tests.support import factories
from tests.support.clients import SignedInClient
from tests.support.demo import load_demo
from tests.support.pages import publish
from tests.support.shared_rows import fresh, remembered, rows_for_the_module


@pytest.fixture
def client():
    return SignedInClient()


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth rate limits and other cached state must not leak between tests.
    cache.clear()
    yield
    cache.clear()


def make_home():
    """The home page as the default site's root, in place of Wagtail's welcome page."""
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


def make_site_tree(home):
    """One live page of each type under `home`, as a dict keyed by short name."""
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


@pytest.fixture(scope="module")
def _shared_site_tree(request, django_db_setup, django_db_blocker):
    """In a module marked `shared_site_tree`, the site tree made once for all its tests
    (tests/support/shared_rows.py); elsewhere nothing, and each test makes its own."""
    if request.node.get_closest_marker("shared_site_tree") is None:
        yield None
        return
    with rows_for_the_module(django_db_blocker):
        yield remembered(make_site_tree(make_home()))


@pytest.fixture
def home(_shared_site_tree, db):
    if _shared_site_tree:
        return fresh({"home": _shared_site_tree["home"]})["home"]
    return make_home()


@pytest.fixture
def site_tree(_shared_site_tree, home):
    """One live page of each type, as a dict keyed by short name."""
    if _shared_site_tree:
        return {**fresh({k: v for k, v in _shared_site_tree.items() if k != "home"}), "home": home}
    return make_site_tree(home)


DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use the database (the PostgreSQL run of `make test`: "
        "the others give the same answer on any database and run in the SQLite run)",
    )


def uses_the_database(item):
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("database_tests_only"):
        config.hook.pytest_deselected(items=[i for i in items if not uses_the_database(i)])
        items[:] = [item for item in items if uses_the_database(item)]
    # In a module that shares its site tree every test finds the tree: one that asks for the
    # home page alone would get more than it asked for, and one that commits for real (a
    # live server, transaction=True) would end the transaction the tree lives in.
    for item in items:
        if item.get_closest_marker("shared_site_tree") is None:
            continue
        names = getattr(item, "fixturenames", ())
        marker = item.get_closest_marker("django_db")
        transactional = (marker and marker.kwargs.get("transaction")) or "live_server" in names
        if transactional or ("home" in names and "site_tree" not in names):
            raise pytest.UsageError(
                f"{item.nodeid} cannot share its module's site tree: it commits for real or "
                "asks for the home page without the tree."
            )


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker):
    """The whole demo, loaded once for the module that asks for it (load it from nothing in
    one test only: it takes seconds)."""
    with rows_for_the_module(django_db_blocker):
        load_demo()
        yield


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
