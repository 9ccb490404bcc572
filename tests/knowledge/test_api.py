"""The read-only API v2: listings, details, fields, filters, search, and what it must never
expose (drafts, private pages, users) or allow (writes)."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from knowledge.models import ResourceType
from tests.support import factories
from tests.support.hostile import HOSTILE_QUERIES
from tests.support.knowledge_factories import DocumentFactory, ResourcePageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


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


@pytest.mark.parametrize("endpoint", ["resources", "pages"])
def test_api_search_takes_any_text(client, api_content, endpoint, caplog):
    for query in HOSTILE_QUERIES:
        response = client.get(f"/api/v2/{endpoint}/", {"search": query, "fields": "title"})
        body = response.json()
        if response.status_code != 200:  # a refusal must be a client error that says why
            assert 400 <= response.status_code < 500 and body.get("message"), repr(query)
            continue
        text = response.content.decode()
        assert "<script>" not in text and "<img" not in text, repr(query)
        assert "Private resource" not in text and "Draft resource" not in text, repr(query)
        titles = {item["title"] for item in body["items"]}
        assert titles <= {"Evaluation of the AI Lab", "AI TV interview"}, repr(query)
    assert not [record for record in caplog.records if record.levelname == "ERROR"]
    # Search syntax is plain text: these still find what their words say.
    for query in ('"evaluation', "evaluation AND", "-evaluation", "evaluation:", "(evaluation"):
        found = client.get(f"/api/v2/{endpoint}/", {"search": query}).json()
        assert [item["title"] for item in found["items"]] == ["Evaluation of the AI Lab"], query


def test_api_search_finds_words(client, api_content):
    found = _json(client.get("/api/v2/pages/", {"search": '"evaluation" (AI'}))
    assert [item["title"] for item in found["items"]] == ["Evaluation of the AI Lab"]


def _shelf(library, section, numbers):
    """Resources with everything a listing reads: a document or a video's transcript
    document, topics and a section."""
    for number in numbers:
        fields = {"document": DocumentFactory(title=f"Document {number}"), "external_url": ""}
        if number % 2:
            fields = {
                "resource_type": ResourceType.VIDEO,
                "transcript_document": DocumentFactory(title=f"Transcript {number}"),
            }
        ResourcePageFactory(
            parent=library, topics=[f"T{number}", "Shared"], sections=[section], **fields
        )


LISTINGS = [
    ("/api/v2/resources/", {"fields": "*"}),
    ("/api/v2/resources/", {"fields": "topics,sections,summary"}),
    ("/api/v2/pages/", {"type": "knowledge.ResourcePage", "fields": "topics,sections"}),
    ("/api/v2/pages/", {"type": "knowledge.ResourcePage", "fields": "*"}),
]


def test_listing_query_counts_do_not_grow_with_items(
    client, site_tree, library, django_assert_max_num_queries
):
    def counts():
        found = []
        for url, params in LISTINGS:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, {**params, "limit": 20})
                assert response.status_code == 200, response.content[:500]
            found.append((len(response.json()["items"]), len(queries)))
        return found

    _shelf(library, site_tree["section"], range(2))
    for url, params in LISTINGS:
        client.get(url, params)  # warm the caches (site root paths, content types)
    few = counts()
    _shelf(library, site_tree["section"], range(2, 12))
    for url, params in LISTINGS:
        # Publishing started a new generation of the page cache: the memos (the view
        # restrictions) are read again once, as after any publish.
        client.get(url, params)
    many = counts()
    assert [items for items, _ in few] == [2] * len(LISTINGS)
    assert [items for items, _ in many] == [12] * len(LISTINGS)
    assert [queries for _, queries in many] == [queries for _, queries in few]

    listing = client.get("/api/v2/resources/", {"fields": "*"}).json()["items"]
    assert all(item["document_url"] or item["transcript"] for item in listing)
    assert all(item["topics"] and item["sections"] for item in listing)
    with django_assert_max_num_queries(12):
        client.get("/api/v2/resources/", {"fields": "*", "search": "resource"})
