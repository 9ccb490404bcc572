"""Every page of the public site renders for an anonymous visitor, with its navigation."""

import pytest
from wagtail.models import Page, get_page_models

from tests import factories

pytestmark = pytest.mark.django_db


def test_every_page_model_has_a_factory():
    ours = {model for model in get_page_models() if model._meta.app_label == "pages"}
    assert ours == set(factories.PAGE_FACTORIES)


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "strategy",
        "section",
        "updates",
        "update",
        "timeline",
        "working_group",
        "get_involved",
        "standard",
    ],
)
def test_page_renders_for_anonymous_visitor(client, site_tree, name):
    page = site_tree[name]
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and page.title in html
    assert 'href="#maincontent"' in html and 'id="maincontent"' in html
    assert '<header class="nhsuk-header"' in html and '<footer class="nhsuk-footer"' in html
    assert 'nav class="nhsuk-header__navigation" aria-label="Menu"' in html


def test_every_page_type_is_reachable_from_the_home_page(client, site_tree):
    html = client.get("/").content.decode()
    for name in ["strategy", "updates", "timeline", "working_group", "get_involved"]:
        assert f'href="{site_tree[name].url}"' in html, name
    assert f'href="{site_tree["standard"].url}"' in html  # in the footer


def test_home_shows_current_phase_and_latest_updates(client, site_tree):
    html = client.get("/").content.decode()
    assert "Current phase: Research" in html
    assert "First update" in html


def test_breadcrumbs_on_a_section(client, site_tree):
    html = client.get(site_tree["section"].url).content.decode()
    assert 'aria-label="Breadcrumb"' in html
    assert f'href="{site_tree["strategy"].url}"' in html


def test_unpublished_page_is_not_found(client, site_tree):
    draft = factories.StandardPageFactory(parent=site_tree["home"], slug="draft", live=False)
    assert client.get(draft.url or "/draft/").status_code == 404


def test_friendly_404(client, site_tree):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_robots_and_sitemap(client, site_tree):
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and robots["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()
    assert "Disallow: /admin/" in robots.content.decode()
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    body = sitemap.content.decode()
    assert "<urlset" in body and site_tree["section"].url in body


def test_nhsuk_assets_redirect_to_static(client, db):
    response = client.get("/assets/images/nhsuk-icon-cross.svg")
    assert response.status_code == 302
    assert response["Location"].startswith("/static/nhsuk/assets/images/nhsuk-icon-cross")
    assert client.get("/assets/images/missing.svg").status_code == 404


def test_section_page_query_count_is_bounded(client, site_tree, django_assert_max_num_queries):
    section = site_tree["section"]
    client.get(section.url)  # warm the site-root cache
    with django_assert_max_num_queries(21):  # 21st: the section's evidence from the library
        assert client.get(section.url).status_code == 200


def test_home_page_query_count_is_bounded(client, site_tree, django_assert_max_num_queries):
    client.get("/")
    for n in range(10):
        factories.UpdatePageFactory(parent=site_tree["updates"], slug=f"more-{n}")
    with django_assert_max_num_queries(18):
        assert client.get("/").status_code == 200


def test_only_root_and_home_at_top(site_tree):
    assert Page.objects.filter(depth=2).count() == 1


def test_section_links_to_its_neighbours(client, site_tree):
    first = site_tree["section"]
    second = factories.SectionPageFactory(parent=site_tree["strategy"], slug="ambition-two")
    html = client.get(first.url).content.decode()
    assert "Next section" in html and f'href="{second.url}"' in html
    assert "Previous section" not in html
    html = client.get(second.url).content.decode()
    assert "Previous section" in html and f'href="{first.url}"' in html
