"""The anonymous page cache (hub/core/page_cache.py), through HTTP: who is served from it,
with which headers, and that every change to the page tree ends what it kept."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from hub.accounts.demo import DEMO_PASSWORD
from hub.core.page_cache import GENERATION_KEY
from tests.support import factories
from tests.support.pages import publish

pytestmark = pytest.mark.shared_site_tree


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_MAX_AGE = 60


def served(client, url):
    """The response, and whether it came from the page cache."""
    response = client.get(url)
    return response, response.get("X-Page-Cache")


def test_an_anonymous_reader_is_served_from_the_cache_with_public_headers(site_tree):
    url = site_tree["strategy"].url
    first, state = served(Client(), url)
    assert state == "miss" and first.status_code == 200
    second, state = served(Client(), url)
    assert state == "hit" and second.content == first.content
    for response in (first, second):
        assert "Cookie" in response["Vary"]
        assert response["Cache-Control"] == "public, max-age=60"
        assert not response.cookies


def test_head_is_answered_from_what_get_stored(site_tree):
    url = site_tree["strategy"].url
    Client().get(url)
    assert Client().head(url)["X-Page-Cache"] == "hit"


def test_signed_in_readers_are_never_served_or_stored_and_get_private_headers(client, site_tree):
    url = site_tree["strategy"].url
    Client().get(url)  # stored for anonymous readers
    reader = factories.ProfileFactory(display_name="Unique Reader Name").user
    client.force_login(reader)
    for _ in range(2):
        response, state = served(client, url)
        assert state != "hit"
        assert "Sign out" in response.content.decode()
        assert response["Cache-Control"] == "private, no-store"
        assert "Cookie" in response["Vary"]


def test_nothing_a_signed_in_reader_saw_reaches_anyone_else(client, site_tree):
    reader = factories.ProfileFactory(display_name="Unique Reader Name").user
    client.force_login(reader)
    urls = [site_tree[name].url for name in ("home", "strategy", "section", "updates")]
    for url in urls:
        client.get(url)  # signed in first, so nothing but their pages could have been stored
    for url in urls:
        for _ in range(2):
            html = Client().get(url).content.decode()
            assert "Sign out" not in html and "Unique Reader Name" not in html
            assert "Your contributions" not in html


def test_signing_in_through_the_form_leaves_the_cache(site_tree):
    user = factories.ProfileFactory(display_name="Form Signer").user
    user.set_password(DEMO_PASSWORD)
    user.save()
    url = site_tree["strategy"].url
    browser = Client()
    assert served(browser, url)[1] == "miss"
    assert served(browser, url)[1] == "hit"
    signed = browser.post("/accounts/login/", {"login": user.email, "password": DEMO_PASSWORD})
    assert signed.status_code == 302
    response, state = served(browser, url)
    assert state != "hit" and "Sign out" in response.content.decode()


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(site_tree):
    url = site_tree["strategy"].url
    Client().get(url)
    browser = Client()
    browser.cookies["messages"] = "anything"
    assert served(browser, url)[1] != "hit"


def test_pages_with_a_form_give_each_visitor_their_own_csrf_token(site_tree):
    url = site_tree["home"].url
    Client().get(url)
    tokens = set()
    for _ in range(2):
        browser = Client(enforce_csrf_checks=True)
        response, state = served(browser, url)
        assert state == "hit"
        assert "private" in response["Cache-Control"]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
        tokens.add(token[1])
        subscribed = browser.post(
            "/notifications/subscribe/",
            {"csrfmiddlewaretoken": token[1], "email": "reader@example.org"},
        )
        assert subscribed.status_code == 302  # the token works with the cookie it came with
    assert len(tokens) == 2


def test_posts_errors_and_other_statuses_are_never_stored(site_tree):
    Client().get("/no-such-page/")
    assert served(Client(), "/no-such-page/")[1] != "hit"
    response = Client().post("/notifications/subscribe/", {"email": "not an address"})
    assert response.status_code == 400
    assert Client().get("/notifications/subscribe/")["X-Page-Cache"] == "miss"


def test_publishing_a_page_ends_every_cached_copy(site_tree):
    section = site_tree["section"]
    strategy_url = site_tree["strategy"].url
    Client().get(section.url)
    Client().get(strategy_url)
    section.title = "A clearer title"
    publish(section)
    for url in (section.url, strategy_url):
        response, state = served(Client(), url)
        assert state == "miss" and "A clearer title" in response.content.decode()


def test_unpublishing_a_page_ends_its_cached_copy(site_tree):
    update = site_tree["update"]
    assert Client().get(update.url).status_code == 200
    update.unpublish()
    assert Client().get(update.url).status_code == 404


def test_a_new_page_in_the_menu_appears_at_once(site_tree):
    url = site_tree["strategy"].url
    Client().get(url)
    page = factories.StandardPageFactory(
        parent=site_tree["home"], slug="accessibility", title="Accessibility", show_in_menus=True
    )
    publish(page)
    assert "Accessibility" in Client().get(url).content.decode()


def test_moving_and_deleting_pages_end_cached_copies(site_tree):
    standard = site_tree["standard"]
    url = site_tree["strategy"].url
    assert "Privacy" in Client().get(url).content.decode()  # the footer link
    standard.move(site_tree["updates"], pos="last-child")
    html = Client().get(url).content.decode()
    assert "/updates/privacy/" in html
    standard.refresh_from_db()
    standard.delete()
    assert "/updates/privacy/" not in Client().get(url).content.decode()


def test_the_bench_header_passes_by_the_cache_only_where_settings_name_it(settings, site_tree):
    url = site_tree["strategy"].url
    Client().get(url)
    assert Client(headers={"x-bench-no-page-cache": "1"}).get(url)["X-Page-Cache"] == "hit"
    settings.PAGE_CACHE_BYPASS_HEADER = "HTTP_X_BENCH_NO_PAGE_CACHE"
    response = Client(headers={"x-bench-no-page-cache": "1"}).get(url)
    assert "X-Page-Cache" not in response


def test_switched_off_it_stores_nothing(settings, site_tree):
    settings.PAGE_CACHE_SECONDS = 0
    url = site_tree["strategy"].url
    Client().get(url)
    assert "X-Page-Cache" not in Client().get(url)


def test_restricting_a_page_ends_its_cached_copy(site_tree):
    update = site_tree["update"]
    assert "First update" in Client().get(update.url).content.decode()
    PageViewRestriction.objects.create(page=update, restriction_type=PageViewRestriction.LOGIN)
    restricted = Client().get(update.url)
    assert restricted.status_code == 302 and "First update" not in restricted.content.decode()


def test_a_search_does_not_end_the_cache(site_tree):
    url = site_tree["strategy"].url
    Client().get(url)
    Client().get("/search/?q=strategy")  # records the query's hits (search promotions)
    assert Client().get(url)["X-Page-Cache"] == "hit"


def test_a_change_another_process_made_reaches_this_one_at_its_next_request(settings, site_tree):
    # Each process keeps the memos (menus, footer) of the generation in memory; another
    # worker's change reaches it only through the new generation in the shared cache.
    settings.PAGE_CACHE_SECONDS = 0  # pages rendered every time; the memos still kept
    url = site_tree["strategy"].url
    assert "Privacy notice" not in Client().get(url).content.decode()
    # Rows written as another process would, with no signal in this one.
    Page.objects.filter(pk=site_tree["standard"].pk).update(title="Privacy notice")
    assert "Privacy notice" not in Client().get(url).content.decode()  # the memo still
    cache.set(GENERATION_KEY, "started-by-another-process")
    assert "Privacy notice" in Client().get(url).content.decode()


def test_a_request_reads_the_generation_from_the_shared_cache_once(settings, site_tree):
    settings.PAGE_CACHE_SECONDS = 0
    url = site_tree["section"].url
    Client().get(url)  # memos made
    reads = []
    original = cache.get

    def counting_get(key, *args, **kwargs):
        reads.append(key)
        return original(key, *args, **kwargs)

    cache.get = counting_get
    try:
        assert Client().get(url).status_code == 200
    finally:
        del cache.get
    assert reads.count(GENERATION_KEY) == 1
    assert not [key for key in reads if key.startswith("page-cache:memo:")]


def test_the_site_is_looked_up_once_until_a_site_changes(settings, site_tree):
    settings.PAGE_CACHE_SECONDS = 0
    assert Client().get("/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert Client().get("/").status_code == 200
    assert not [query for query in queries if "wagtailcore_site" in query["sql"]]
    site = Site.objects.get(is_default_site=True)
    site.root_page = site_tree["standard"]
    site.save()
    assert "<h1>Privacy</h1>" in Client().get("/").content.decode()
