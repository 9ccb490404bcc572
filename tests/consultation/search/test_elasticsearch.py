"""Elasticsearch: the exact mapping and query bodies without a server; with
ELASTICSEARCH_URL set, the tests marked `elasticsearch` index the shared corpus into a
throwaway index, search it over HTTP and delete the index afterwards."""

import datetime
import json
import os
import uuid

import elastic_transport
import pytest

from consultation.search.backends import elasticsearch as es
from consultation.search.highlight import MARK_END, MARK_START
from consultation.search.query import STOP_WORDS
from consultation.search.types import FACETS, FeedbackQuery
from tests.support.hostile import HOSTILE_QUERIES
from tests.support.search_corpus import CORPUS, EXPECTED, REGIONS, SECTORS

ALLOWED_QUERIES = {
    "bool",
    "match",
    "match_phrase",
    "match_bool_prefix",
    "prefix",
    "match_all",
    "terms",
    "range",
}


def _query_types(node):
    """The query clause types used inside a query (not aggregations or sort)."""
    types = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("must", "must_not", "should", "filter"):
                for clause in value if isinstance(value, list) else [value]:
                    types |= _query_types(clause)
            elif key not in ("minimum_should_match",):
                types.add(key)
                if key == "bool":
                    types |= _query_types(value)
    return types


# -- the mapping ---------------------------------------------------------------------------


def test_the_mapping_is_explicit(settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = "hubtest"
    assert es.index_name() == "hubtest_feedback"
    index = es.feedback_index().to_dict()
    assert es.feedback_index()._name == "hubtest_feedback"
    keyword = {"type": "keyword"}
    assert index["mappings"] == {
        "dynamic": "strict",
        "properties": {
            "item_id": {"type": "long"},
            "text": {"type": "text", "analyzer": "feedback_english"},
            "consultation": keyword,
            "section": keyword,
            "paragraph": keyword,
            "theme": keyword,
            "stance": keyword,
            "source_kind": keyword,
            "channel": keyword,
            "sector": keyword,
            "region": keyword,
            "organisation": keyword,
            "respondent_type": keyword,
            "answer": keyword,
            "moderation_state": keyword,
            "in_analysis": {"type": "boolean"},
            "created_at": {"type": "date"},
        },
    }
    assert index["settings"] == {
        "number_of_shards": 1,
        "analysis": {
            "analyzer": {
                "feedback_english": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": [
                        "feedback_possessive",
                        "lowercase",
                        "feedback_stop",
                        "asciifolding",
                        "feedback_stemmer",
                    ],
                }
            },
            "filter": {
                "feedback_possessive": {"type": "stemmer", "language": "possessive_english"},
                "feedback_stop": {"type": "stop", "stopwords": sorted(STOP_WORDS)},
                "feedback_stemmer": {"type": "stemmer", "language": "english"},
            },
        },
    }


def test_every_facet_is_a_field_of_the_mapping():
    mapping = es.feedback_index("x").to_dict()["mappings"]["properties"]
    assert {facet.name for facet in FACETS} <= set(mapping)


def test_document_action():
    created = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC)
    action = es.document_action(
        {
            "item_id": 7,
            "text": "Robots",
            "sector": "clinician",
            "in_analysis": True,
            "created_at": created,
        },
        "idx",
    )
    assert action == {
        "_id": "7",
        "_index": "idx",
        "_source": {
            "item_id": 7,
            "text": "Robots",
            "sector": "clinician",
            "in_analysis": True,
            "created_at": created,
        },
    }
    with pytest.raises(ValueError, match="Fields not in the mapping"):
        es.document_action({"item_id": 1, "colour": "x"}, "idx")


# -- the query body ------------------------------------------------------------------------


def test_the_body_of_a_full_query(settings):
    settings.TIME_ZONE = "Europe/London"
    query = FeedbackQuery(
        text='care "social care" robot* -insurance nurse OR midwife e-mail',
        filters={"sector": ["clinician", "charity"], "region": ["london"], "in_analysis": ["true"]},
        date_from=datetime.date(2026, 1, 1),
        date_to=datetime.date(2026, 1, 31),
        page=3,
        page_size=10,
    )
    body = es.search_body(query, facet_size=5)
    assert body["query"] == {
        "bool": {
            "must": [
                {"match": {"text": {"query": "care", "operator": "and"}}},
                {"match_phrase": {"text": {"query": "social care"}}},
                {"match_bool_prefix": {"text": {"query": "robot"}}},
                {
                    "bool": {
                        "should": [
                            {"match": {"text": {"query": "nurse", "operator": "and"}}},
                            {"match": {"text": {"query": "midwife", "operator": "and"}}},
                        ],
                        "minimum_should_match": 1,
                    }
                },
                {"match_phrase": {"text": {"query": "e-mail"}}},
            ],
            "must_not": [{"match": {"text": {"query": "insurance", "operator": "and"}}}],
            "filter": [
                {
                    "range": {
                        "created_at": {
                            "gte": "2026-01-01T00:00:00+00:00",
                            "lt": "2026-02-01T00:00:00+00:00",
                        }
                    }
                }
            ],
        }
    }
    assert body["post_filter"] == {
        "bool": {
            "filter": [
                {"terms": {"sector": ["clinician", "charity"]}},
                {"terms": {"region": ["london"]}},
                {"terms": {"in_analysis": [True]}},
            ]
        }
    }
    # Disjunctive facets: each facet counts with the other facets' filters, not its own.
    assert body["aggs"]["sector"] == {
        "filter": {
            "bool": {
                "filter": [{"terms": {"region": ["london"]}}, {"terms": {"in_analysis": [True]}}]
            }
        },
        "aggs": {
            "values": {"terms": {"field": "sector", "size": 5}},
            "selected": {
                "terms": {"field": "sector", "include": ["clinician", "charity"], "size": 2}
            },
        },
    }
    assert body["aggs"]["in_analysis"] == {
        "filter": {
            "bool": {
                "filter": [
                    {"terms": {"sector": ["clinician", "charity"]}},
                    {"terms": {"region": ["london"]}},
                ]
            }
        },
        "aggs": {"values": {"terms": {"field": "in_analysis", "size": 5}}},
    }
    assert body["aggs"]["source_kind"]["filter"] == body["post_filter"]
    assert set(body["aggs"]) == {facet.name for facet in FACETS}
    assert body["sort"] == [
        {"_score": {"order": "desc"}},
        {"created_at": {"order": "desc"}},
        {"item_id": {"order": "desc"}},
    ]
    assert (body["from"], body["size"], body["track_total_hits"], body["_source"]) == (
        20,
        10,
        True,
        False,
    )
    assert body["highlight"] == {
        "pre_tags": [MARK_START],
        "post_tags": [MARK_END],
        "fields": {"text": {"number_of_fragments": 1, "fragment_size": 240, "no_match_size": 240}},
    }


def test_the_body_filters_and_counts_themes_stance_channel_and_answers():
    """The multi-valued facets are plain keyword terms: "none" is indexed as a value, a
    parent theme's id is on its sub-themes' documents, so no nested query is needed."""
    answer = "2f1c0a9e-8d0e-4a4e-9a51-0c8a1c2b3d4e:agree"
    query = FeedbackQuery(
        filters={
            "theme": ["12", "none"],
            "stance": ["none"],
            "channel": ["email", "csv"],
            "answer": [answer.upper()],
        }
    )
    body = es.search_body(query, facet_size=5)
    assert body["post_filter"] == {
        "bool": {
            "filter": [
                {"terms": {"theme": ["12", "none"]}},
                {"terms": {"stance": ["none"]}},
                {"terms": {"channel": ["email", "csv"]}},
                {"terms": {"answer": [answer]}},
            ]
        }
    }
    assert body["aggs"]["theme"] == {
        "filter": {
            "bool": {
                "filter": [
                    {"terms": {"stance": ["none"]}},
                    {"terms": {"channel": ["email", "csv"]}},
                    {"terms": {"answer": [answer]}},
                ]
            }
        },
        "aggs": {
            "values": {"terms": {"field": "theme", "size": 5}},
            "selected": {"terms": {"field": "theme", "include": ["12", "none"], "size": 2}},
        },
    }
    assert body["aggs"]["answer"]["filter"]["bool"]["filter"][0] == {
        "terms": {"theme": ["12", "none"]}
    }
    assert es.Search.from_dict(body).to_dict() == body


def test_reading_theme_and_answer_counts_with_their_labels():
    query = FeedbackQuery(filters={"theme": ["none"]})
    response = {
        "hits": {"total": {"value": 3, "relation": "eq"}, "hits": []},
        "aggregations": {
            "theme": {
                "doc_count": 9,
                "values": {
                    "buckets": [
                        {"key": "none", "doc_count": 3},
                        {"key": "12", "doc_count": 4},
                        {"key": "13", "doc_count": 2},
                    ]
                },
                "selected": {"buckets": [{"key": "none", "doc_count": 3}]},
            },
            "stance": {"values": {"buckets": [{"key": "none", "doc_count": 3}]}},
            "answer": {"values": {"buckets": [{"key": "q:agree", "doc_count": 1}]}},
        },
    }
    labels = {"theme": {"12": "Workforce", "13": "Workforce: Training"}}
    labels["answer"] = {"q:agree": "Q3 Agree: Safety first"}
    results = es.read_response(query, response, labels=labels)
    assert [(v.value, v.label, v.count, v.selected) for v in results.facet("theme").values] == [
        ("12", "Workforce", 4, False),
        ("none", "No theme", 3, True),
        ("13", "Workforce: Training", 2, False),
    ]
    assert [(v.label, v.count) for v in results.facet("stance").values] == [("Not set", 3)]
    assert [(v.label, v.count) for v in results.facet("answer").values] == [
        ("Q3 Agree: Safety first", 1)
    ]


def test_filters_only_matches_all_and_sorts_by_date():
    body = es.search_body(FeedbackQuery())
    assert body["query"] == {"bool": {"must": [{"match_all": {}}]}}
    assert "post_filter" not in body
    assert body["sort"] == [{"created_at": {"order": "desc"}}, {"item_id": {"order": "desc"}}]
    assert body["aggs"]["sector"]["filter"] == {"match_all": {}}
    oldest = es.search_body(FeedbackQuery(text="-insurance", sort="oldest"))
    assert oldest["query"]["bool"]["must"] == [{"match_all": {}}]
    assert oldest["query"]["bool"]["must_not"] == [
        {"match": {"text": {"query": "insurance", "operator": "and"}}}
    ]
    assert oldest["sort"] == [{"created_at": {"order": "asc"}}, {"item_id": {"order": "asc"}}]


def test_a_prefix_of_a_common_word_is_a_plain_prefix_query():
    body = es.search_body(FeedbackQuery(text="under*"))
    assert body["query"]["bool"]["must"] == [{"prefix": {"text": {"value": "under"}}}]


def test_an_open_date_range():
    body = es.search_body(FeedbackQuery(date_to=datetime.date(2026, 1, 31)))
    assert body["query"]["bool"]["filter"] == [
        {"range": {"created_at": {"lt": "2026-02-01T00:00:00+00:00"}}}
    ]


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_hostile_input_is_data_in_a_body_the_backend_accepts(text):
    for variant in (text, f"{text}*", f"-{text}", f'"{text}"', f"care OR {text}"):
        body = es.search_body(FeedbackQuery(text=variant, filters={"organisation": ["x"]}))
        assert _query_types(body["query"]) <= ALLOWED_QUERIES
        assert "query_string" not in json.dumps(body)
        assert es.Search.from_dict(body).to_dict() == body  # elasticsearch-dsl reads it as is


# -- reading the answer --------------------------------------------------------------------


def test_reading_an_answer():
    query = FeedbackQuery(text="robots", filters={"sector": ["clinician"], "in_analysis": ["true"]})
    response = {
        "hits": {
            "total": {"value": 42, "relation": "eq"},
            "hits": [
                {
                    "_id": "7",
                    "_score": 3.5,
                    "highlight": {"text": [f"<b>{MARK_START}Robots{MARK_END}</b> & care"]},
                },
                {"_id": "9", "_score": 1.0},
            ],
        },
        "aggregations": {
            "sector": {
                "doc_count": 50,
                "values": {"buckets": [{"key": "charity", "doc_count": 30}]},
                "selected": {"buckets": [{"key": "clinician", "doc_count": 2}]},
            },
            "in_analysis": {
                "doc_count": 42,
                "values": {
                    "buckets": [
                        {"key": 1, "key_as_string": "true", "doc_count": 40},
                        {"key": 0, "key_as_string": "false", "doc_count": 2},
                    ]
                },
            },
            "section": {"doc_count": 42, "values": {"buckets": [{"key": "4", "doc_count": 42}]}},
        },
    }
    results = es.read_response(query, response, labels={"section": {"4": "Data"}})
    assert results.total == 42
    assert [(hit.item_id, str(hit.snippet), hit.score) for hit in results.hits] == [
        (7, "&lt;b&gt;<mark>Robots</mark>&lt;/b&gt; &amp; care", 3.5),
        (9, "", 1.0),
    ]
    sector = results.facet("sector")
    assert [(v.value, v.label, v.count, v.selected) for v in sector.values] == [
        ("charity", "Charity", 30, False),
        ("clinician", "Clinician", 2, True),
    ]
    flags = results.facet("in_analysis")
    assert [(v.value, v.count, v.selected) for v in flags.values] == [
        ("true", 40, True),
        ("false", 2, False),
    ]
    assert [(v.value, v.label) for v in results.facet("section").values] == [("4", "Data")]
    assert results.facet("region").values == ()
    dated = es.read_response(FeedbackQuery(text="robots", sort="newest"), response)
    assert [hit.score for hit in dated.hits] == [None, None]


# -- without a server: the calls get as far as the network -------------------------------


@pytest.fixture
def offline():
    # Port 9 (discard) on the loopback: every request is refused at once.
    return es.Elasticsearch("http://127.0.0.1:9", request_timeout=1, max_retries=0)


def test_client_uses_the_configured_address(settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    node = es.client().transport.node_pool.get()
    assert (node.config.host, node.config.port) == ("127.0.0.1", 9)


@pytest.mark.parametrize(
    "call",
    [
        lambda client: es.search(FeedbackQuery(text="care"), using=client, index="x"),
        lambda client: es.create_index(using=client, name="x"),
        lambda client: es.delete_index(using=client, name="x"),
        lambda client: es.index_items([{"item_id": 1, "text": "a"}], using=client, index="x"),
    ],
    ids=["search", "create_index", "delete_index", "index_items"],
)
def test_calls_reach_the_network(offline, call):
    with pytest.raises(elastic_transport.ConnectionError):
        call(offline)


# -- against a live server -----------------------------------------------------------------

live = pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"), reason="ELASTICSEARCH_URL is not set"
)
START = datetime.datetime(2026, 1, 5, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def live_index(settings):
    settings.ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL")
    client = es.client()
    name = f"hub_test_{uuid.uuid4().hex}_feedback"
    es.create_index(using=client, name=name)
    rows = [
        {
            "item_id": item_id,
            "text": text,
            "sector": SECTORS.get(item_id, "other"),
            "region": REGIONS.get(item_id, "scotland"),
            "in_analysis": item_id != 5,
            "created_at": START + datetime.timedelta(days=item_id),
        }
        for item_id, text in CORPUS.items()
    ]
    assert es.index_items(rows, using=client, index=name, refresh=True) == len(rows)
    yield client, name
    es.delete_index(using=client, name=name)


def _found(client, name, **query):
    results = es.search(FeedbackQuery(page_size=100, **query), using=client, index=name)
    return results


@live
@pytest.mark.elasticsearch
@pytest.mark.parametrize(("text", "ids"), EXPECTED.items())
def test_live_the_shared_corpus_finds_the_expected_items(live_index, text, ids):
    results = _found(*live_index, text=text)
    assert {hit.item_id for hit in results.hits} == ids
    assert results.total == len(ids)


@live
@pytest.mark.elasticsearch
def test_live_highlights_are_safe_and_facets_disjunctive(live_index):
    results = _found(*live_index, text="procurement", filters={"region": ["london"]})
    assert [hit.item_id for hit in results.hits] == [3]
    assert "<mark>procurement</mark>" in str(results.hits[0].snippet)
    regions = {v.value: (v.count, v.selected) for v in results.facet("region").values}
    assert regions == {"london": (1, True), "scotland": (1, False)}  # its own filter ignored
    sectors = {v.value: v.count for v in results.facet("sector").values}
    assert sectors == {"nurse_ahp": 1}  # narrowed by the region
    other = _found(*live_index, text="procurement")
    assert "&lt;script&gt;" in str(next(h for h in other.hits if h.item_id == 8).snippet)


@live
@pytest.mark.elasticsearch
def test_live_dates_and_sorting(live_index):
    day = (START + datetime.timedelta(days=3)).date()
    results = _found(*live_index, date_from=day, date_to=day + datetime.timedelta(days=1))
    assert [hit.item_id for hit in results.hits] == [4, 3]
    oldest = _found(*live_index, sort="oldest", filters={"in_analysis": ["false"]})
    assert [hit.item_id for hit in oldest.hits] == [5]


@live
@pytest.mark.elasticsearch
@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_live_hostile_input_never_errors(live_index, text):
    for variant in (text, f"{text}*", f"-{text}", f'"{text}"', f"care OR {text}"):
        _found(*live_index, text=variant)
