"""Loading the demo content: from an empty database it makes every page the demo names and
the site record at the public address (SITE_URL), whose banner says so; loading it again
changes no row of any model; and it is never loaded where the settings forbid it
(production). What the loaded demo says is tested in test_demo_content.py. The demo is
loaded from nothing once for the module (it takes seconds): each test's changes are rolled
back."""

import io

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Site

from hub.pages import demo as pages_demo
from tests.support.demo import load_demo, row_counts
from tests.support.pages import at_public_address
from tests.support.shared_rows import rows_for_the_module

# Where a deployment's `make run` serves the demo: not the test client's address.
ADDRESS = "http://127.0.0.1:8123"


@pytest.fixture(scope="module")
def demo_from_nothing(django_db_setup, django_db_blocker):
    """The demo loaded once into an empty database, at ADDRESS."""
    with rows_for_the_module(django_db_blocker):
        with at_public_address(ADDRESS):
            load_demo()
        yield


@pytest.mark.django_db
def test_loading_twice_changes_no_row_of_any_model(demo_from_nothing):
    first = row_counts()
    with at_public_address(ADDRESS):
        load_demo()
    assert row_counts() == first
    assert first["pages.SectionPage"] == len(pages_demo.SECTIONS)


@pytest.mark.django_db
def test_the_demo_makes_its_site_record_at_site_url_and_its_banner_says_so(demo_from_nothing):
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8123)
    banner = io.StringIO()
    with at_public_address(ADDRESS):
        call_command("demo_accounts", stdout=banner)
    assert "The demo site is at http://127.0.0.1:8123/  (admin: http://127.0.0.1:8123/admin/)" in (
        banner.getvalue()
    )
    assert "8000" not in banner.getvalue()


def test_the_demo_is_never_loaded_where_the_settings_forbid_it(settings):
    settings.DEMO_CONTENT_ALLOWED = False
    with pytest.raises(CommandError, match="never loaded in production"):
        call_command("load_demo", stdout=io.StringIO())
