"""The library's listing and facets and each search's results, worked out once per
generation of the page cache (knowledge.selectors, knowledge.search) and shared by every
reader, through HTTP with the anonymous page cache off: what is published, unpublished or
promoted shows at once, and a read from what was kept asks the database for no resources."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from tests.support import factories
from tests.support.knowledge_factories import ResourcePageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def html_of(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def test_a_resource_published_or_unpublished_shows_in_the_library_at_once(client, library):
    ResourcePageFactory(parent=library, title="Kept resource", topics=["Kept topic"])
    assert "Kept resource" in html_of(client, library.url)
    added = ResourcePageFactory(parent=library, title="Zebra findings", topics=["Zebras"])
    html = html_of(client, library.url)
    assert "Zebra findings" in html and "Zebras" in html  # the listing and the topic filter
    added.unpublish()
    html = html_of(client, library.url)
    assert "Zebra findings" not in html and "Zebras" not in html


def test_a_page_published_or_a_result_promoted_shows_in_search_at_once(client, site_tree):
    assert "https://example.org/okapi" not in html_of(client, "/search/", {"q": "okapi"})
    assert "<mark>Okapi</mark> sightings" not in html_of(client, "/search/", {"q": "okapi"})
    page = factories.UpdatePageFactory(parent=site_tree["updates"], title="Okapi sightings")
    assert "<mark>Okapi</mark> sightings" in html_of(client, "/search/", {"q": "okapi"})
    SearchPromotion.objects.create(
        query=Query.get("okapi"),
        external_link_url="https://example.org/okapi",
        external_link_text="Okapi guide",
        sort_order=0,
    )
    assert "https://example.org/okapi" in html_of(client, "/search/", {"q": "okapi"})
    page.unpublish()
    assert "<mark>Okapi</mark> sightings" not in html_of(client, "/search/", {"q": "okapi"})


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        html_of(client, url, params)
    return [query["sql"] for query in queries.captured_queries]


def test_the_library_and_a_search_read_again_ask_for_no_resources(
    client, library, site_tree, django_assert_max_num_queries
):
    for number in range(12):
        ResourcePageFactory(parent=library, title=f"Shelved {number}", topics=["Shelf"])
    for url, params in ((library.url, None), ("/search/", {"q": "shelved"})):
        first = _queries(client, url, params)
        again = _queries(client, url, params)
        assert len(again) < len(first), url
        assert not [sql for sql in again if "knowledge_resourcepage" in sql], url
        with django_assert_max_num_queries(6):
            html_of(client, url, params)
    # The second page of the library comes from the same kept listing.
    assert not [
        sql
        for sql in _queries(client, library.url, {"page": "2"})
        if "knowledge_resourcepage" in sql
    ]
