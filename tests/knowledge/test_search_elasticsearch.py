"""Site search on Wagtail's Elasticsearch 8 backend.

Without a server, the tests build the query body the backend would send (nothing is sent:
the client connects only when results are read). With ELASTICSEARCH_URL set, the tests
marked `elasticsearch` also index pages into a throwaway index and search them over HTTP.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import elastic_transport
import pytest
from wagtail.search.backends import get_search_backend
from wagtail.search.index import get_indexed_models

from knowledge.models import ResourcePage
from knowledge.search import backend_query, build_search, clean_query
from tests.support import factories
from tests.support.knowledge_factories import ResourcePageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

ES_BACKEND = "wagtail.search.backends.elasticsearch8"


@pytest.fixture
def offline_backend():
    # Port 9 (discard) on the loopback: a client that is never asked to connect.
    return get_search_backend(ES_BACKEND, URLS=["http://127.0.0.1:9"], INDEX_PREFIX="hub_test_")


def _filters(body):
    return body["query"]["bool"]["filter"]


def _flatten(node):
    """Every dict inside a query body, for looking up clauses wherever they are nested."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _flatten(value)
    elif isinstance(node, list):
        for value in node:
            yield from _flatten(value)


def test_query_body_is_a_match_of_words_with_every_word_required(offline_backend, site_tree):
    results = build_search(
        clean_query('"Imaging" AND (data) <script> NOT'), backend=offline_backend
    )
    body = results._get_es_body()
    match = body["query"]["bool"]["must"]["multi_match"]
    assert match["query"] == "imaging data script"
    assert match["operator"] == "and"
    clauses = list(_flatten(_filters(body)))
    assert {"term": {"live_filter": True}} in clauses
    assert {"range": {"depth_filter": {"gt": 1}}} in clauses


def test_query_body_filters_by_type_and_leaves_out_promoted_pages(offline_backend, site_tree):
    from django.contrib.contenttypes.models import ContentType

    resource_type = ContentType.objects.get_for_model(ResourcePage)
    body = build_search(
        clean_query("evaluation"), kind="resource", exclude=[41, 42], backend=offline_backend
    )._get_es_body()
    clauses = list(_flatten(_filters(body)))
    assert {"terms": {"content_type_id_filter": [resource_type.pk]}} in clauses
    assert {"bool": {"must_not": {"terms": {"id_filter": [41, 42]}}}} in clauses

    pages_only = build_search(clean_query("x"), kind="page", backend=offline_backend)
    negated = [
        clause["bool"]["must_not"]
        for clause in _flatten(_filters(pages_only._get_es_body()))
        if "must_not" in clause.get("bool", {})
    ]
    assert any("content_type_id_filter" in str(clause) for clause in negated)


def test_library_search_body_is_limited_to_live_resources_of_the_library(offline_backend, library):
    queryset = ResourcePage.objects.live().descendant_of(library)
    body = offline_backend.search(backend_query(clean_query("chest imaging")), queryset)
    clauses = list(_flatten(body._get_es_body()))
    assert {"match": {"_django_content_type": "knowledge.ResourcePage"}} in clauses
    assert {"prefix": {"path_filter": library.path}} in clauses


@pytest.mark.processes
def test_settings_give_the_indexes_a_prefix():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="hub.settings.dev",
        ELASTICSEARCH_URL="http://127.0.0.1:9",
        ELASTICSEARCH_INDEX_PREFIX="t1",
    )
    code = (
        "from wagtail.search.backends import get_search_backend;"
        "from knowledge.models import ResourcePage;"
        "print(get_search_backend().get_index_for_model(ResourcePage).name)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == "t1_wagtail_wagtailcore_page", result.stderr


def test_an_unreachable_engine_is_a_message_not_an_error(client, site_tree, settings):
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": ES_BACKEND, "URLS": ["http://127.0.0.1:9"], "TIMEOUT": 1}
    }
    response = client.get("/search/", {"q": "strategy"})
    assert response.status_code == 200
    assert "Search is not working at the moment" in response.content.decode()
    api_search = client.get("/api/v2/pages/", {"search": "strategy"})
    assert api_search.status_code == 503
    assert api_search.json() == {"message": "search is unavailable at the moment"}


# -- against a live server ------------------------------------------------------------------

live = pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"), reason="ELASTICSEARCH_URL is not set"
)

# What the live fixture calls on the backend and on its indexes; checked without a server
# below, so a rename in Wagtail or django-modelsearch fails a test that always runs.
BACKEND_METHODS = ("reset_indexes", "refresh_indexes", "all_indexes", "get_index_for_model")
INDEX_METHODS = ("add_model", "delete")


def create_indexes(backend):
    """Empty indexes with the mappings of every indexed model, as `update_index` makes."""
    backend.reset_indexes()
    for model in get_indexed_models():
        backend.get_index_for_model(model).add_model(model)


def delete_indexes(backend, prefix):
    """Delete the backend's indexes, refusing any whose name lacks the throwaway prefix."""
    for index in backend.all_indexes():
        assert index.name.startswith(prefix), index.name
        index.delete()


@pytest.fixture
def live_backend(settings):
    prefix = f"hub_test_{uuid.uuid4().hex[:8]}_"
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": ES_BACKEND,
            "URLS": [os.environ["ELASTICSEARCH_URL"]],
            "INDEX_PREFIX": prefix,
            "TIMEOUT": 10,
        }
    }
    backend = get_search_backend()
    create_indexes(backend)
    yield backend
    delete_indexes(backend, prefix)


def test_the_live_fixture_uses_what_the_backend_has(offline_backend):
    backend_class = type(offline_backend)
    assert backend_class.__module__ == "modelsearch.backends.elasticsearch8"
    for name in BACKEND_METHODS:
        assert callable(getattr(backend_class, name, None)), name
    for name in INDEX_METHODS:
        assert callable(getattr(backend_class.index_class, name, None)), name
    # The prefix setting is the one the backend reads: every index name starts with it.
    prefixed = get_search_backend(ES_BACKEND, URLS=["http://127.0.0.1:9"], INDEX_PREFIX="p_")
    names = [index.name for index in prefixed.all_indexes()]
    assert names and all(name.startswith("p_") for name in names), names
    assert prefixed.get_index_for_model(ResourcePage).name == "p_wagtailcore_page"
    # Without a server, each step gets as far as asking it (not an AttributeError).
    with pytest.raises(elastic_transport.ConnectionError):
        create_indexes(prefixed)
    with pytest.raises(elastic_transport.ConnectionError):
        prefixed.refresh_indexes()
    with pytest.raises(elastic_transport.ConnectionError):
        delete_indexes(prefixed, "p_")
    # Teardown never touches an index outside the throwaway prefix.
    with pytest.raises(AssertionError, match="p_wagtailcore_page"):
        delete_indexes(prefixed, "other_")


@live
@pytest.mark.elasticsearch
def test_live_search_finds_and_filters(client, live_backend, site_tree, library):
    section = site_tree["section"]
    section.title = "Regulation and procurement"
    section.save_revision().publish()
    resource = ResourcePageFactory(
        parent=library, title="Evaluation", summary="Uncertain procurement pathways."
    )
    factories.UpdatePageFactory(parent=site_tree["updates"], title="Procurement news")
    live_backend.refresh_indexes()

    response = client.get("/search/", {"q": '"procurement" AND <b>'})
    assert response.status_code == 200
    assert response.context["search"].total == 3
    resources = client.get("/search/", {"q": "procurement", "type": "resource"})
    assert [hit.url for hit in resources.context["search"].hits] == [resource.url]
    assert "<mark>procurement</mark>" in resources.content.decode()
