"""One conformance suite for every search backend: the same feedback items (made as comments
through the services' own sync), the same queries, the same hits, totals and facet counts,
through `consultation.search.run`. It runs on SQLite and on PostgreSQL (the database
backend of each), and on Elasticsearch when ELASTICSEARCH_URL is set (a throwaway index);
hostile input never raises; with Elasticsearch down the database answers, with a notice."""

import datetime
import os
import uuid

import pytest
from django.utils import timezone

from consultation.feedback.models import FeedbackItem
from consultation.search import run
from consultation.search.backends import elasticsearch as es
from consultation.search.engine import FALLBACK_NOTICE
from consultation.search.types import FACETS, FeedbackQuery, SearchResults
from tests.support.consultation_factories import comment_on, paragraph_ids
from tests.support.factories import ProfileFactory
from tests.support.hostile import HOSTILE_QUERIES
from tests.support.search_corpus import CORPUS, EXPECTED, REGIONS, SECTORS

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

START = datetime.datetime(2026, 1, 5, 12, 0, tzinfo=datetime.UTC)
ORGANISATIONS = {3: "Royal College", 4: "Royal College", 9: "Midwives Trust"}
REJECTED = {8}  # spam, by a moderator's decision: left out of the analysis


@pytest.fixture
def corpus(section, consultation):
    """The shared corpus as comments with their items: {corpus key: item id}. Item n is
    made n hours after START, on the section's first or second paragraph in turn."""
    paragraphs = paragraph_ids(section)
    ids = {}
    for key, text in CORPUS.items():
        profile = ProfileFactory(
            sector=SECTORS.get(key, ""),
            region=REGIONS.get(key, ""),
            organisation=ORGANISATIONS.get(key, ""),
        )
        comment = comment_on(
            section,
            consultation=consultation,
            author=profile.user,
            paragraph_id=paragraphs[key % 2],
            text=text,
            status="rejected" if key in REJECTED else "published",
            created_at=START + datetime.timedelta(hours=key),
        )
        ids[key] = FeedbackItem.objects.get(comment=comment).pk
    return ids


@pytest.fixture(params=["database", "elasticsearch"])
def backend(request, settings, corpus):
    """The engine answering: the database's own, or a throwaway Elasticsearch index."""
    if request.param == "database":
        settings.ELASTICSEARCH_URL = None
        yield request.param
        return
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        pytest.skip("ELASTICSEARCH_URL is not set")
    settings.ELASTICSEARCH_URL = url
    settings.ELASTICSEARCH_INDEX_PREFIX = f"hub_test_{uuid.uuid4().hex}"
    client = es.client()
    es.create_index(using=client)
    es.index_items(map(es.item_values, FeedbackItem.objects.all()), using=client, refresh=True)
    yield request.param
    es.delete_index(using=client, name=es.index_name())


def keys_of(results, corpus):
    by_item = {item: key for key, item in corpus.items()}
    return [by_item[hit.item_id] for hit in results.hits]


def search(**fields):
    return run(FeedbackQuery(page_size=100, **fields))


def test_every_backend_finds_the_same_items(backend, corpus):
    for text, expected in EXPECTED.items():
        results = search(text=text)
        assert isinstance(results, SearchResults)
        assert set(keys_of(results, corpus)) == set(expected), text
        assert results.total == len(expected), text


def expected_counts(keys):
    """Each facet's counts for the items `keys`, worked out from the corpus's facets."""
    values = {
        "sector": SECTORS,
        "region": REGIONS,
        "organisation": ORGANISATIONS,
        "respondent_type": dict.fromkeys(CORPUS, "individual"),
        "moderation_state": {k: "rejected" if k in REJECTED else "published" for k in CORPUS},
        "in_analysis": {k: "false" if k in REJECTED else "true" for k in CORPUS},
        "source_kind": dict.fromkeys(CORPUS, "comment"),
    }
    counts = {}
    for facet, of in values.items():
        counted = {}
        for key in keys:
            if of.get(key):
                counted[of[key]] = counted.get(of[key], 0) + 1
        counts[facet] = counted
    return counts


def counts_of(results):
    return {f.name: {v.value: v.count for v in f.values if v.count} for f in results.facets}


@pytest.mark.parametrize("text", ["care", "-insurance", "", "robot* -insurance"])
def test_every_facet_is_counted_for_the_current_query(backend, corpus, section, consultation, text):
    results = search(text=text)
    counts = counts_of(results)
    assert [facet.name for facet in results.facets] == [facet.name for facet in FACETS]
    for facet, expected in expected_counts(EXPECTED[text]).items():
        assert counts[facet] == expected, facet
    assert counts["consultation"] == {str(consultation.pk): len(EXPECTED[text])}
    assert counts["section"] == {str(section.pk): len(EXPECTED[text])}
    first, second = paragraph_ids(section)[:2]
    odd = sum(1 for key in EXPECTED[text] if key % 2)
    assert counts["paragraph"] == {
        value: count
        for value, count in ((first, len(EXPECTED[text]) - odd), (second, odd))
        if count
    }
    consultation_counts = results.facet("consultation").values[0]
    assert consultation_counts.label == consultation.title
    assert results.facet("section").values[0].label == section.title


def test_facets_narrow_each_other_but_not_themselves(backend, corpus):
    results = search(text="care", filters={"region": ["london"]})
    assert set(keys_of(results, corpus)) == {1, 10} and results.total == 2
    counts = counts_of(results)
    # Ticking London leaves the other regions' counts (the choices still open)...
    assert counts["region"] == {"london": 2, "wales": 2}
    # ...and narrows every other facet to London's items.
    assert counts["sector"] == {"social_care": 1}
    region = results.facet("region")
    assert [(v.value, v.selected) for v in region.values] == [
        ("london", True),
        ("wales", False),
    ]

    both = search(text="care", filters={"region": ["london", "wales"], "sector": ["social_care"]})
    assert set(keys_of(both, corpus)) == {1, 2}
    assert counts_of(both)["region"] == {"london": 1, "wales": 1}
    assert counts_of(both)["sector"] == {"social_care": 2}


def test_every_filter_narrows_the_results(backend, corpus, section, consultation):
    first = paragraph_ids(section)[0]
    cases = {
        "consultation": ([str(consultation.pk)], set(CORPUS)),
        "section": ([str(section.pk)], set(CORPUS)),
        "paragraph": ([first], {k for k in CORPUS if k % 2 == 0}),
        "source_kind": (["comment"], set(CORPUS)),
        "sector": (["nurse_ahp"], {3, 4}),
        "region": (["wales"], {2, 6}),
        "organisation": (["Royal College"], {3, 4}),
        "respondent_type": (["organisation"], set()),
        "moderation_state": (["rejected"], {8}),
        "in_analysis": (["true"], set(CORPUS) - {8}),
    }
    assert set(cases) == {facet.name for facet in FACETS}
    for facet, (values, expected) in cases.items():
        results = search(filters={facet: values})
        assert set(keys_of(results, corpus)) == expected, facet
        assert results.total == len(expected)
    unknown = search(filters={"organisation": ["Nobody at all"], "section": ["999999"]})
    assert unknown.total == 0 and unknown.hits == ()
    ticked = unknown.facet("organisation").values
    assert [(v.value, v.count, v.selected) for v in ticked] == [("Nobody at all", 0, True)]


def test_date_range_sort_and_paging(backend, corpus):
    day = timezone.localtime(START + datetime.timedelta(hours=3)).date()
    ranged = search(date_from=day, date_to=day)
    expected = {
        k for k in CORPUS if timezone.localtime(START + datetime.timedelta(hours=k)).date() == day
    }
    assert set(keys_of(ranged, corpus)) == expected

    newest = search(sort="newest")
    assert keys_of(newest, corpus) == sorted(CORPUS, reverse=True)
    oldest = search(text="care", sort="oldest")
    assert keys_of(oldest, corpus) == [1, 2, 6, 10]

    pages = [run(FeedbackQuery(sort="oldest", page=n, page_size=10)) for n in (1, 2)]
    assert [keys_of(page, corpus) for page in pages] == [list(range(1, 11)), [11]]
    assert pages[0].total == pages[1].total == 11
    assert pages[0].has_next and not pages[1].has_next


def test_relevance_puts_the_closest_match_first(backend, corpus):
    results = search(text='"social care" insurance')
    assert keys_of(results, corpus) == [10]
    ranked = search(text="care OR robots")
    assert ranked.hits[0].score is not None
    assert [hit.score for hit in ranked.hits] == sorted(
        (hit.score for hit in ranked.hits), reverse=True
    )


def test_snippets_mark_matches_and_escape_the_text(backend, corpus):
    results = search(text="procurement")
    keys = keys_of(results, corpus)
    snippets = {key: hit.snippet for key, hit in zip(keys, results.hits, strict=True)}
    assert "<mark>Procurement</mark>" in snippets[8]
    # Each engine picks its own fragment; any markup in it is escaped.
    assert "<script" not in snippets[8].lower()
    assert "<mark>procurement</mark>" in snippets[3]
    # Found without words: the start of the text, escaped.
    plain = search(filters={"moderation_state": ["rejected"]})
    assert plain.hits[0].snippet.startswith("&lt;script&gt;")
    assert "<mark>" not in plain.hits[0].snippet


def test_hostile_input_gives_results_or_a_message(backend, corpus):
    for text in HOSTILE_QUERIES:
        typed = {"q": text, "organisation": text, "paragraph": text, "date_from": text}
        results = run(FeedbackQuery.from_querydict(typed))
        assert isinstance(results, SearchResults), text
        assert results.total >= len(results.hits), text
        assert results.notice == "", text  # answered, not refused
        for hit in results.hits:
            assert "<script" not in hit.snippet.lower(), text


def test_a_search_asks_the_database_a_fixed_number_of_queries(
    corpus, settings, django_assert_max_num_queries
):
    settings.ELASTICSEARCH_URL = None
    for fields in (
        {"text": "care"},
        {"text": "-insurance", "filters": {"organisation": ["Royal College"]}},
        {"filters": {"paragraph": [str(uuid.uuid4())], "region": ["london"]}},
    ):
        # The matches (in a savepoint: two more), the codes of ticked values, extracts,
        # plain texts, the values and titles of the listed facet values.
        with django_assert_max_num_queries(9):
            search(**fields)


def test_elasticsearch_down_means_the_database_answers_with_a_notice(corpus, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # the discard port: refused at once
    results = search(text="care")
    assert set(keys_of(results, corpus)) == EXPECTED["care"]
    assert results.notice == FALLBACK_NOTICE and results.messages[0] == FALLBACK_NOTICE
