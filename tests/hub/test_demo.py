"""The demo content loads, is idempotent and makes every page type reachable."""

import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision

from hub.accounts.models import User
from hub.pages.models import SectionPage

pytestmark = pytest.mark.django_db


def _counts():
    return (Page.objects.count(), Revision.objects.count(), User.objects.count())


def test_load_demo_twice_changes_nothing_and_serves_every_page_type(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = _counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == first

    sections = SectionPage.objects.live()
    titles = [section.title for section in sections]
    assert len([t for t in titles if t.startswith("Ambition")]) == 5
    assert any("Regulation" in t for t in titles)
    assert any("Workforce" in t for t in titles)
    assert any("Equity" in t for t in titles)
    assert sum(1 for section in sections if len(section.published_versions()) >= 2) >= 2

    home = client.get("/")
    assert home.status_code == 200
    html = home.content.decode()
    for page in Page.objects.filter(depth=3).live().specific():
        if page.show_in_menus or getattr(page, "show_in_footer", False):
            assert f'href="{page.url}"' in html, page.title
            assert client.get(page.url).status_code == 200, page.url
    for section in sections:
        assert client.get(section.url).status_code == 200
    assert "Current phase: Engagement" in html


def test_demo_accounts_can_sign_in(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from hub.accounts.demo import DEMO_PASSWORD

    response = client.post(
        "/accounts/login/", {"login": "clinician@example.org", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200
