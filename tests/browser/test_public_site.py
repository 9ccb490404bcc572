"""The public site in a real browser: keyboard access, the design system's script, no-JS."""

import itertools

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(site_tree, live_server):
    return live_server.url, site_tree


def test_skip_link_is_first_and_moves_focus_to_main(site, page):
    url, _ = site
    page.goto(url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "maincontent"
    assert page.js_errors == []


def test_design_system_script_initialises_without_errors(site, page):
    url, tree = site
    page.goto(url + tree["section"].url)
    assert page.evaluate("document.body.classList.contains('nhsuk-frontend-supported')")
    assert page.locator("h1").count() == 1
    assert page.js_errors == []


def test_navigation_and_versions_work_without_javascript(site, no_js_page):
    url, _ = site
    no_js_page.goto(url + "/")
    no_js_page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Draft strategy"
    ).click()
    assert no_js_page.locator("h1").inner_text().startswith("Draft strategy")
    no_js_page.get_by_role("link", name="Ambition one").click()
    no_js_page.get_by_role("link", name="All versions and changes").click()
    assert no_js_page.locator("h1").inner_text() == "Published versions"
    # The breadcrumbs lead back to the section, then the strategy, then home.
    breadcrumbs = no_js_page.get_by_role("navigation", name="Breadcrumb")
    assert breadcrumbs.get_by_role("listitem").all_inner_texts() == [
        "Home",
        "Draft strategy",
        "Ambition one",
    ]
    breadcrumbs.get_by_role("link", name="Ambition one").first.click()
    assert no_js_page.locator("h1").inner_text() == "Ambition one"


def test_every_page_has_one_h1_and_landmarks(site, page):
    url, tree = site
    for name in ["home", "strategy", "section", "updates", "timeline", "working_group"]:
        page.goto(url + tree[name].url)
        assert page.locator("h1").count() == 1, name
        assert page.locator("header[role=banner]").count() == 1
        assert page.locator("main#maincontent").count() == 1
        assert page.locator("footer[role=contentinfo]").count() == 1
        assert page.get_by_role("search").count() == 1
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                 .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                 .map(el => el.name)"""
        )
        assert unlabelled == [], (name, unlabelled)
        levels = page.evaluate(
            "() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])"
        )
        skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        assert levels[0] == 1 and skips == [], (name, levels)
    assert page.js_errors == []
