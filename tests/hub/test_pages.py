"""Every page of the public site renders for an anonymous visitor, with its navigation."""

import logging
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import include, path
from wagtail.models import Page, PageViewRestriction, get_page_models

from hub import urls as hub_urls
from tests.support import factories
from tests.support.pages import publish

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


def broken_view(request):
    raise RuntimeError("Something went wrong inside a view")


# The site's URL map with one view that fails, for the 500 page.
urlpatterns = [path("broken/", broken_view), path("", include(hub_urls))]


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


def test_friendly_500(settings, site_tree, caplog):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<title>Sorry, there is a problem with the service" in html
    assert "<h1>Sorry, there is a problem with the service</h1>" in html
    assert 'href="#maincontent"' in html and 'id="maincontent"' in html
    assert "Something went wrong inside a view" not in html  # no details for visitors
    assert "RuntimeError" in caplog.text  # but the error is logged


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
    # With the evidence from the library; 21 before addresses and restrictions were memoised.
    with django_assert_max_num_queries(5):
        assert client.get(section.url).status_code == 200


def test_home_page_query_count_is_bounded(client, site_tree, django_assert_max_num_queries):
    client.get("/")
    for n in range(10):
        factories.UpdatePageFactory(parent=site_tree["updates"], slug=f"more-{n}")
    with django_assert_max_num_queries(11):  # 18 before the restrictions were memoised
        assert client.get("/").status_code == 200


def test_a_restriction_holds_from_the_next_request(client, site_tree):
    """The view restrictions are read once per generation of the page cache: adding one,
    and changing the groups one admits, holds from the very next request."""
    page, readers = site_tree["standard"], Group.objects.create(name="Readers")
    client.force_login(factories.in_group(factories.UserFactory(), "Readers"))
    assert client.get(page.url).status_code == 200  # the restrictions are read: none
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    assert client.get(page.url).status_code == 302  # no group admitted yet
    restriction.groups.set([readers])
    assert client.get(page.url).status_code == 200
    restriction.groups.set([Group.objects.create(name="Others")])
    assert client.get(page.url).status_code == 302


def test_a_renamed_page_answers_at_its_new_address_at_once(client, site_tree):
    """Addresses are looked up in a table read once per generation of the page cache:
    renaming a page starts a new one."""
    page = site_tree["standard"]
    old_url = page.url
    assert client.get(old_url).status_code == 200
    page.slug = "renamed"
    page.save_revision().publish()
    page.refresh_from_db()
    assert client.get(old_url).status_code == 404
    assert client.get(page.url).status_code == 200


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


def breadcrumb_trail(html):
    """(text, href) of each breadcrumb, and the back link's (text, href); None without one."""
    nav = re.search(
        r'<nav class="nhsuk-breadcrumb" aria-label="Breadcrumb">(.*?)</nav>', html, re.S
    )
    if nav is None:
        return None
    crumbs = re.findall(r'<a class="nhsuk-breadcrumb__link" href="([^"]*)">([^<]*)</a>', nav[1])
    back = re.search(
        r'<a class="nhsuk-back-link" href="([^"]*)"><span class="nhsuk-u-visually-hidden">'
        r"Back to </span>([^<]*)</a>",
        nav[1],
    )
    return [(text, href) for href, text in crumbs], (back[2], back[1])


def test_pages_directly_below_home_lead_back_home(client, site_tree):
    assert breadcrumb_trail(client.get("/").content.decode()) is None
    for name in ["strategy", "updates", "timeline", "working_group", "get_involved", "standard"]:
        trail = breadcrumb_trail(client.get(site_tree[name].url).content.decode())
        assert trail == ([("Home", "/")], ("Home", "/")), name


def test_breadcrumbs_follow_the_page_tree(client, site_tree):
    strategy = site_tree["strategy"]
    html = client.get(site_tree["section"].url).content.decode()
    assert breadcrumb_trail(html) == (
        [("Home", "/"), (strategy.title, strategy.url)],
        (strategy.title, strategy.url),
    )
    update = client.get(site_tree["update"].url).content.decode()
    assert breadcrumb_trail(update)[0][-1] == (site_tree["updates"].title, "/updates/")


@pytest.mark.parametrize("view", ["versions/", "versions/1/", "versions/compare/"])
def test_a_sections_versions_lead_back_to_the_section(client, site_tree, view):
    strategy, section = site_tree["strategy"], site_tree["section"]
    html = client.get(section.url + view).content.decode()
    assert breadcrumb_trail(html) == (
        [("Home", "/"), (strategy.title, strategy.url), (section.title, section.url)],
        (section.title, section.url),
    )


def test_one_search_landmark_and_the_design_system_script_once(client, site_tree):
    for name in ["home", "section", "update"]:
        html = client.get(site_tree[name].url).content.decode()
        assert html.count("<search") + html.count('role="search"') == 1, name
        assert html.count("nhsuk-frontend.min.js") == 1, name
        assert "initAll()" in html


def test_compare_errors_come_first_and_name_the_page_an_error(client, site_tree):
    section = site_tree["section"]
    publish(section)
    url = f"{section.url}versions/compare/"
    fine = client.get(f"{url}?from_version=1&to_version=2").content.decode()
    assert "<title>Compare versions of" in fine
    assert "nhsuk-error-summary" not in fine

    html = client.get(f"{url}?from_version=1&to_version=1").content.decode()
    assert "<title>Error: Compare versions of" in html
    main = html.split('id="maincontent"', 1)[1]
    assert main.index('class="nhsuk-error-summary"') < main.index("<h1")
    summary = main[main.index('class="nhsuk-error-summary"') : main.index("<h1")]
    assert '<a href="#id_from_version">Choose two different versions to compare.</a>' in summary
    assert 'aria-describedby="id_from_version-error"' not in html  # a form-wide error

    html = client.get(f"{url}?from_version=1&to_version=9").content.decode()
    assert "<title>Error: " in html
    assert '<a href="#id_to_version">' in html
    assert 'class="nhsuk-select nhsuk-select--error" id="id_to_version"' in html
    assert 'aria-describedby="id_to_version-error"' in html
