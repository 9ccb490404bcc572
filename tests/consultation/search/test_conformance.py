"""One conformance suite for every search backend: the same feedback items (made as comments
through the services' own sync), the same queries, the same hits, totals and facet counts,
through `consultation.search.run`. It runs on SQLite and on PostgreSQL (the database
backend of each), and on Elasticsearch when ELASTICSEARCH_URL is set (a throwaway index);
hostile input never raises; with Elasticsearch down the database answers, with a notice.

The corpus is analysed as the working group would: themes (a parent, its sub-theme, a
theme with a hostile name), stances, and two of its authors' questionnaire answers; the
facets of all of them count and filter alike on every backend, "No theme" and "Not set"
included."""

import datetime
import os
import uuid

import pytest
from django.utils import timezone

from consultation.feedback.models import FeedbackItem
from consultation.questionnaires.structure import questions_of
from consultation.search import indexing, run
from consultation.search.backends import elasticsearch as es
from consultation.search.backends import extra_facets
from consultation.search.engine import FALLBACK_NOTICE
from consultation.search.types import FACETS, NONE, FeedbackQuery, SearchResults
from tests.support import synthesis_factories as coded
from tests.support.consultation_factories import comment_on, paragraph_ids
from tests.support.factories import ProfileFactory
from tests.support.hostile import HOSTILE_QUERIES
from tests.support.permissions import import_batch
from tests.support.questionnaire_factories import answered, questionnaire_on
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


# The analysis of the corpus: each theme's items (a sub-theme's count under its parent too),
# the stances, and the closed answers of the authors of items 2 and 6 (the author of item 5
# has only a draft, which counts for nothing).
CODED = {"Workforce": {3}, "Training": {1, 4}, "Data": {1, 5, 9}, coded.HOSTILE_THEME: {8}}
STANCES = {1: "supports", 2: "opposes", 3: "supports", 6: "mixed"}
ANSWERED = {2: ("Yes", ("Data", "Skills"), "agree"), 6: ("No", ("Data",), "disagree")}


@pytest.fixture
def analysed(corpus, consultation, section):
    """Themes, codes, stances and answers on the corpus: {"themes": {name: Theme},
    "answers": {key: [answer values]}, "labels": {answer value: label}}."""
    analyst = ProfileFactory().user
    workforce = coded.theme(consultation, "Workforce")
    themes = {
        "Workforce": workforce,
        "Training": coded.theme(consultation, "Training", parent=workforce),
        "Data": coded.theme(consultation, "Data"),
        coded.HOSTILE_THEME: coded.theme(consultation, coded.HOSTILE_THEME),
    }
    for name, keys in CODED.items():
        coded.code(analyst, [corpus[key] for key in keys], themes[name])
    for key, stance in STANCES.items():
        coded.set_stance(corpus[key], stance)
    questionnaire = questionnaire_on(consultation, section=section)
    single, multiple, scale, _free = questions_of(questionnaire)
    answers, labels = {}, {}
    for key, (clear, areas, safety) in ANSWERED.items():
        author = FeedbackItem.objects.get(pk=corpus[key]).author
        answered(questionnaire, author, clear=clear, areas=areas, safety=safety, text="")
        picked = [(single, clear), *((multiple, area) for area in areas), (scale, safety)]
        answers[key] = []
        for question, label in picked:
            option = next(pk for pk, lab in question.choices if label in (pk, lab))
            value = f"{question.id}:{option}"
            answers[key].append(value)
            labels[value] = f"Q{question.number} {question.choice_labels[option]}: {question.text}"
    drafter = FeedbackItem.objects.get(pk=corpus[5]).author
    answered(questionnaire, drafter, clear="No", text="", submit=False)
    return {"themes": themes, "answers": answers, "labels": labels}


def theme_values(analysed):
    """{corpus key: [theme values]}: its themes' ids and their parents' ids."""
    values = {}
    for name, keys in CODED.items():
        theme = analysed["themes"][name]
        for key in keys:
            values.setdefault(key, set()).update(
                str(pk) for pk in (theme.pk, theme.parent_id) if pk
            )
    return values


def reindex(backend):
    """Send every item to the throwaway index again (after items were added)."""
    if backend == "elasticsearch":
        client = es.client()
        items = list(FeedbackItem.objects.all())
        es.index_items(indexing.document_values(items), using=client, refresh=True)


@pytest.fixture(params=["database", "elasticsearch"])
def backend(request, settings, corpus, analysed):
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
    reindex(request.param)
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


def expected_counts(keys, analysed):
    """Each facet's counts for the items `keys`, worked out from the corpus's facets (a
    multi-valued facet's values are a list; a facet with "none of these" counts it)."""
    values = {
        "theme": {k: sorted(theme_values(analysed).get(k, [NONE])) for k in CORPUS},
        "stance": {k: STANCES.get(k, NONE) for k in CORPUS},
        "channel": dict.fromkeys(CORPUS, "website"),
        "answer": analysed["answers"],
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
            for value in of[key] if isinstance(of.get(key), list) else [of.get(key)]:
                if value:
                    counted[value] = counted.get(value, 0) + 1
        counts[facet] = counted
    return counts


def counts_of(results):
    return {f.name: {v.value: v.count for v in f.values if v.count} for f in results.facets}


@pytest.mark.parametrize("text", ["care", "-insurance", "", "robot* -insurance"])
def test_every_facet_is_counted_for_the_current_query(
    backend, corpus, analysed, section, consultation, text
):
    results = search(text=text)
    counts = counts_of(results)
    assert [facet.name for facet in results.facets] == [facet.name for facet in FACETS]
    for facet, expected in expected_counts(EXPECTED[text], analysed).items():
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


def test_every_filter_narrows_the_results(backend, corpus, analysed, section, consultation):
    first = paragraph_ids(section)[0]
    themes = analysed["themes"]
    agreed = analysed["answers"][2][-1]  # item 2's author agreed that safety comes first
    cases = {
        "theme": ([str(themes["Workforce"].pk)], {1, 3, 4}),
        "stance": (["supports"], {1, 3}),
        "channel": (["website"], set(CORPUS)),
        "answer": ([agreed], {2}),
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


def test_themes_and_stance_have_none_and_a_parent_finds_its_sub_themes(backend, corpus, analysed):
    themes = {name: str(theme.pk) for name, theme in analysed["themes"].items()}
    uncoded = set(CORPUS) - {key for keys in CODED.values() for key in keys}
    cases = [
        ({"theme": [NONE]}, uncoded),
        ({"theme": [themes["Workforce"]]}, {1, 3, 4}),  # its own item and its sub-theme's
        ({"theme": [themes["Training"]]}, {1, 4}),  # a sub-theme: only its own
        ({"theme": [themes["Data"], NONE]}, uncoded | {1, 5, 9}),  # OR within a facet
        ({"stance": [NONE]}, set(CORPUS) - set(STANCES)),
        ({"stance": ["supports", "mixed"]}, {1, 3, 6}),
        ({"theme": [themes["Workforce"]], "stance": ["supports"]}, {1, 3}),  # AND across
    ]
    for filters, expected in cases:
        results = search(filters=filters)
        assert set(keys_of(results, corpus)) == expected, filters
        assert results.total == len(expected), filters

    results = search(text="care", filters={"theme": [themes["Workforce"]]})
    assert set(keys_of(results, corpus)) == {1}
    counts = counts_of(results)
    # The theme's own filter left out: every theme's count among "care" (1, 2, 6, 10)...
    assert counts["theme"] == {
        themes["Workforce"]: 1,
        themes["Training"]: 1,
        themes["Data"]: 1,
        NONE: 3,
    }
    # ...and the other facets narrowed to the Workforce items among them.
    assert counts["stance"] == {"supports": 1}
    labels = {v.value: v.label for v in results.facet("theme").values}
    assert labels[themes["Training"]] == "Workforce: Training"
    assert labels[NONE] == "No theme"
    stance = {v.value: v.label for v in search().facet("stance").values}
    assert stance == {
        "supports": "Supports",
        "opposes": "Opposes",
        "mixed": "Mixed",
        NONE: "Not set",
    }
    hostile = search(filters={"theme": [themes[coded.HOSTILE_THEME]]})
    assert keys_of(hostile, corpus) == [8]
    (ticked,) = [v for v in hostile.facet("theme").values if v.selected]
    assert ticked.label == coded.HOSTILE_THEME  # the name as typed; the page escapes it


def test_answers_are_facets_of_their_respondents_items(backend, corpus, analysed):
    answers, labels = analysed["answers"], analysed["labels"]
    yes, areas_data = answers[2][0], answers[2][1]
    assert areas_data == answers[6][1]  # both chose Data
    results = search(filters={"answer": [areas_data]})
    assert set(keys_of(results, corpus)) == {2, 6}
    found = {v.value: (v.label, v.count) for v in results.facet("answer").values}
    assert found[yes] == (labels[yes], 1)
    assert found[areas_data] == (labels[areas_data], 2)
    assert labels[yes].startswith("Q1 Yes: ")
    # A draft's answers count for nothing: item 5's author chose "No" but never submitted.
    no = answers[6][0]
    assert set(keys_of(search(filters={"answer": [no]}), corpus)) == {6}
    both = search(filters={"answer": [yes, no]})  # OR within the facet
    assert set(keys_of(both, corpus)) == {2, 6}
    assert set(keys_of(search(filters={"answer": [yes], "stance": ["mixed"]}), corpus)) == set()


def test_answer_items_and_imported_items_carry_their_channel_and_answers(
    backend, corpus, analysed, consultation, section
):
    """A free-text answer's item carries its own response's closed answers; an imported
    response's item its channel. The values stay when the question is reworded."""
    questionnaire = consultation.questionnaire
    respondent = ProfileFactory().user
    answered(questionnaire, respondent, clear="Not sure", areas=("Funding",), text="Fund it")
    answer_item = FeedbackItem.objects.get(source_kind="answer")
    import_batch(consultation, imported=True)
    imported = FeedbackItem.objects.get(source_kind="imported")
    reindex(backend)

    channels = counts_of(search())["channel"]
    assert channels == {"website": len(CORPUS) + 1, "csv": 1}
    assert [h.item_id for h in search(filters={"channel": ["csv"]}).hits] == [imported.pk]
    assert search(filters={"channel": ["email"]}).total == 0
    single = questions_of(questionnaire)[0]
    not_sure = next(f"{single.id}:{pk}" for pk, label in single.choices if label == "Not sure")
    results = search(filters={"answer": [not_sure]})
    assert [h.item_id for h in results.hits] == [answer_item.pk]
    assert counts_of(results)["theme"] == {NONE: 1}

    # Reworded, the question keeps its id: the same value, the new words in its label.
    pages = questionnaire.pages.raw_data
    pages[0]["value"]["questions"][0]["value"]["text"] = "Is the vision plain?"
    questionnaire.pages = pages
    questionnaire.save()
    reworded = search(filters={"answer": [not_sure]})
    assert [h.item_id for h in reworded.hits] == [answer_item.pk]
    (ticked,) = [v for v in reworded.facet("answer").values if v.selected]
    assert ticked.label == "Q1 Not sure: Is the vision plain?"


def test_many_matches_read_each_source_whole_with_the_same_counts(
    corpus, analysed, settings, monkeypatch
):
    """Past ID_LIST_LIMIT matches the database backend reads a source's rows whole and
    sifts them: the same hits and counts as with the list of ids."""
    settings.ELASTICSEARCH_URL = None
    themes = analysed["themes"]
    queries = [
        {"text": "care"},
        {"filters": {"theme": [str(themes["Workforce"].pk), NONE]}},
        {"filters": {"answer": analysed["answers"][6][:1], "stance": ["mixed", NONE]}},
    ]
    listed = [search(**fields) for fields in queries]
    monkeypatch.setattr(extra_facets, "ID_LIST_LIMIT", 0)
    for fields, expected in zip(queries, listed, strict=True):
        whole = search(**fields)
        assert keys_of(whole, corpus) == keys_of(expected, corpus), fields
        assert counts_of(whole) == counts_of(expected), fields


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
    corpus, analysed, settings, django_assert_max_num_queries
):
    settings.ELASTICSEARCH_URL = None
    themes = analysed["themes"]
    for fields in (
        {"text": "care"},
        {"text": "-insurance", "filters": {"organisation": ["Royal College"]}},
        {"filters": {"paragraph": [str(uuid.uuid4())], "region": ["london"]}},
        {"filters": {"theme": [str(themes["Workforce"].pk), NONE], "stance": [NONE]}},
        {"filters": {"answer": analysed["answers"][2][:1]}},
    ):
        # The matches (in a savepoint: two more), the codes of ticked values, extracts,
        # plain texts, the values and titles of the listed facet values (9); the themes,
        # stances and answers of the matches (3), the themes' names, the questionnaires
        # and the sections their pages are about (3); the change log of the items' arrays
        # (1: search.backends.item_changes); on SQLite, for a word, its count in the index
        # and a look for the connection's temporary tables (2: fts5_rank).
        # A connection's first search also loads the arrays and makes those tables, and
        # a process's first tokenizes the query's words: ten more at most.
        with django_assert_max_num_queries(27):
            search(**fields)
        with django_assert_max_num_queries(17):
            search(**fields)


def test_elasticsearch_down_means_the_database_answers_with_a_notice(corpus, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # the discard port: refused at once
    results = search(text="care")
    assert set(keys_of(results, corpus)) == EXPECTED["care"]
    assert results.notice == FALLBACK_NOTICE and results.messages[0] == FALLBACK_NOTICE
