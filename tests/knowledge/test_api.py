"""The read-only API v2: listings, details, fields, filters, search, and what it must never
expose (drafts, private pages, users) or allow (writes)."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from knowledge.models import ResourceType
from tests import factories
from tests.knowledge.factories import ResourcePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_content(site_tree, library):
    owner = factories.UserFactory(email="owner.secret@example.org")
    report = ResourcePageFactory(
        parent=library,
        title="Evaluation of the AI Lab",
        resource_type=ResourceType.REPORT,
        publisher="University of Edinburgh",
        publication_date=datetime.date(2025, 4, 29),
        topics=["Evaluation"],
        sections=[site_tree["section"]],
        owner=owner,
    )
    video = ResourcePageFactory(
        parent=library,
        title="AI TV interview",
        resource_type=ResourceType.VIDEO,
        external_url="",
        reference_only=True,
        owner=owner,
    )
    draft = ResourcePageFactory(parent=library, title="Draft resource", live=False, owner=owner)
    private = ResourcePageFactory(parent=library, title="Private resource", owner=owner)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    return {"report": report, "video": video, "draft": draft, "private": private}


def _json(response):
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


def test_resources_listing_and_detail(client, api_content, site_tree):
    listing = _json(client.get("/api/v2/resources/"))
    titles = {item["title"] for item in listing["items"]}
    assert titles == {"Evaluation of the AI Lab", "AI TV interview"}
    assert listing["meta"]["total_count"] == 2
    item = next(i for i in listing["items"] if i["title"] == "Evaluation of the AI Lab")
    assert item["resource_type"] == "report"
    assert item["publication_date"] == "2025-04-29"
    assert item["meta"]["detail_url"].endswith(f"/api/v2/resources/{item['id']}/")

    detail = _json(client.get(f"/api/v2/resources/{api_content['report'].pk}/"))
    assert detail["summary"] == api_content["report"].summary
    assert detail["topics"] == ["Evaluation"]
    assert detail["sections"] == [
        {"id": site_tree["section"].pk, "title": site_tree["section"].title}
    ]
    assert detail["external_url"].startswith("https://example.org/")
    assert detail["document_url"] is None


def test_filter_resources_by_type_and_choose_fields(client, api_content):
    videos = _json(client.get("/api/v2/resources/", {"resource_type": "video"}))
    assert [item["title"] for item in videos["items"]] == ["AI TV interview"]
    fields = _json(client.get("/api/v2/resources/", {"fields": "summary,publisher"}))
    assert all("summary" in item and "publisher" in item for item in fields["items"])
    assert client.get("/api/v2/resources/", {"fields": "no_such_field"}).status_code == 400
    assert client.get("/api/v2/resources/", {"resource_type": "<x>"}).status_code == 200


def test_pages_endpoint_exposes_sections_and_updates(client, api_content, site_tree):
    sections = _json(
        client.get("/api/v2/pages/", {"type": "pages.SectionPage", "fields": "kind,summary,body"})
    )
    (section,) = sections["items"]
    assert section["kind"] == "ambition"
    assert section["summary"]
    assert [block["type"] for block in section["body"]] == ["paragraph", "paragraph"]
    updates = _json(client.get("/api/v2/pages/", {"type": "pages.UpdatePage", "fields": "*"}))
    assert {"date", "summary", "body"} <= set(updates["items"][0])
    everything = _json(client.get("/api/v2/pages/", {"limit": 100}))
    assert "knowledge.ResourcePage" in {item["meta"]["type"] for item in everything["items"]}


def test_drafts_private_pages_and_users_are_never_exposed(client, api_content):
    for endpoint in ("resources", "pages"):
        listing = client.get(f"/api/v2/{endpoint}/", {"limit": 100, "fields": "*"})
        body = listing.content.decode()
        assert "Draft resource" not in body and "Private resource" not in body
        assert "@example.org" not in body and "owner" not in body
        for key in ("draft", "private"):
            assert client.get(f"/api/v2/{endpoint}/{api_content[key].pk}/").status_code == 404
        detail = client.get(f"/api/v2/{endpoint}/{api_content['report'].pk}/")
        assert "@example.org" not in detail.content.decode()


def test_the_api_is_read_only(client, api_content, admin_client):
    pk = api_content["report"].pk
    for api_client in (client, admin_client):
        for url in ("/api/v2/resources/", f"/api/v2/resources/{pk}/", "/api/v2/pages/"):
            assert api_client.post(url, {"title": "x"}).status_code == 405
            assert api_client.put(url, "{}", content_type="application/json").status_code == 405
            assert api_client.patch(url, "{}", content_type="application/json").status_code == 405
            assert api_client.delete(url).status_code == 405


@pytest.mark.parametrize(
    "query", ['"', "(", "AND OR NOT", "*", "<script>", "\x00", "x" * 5000, "evaluation:"]
)
def test_api_search_takes_any_text(client, api_content, query):
    response = client.get("/api/v2/resources/", {"search": query})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_api_search_finds_words(client, api_content):
    found = _json(client.get("/api/v2/pages/", {"search": '"evaluation" (AI'}))
    assert [item["title"] for item in found["items"]] == ["Evaluation of the AI Lab"]


def test_resource_listing_query_count_does_not_grow(
    client, site_tree, library, django_assert_max_num_queries
):
    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v2/resources/", {"fields": "topics,sections,summary"})
            assert response.status_code == 200
        return len(queries)

    for number in range(2):
        ResourcePageFactory(parent=library, topics=[f"T{number}"], sections=[site_tree["section"]])
    client.get("/api/v2/resources/")
    few = count()
    for number in range(2, 12):
        ResourcePageFactory(parent=library, topics=[f"T{number}"], sections=[site_tree["section"]])
    assert count() == few
    with django_assert_max_num_queries(12):
        client.get("/api/v2/resources/", {"fields": "*", "search": "resource"})
