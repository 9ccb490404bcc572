"""Relevance on SQLite computed with numpy (fts5_rank) is FTS5's own bm25(): the same score
for every matching row, for words, phrases (every pair and triple of adjacent words of the
items, a phrase repeated in one item, overlapping in itself, or with a word of it on its
own), OR, exclusions, words the tokenizer splits, and every line of the hostile corpus,
typed and quoted as a phrase; and it stays the same after an item's text changes (its
length in tokens is re-read through the change log). Searches through
`consultation.search.run` rank the same either way."""

import dataclasses
import datetime
import re

import numpy as np
import pytest
from django.db import connection, transaction
from django.utils import timezone

from consultation.feedback.models import FeedbackItem
from consultation.search import run
from consultation.search.backends import database, fts5_rank, item_arrays, item_index
from consultation.search.query import STOP_WORDS
from consultation.search.types import FeedbackQuery
from tests.support.consultation_factories import comment_on
from tests.support.hostile import HOSTILE_QUERIES
from tests.support.search_corpus import CORPUS

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.shared_site_tree,
    pytest.mark.skipif("connection.vendor != 'sqlite'"),
]

MORE = [
    "Care, care and more care: care homes need care staff who care.",
    "Social care social care social care.",
    "The e-mail about e-mail data was long, and the nurse read every e-mail twice over.",
    "Robots in care homes: robots lifting, robots talking, care staff watching robots.",
    "A short one about care.",
    "Care care care care: the phrase care care overlaps itself.",
    "Care homes, care homes and more care homes; homes of care.",
]
QUERIES = [
    "care",
    "robots",
    "care staff",
    '"social care"',
    '"care homes" robots',
    "nurse OR midwife",
    "care OR robots",
    "care -insurance",
    '"care staff" OR e-mail',
    "e-mail",
    "care care",
    "café résumé",
    "Cafe resume",
]


@pytest.fixture
def items(section, consultation, settings):
    settings.ELASTICSEARCH_URL = None
    for text in [*CORPUS.values(), *MORE]:
        comment_on(section, consultation=consultation, text=text)
    return FeedbackItem.objects.count()


@pytest.fixture
def always_numpy(monkeypatch):
    """fts5_rank on every query it can compute, however few its matches."""
    monkeypatch.setattr(fts5_rank, "FEWEST_MATCHES", 0)
    monkeypatch.setattr(fts5_rank, "MOST_OCCURRENCES_PER_MATCH", 10**9)


def _both(text):
    """(ids, numpy scores, FTS5 bm25 scores by id) of `text`; numpy scores None when
    fts5_rank leaves the query to bm25()."""
    sqlite_text = database.SqliteText(FeedbackQuery(text=text))
    if sqlite_text.match.include is None:
        return None
    with transaction.atomic():
        arrays = item_arrays.current(connection)
        _kind, ids, scores = sqlite_text.found(arrays)
        fts_ids, fts_scores = sqlite_text._bm25(sqlite_text.match.include)
    if callable(scores):  # left to bm25(), read from the index best first
        scores = None
    by_id = dict(zip(fts_ids.tolist(), fts_scores.tolist(), strict=True))
    return ids, scores, by_id


def _assert_same_scores(text, *, by_numpy=False):
    """Asserts numpy's scores of `text` are bm25()'s (and that numpy scored it, when
    `by_numpy`); whether it found anything."""
    both = _both(text)
    if both is None:
        return False
    ids, scores, by_id = both
    assert sorted(ids.tolist()) == sorted(by_id), text
    if scores is None:
        assert not by_numpy, f"{text} was left to bm25()"
        return len(ids) > 0
    expected = np.array([by_id[i] for i in ids.tolist()])
    np.testing.assert_allclose(scores, expected, rtol=1e-9, atol=1e-12, err_msg=text)
    return len(ids) > 0


def test_scores_are_fts5_bm25(items, always_numpy):
    found = [text for text in QUERIES if _assert_same_scores(text, by_numpy=True)]
    assert len(found) == len(QUERIES)


def test_a_word_alone_is_matched_by_its_occurrences(items, always_numpy, monkeypatch):
    """A query of one word takes its matches and their scores from the word's occurrences,
    without asking FTS5 to match it as well; any other query asks."""
    asked = []
    original = database.SqliteText._ids

    def spy(self, match):
        asked.append(match)
        return original(self, match)

    monkeypatch.setattr(database.SqliteText, "_ids", spy)
    for text in ("care", "Robots", "café"):
        assert _assert_same_scores(text, by_numpy=True)
    assert asked == []
    for text in ("care robots", "e-mail", "care -insurance", '"care homes"'):
        assert _assert_same_scores(text, by_numpy=True)
    assert len(asked) == 4


def test_hostile_queries_score_as_bm25_or_fall_back(items, always_numpy):
    for text in HOSTILE_QUERIES:
        _assert_same_scores(text)


def _phrases(texts, width):
    for text in texts:
        words = re.findall(r"[\w'-]+", text)
        for start in range(len(words) - width + 1):
            yield '"' + " ".join(words[start : start + width]) + '"'


PHRASES = [
    '"care care"',
    '"care care care"',
    '"care homes" care',
    '"care homes" OR "care staff"',
    '"care homes" -robots',
    '"social care" "care staff"',
    '"homes of care"',
]


def test_phrases_score_as_bm25(items, always_numpy):
    """Every phrase of two and three adjacent words in the items (stop words and
    punctuation inside them included), and phrases repeated or overlapping in an item:
    numpy's score of each match is bm25()'s."""
    texts = [*CORPUS.values(), *MORE]
    queries = sorted({*_phrases(texts, 2), *_phrases(texts, 3), *PHRASES})
    found = [text for text in queries if _assert_same_scores(text, by_numpy=True)]
    # Each phrase of an item finds it, but one of stop words only ("of the": a search of
    # nothing); numpy scored each.
    unfound = {text for text in queries if text not in found}
    assert all(set(text.strip('"').lower().split()) <= STOP_WORDS for text in unfound)
    assert len(found) > 200


@pytest.mark.parametrize(("recount_cost", "most_recounted"), [(0, 10**9), (10**9, 10**9), (0, 0)])
def test_a_phrase_is_counted_again_only_where_its_rarest_word_repeats(
    items, always_numpy, monkeypatch, recount_cost, most_recounted
):
    """A phrase's frequency is read from its rarest word's occurrences; the rows where
    that word occurs more often than the phrase holds it are tokenized again, or, when
    that would cost more (or name too many rows), its other words' occurrences are read:
    the same scores each way."""
    monkeypatch.setattr(fts5_rank, "RECOUNT_COST", recount_cost)
    monkeypatch.setattr(fts5_rank, "MOST_RECOUNTED", most_recounted)
    recounted = []
    original = fts5_rank._recounted

    def spy(cursor, index, rows, terms):
        recounted.append((terms, sorted(rows.tolist())))
        return original(cursor, index, rows, terms)

    monkeypatch.setattr(fts5_rank, "_recounted", spy)
    for text in ('"social care"', '"care care"', '"care homes" OR "social care"'):
        assert _assert_same_scores(text, by_numpy=True)
    if recount_cost or not most_recounted:
        assert recounted == []
        return
    repeated = FeedbackItem.objects.get(text__startswith="Social care social care")
    assert recounted[0] == (("social", "care"), [repeated.pk])
    thrice = {  # "care" twice in the phrase: a row with it more often may hold it twice
        item.pk
        for item in FeedbackItem.objects.all()
        if len(re.findall(r"\bcare\b", item.text, flags=re.IGNORECASE)) > 2
    }
    assert recounted[1][0] == ("care", "care") and set(recounted[1][1]) <= thrice
    assert recounted[1][1]


def test_the_cost_of_a_phrase_decides_between_numpy_and_bm25(items, monkeypatch):
    """A phrase is read by numpy when its expected reads (its rarest word's occurrences,
    plus rows to count again, or all its words' occurrences) are within the budget for
    its matches."""
    monkeypatch.setattr(fts5_rank, "FEWEST_MATCHES", 0)
    counts = {"social": (4, 2), "care": (40, 20), "homes": (8, 8)}
    assert fts5_rank._reads(("care",), counts) == 40
    assert fts5_rank._reads(("homes", "care"), counts) == 8  # each row holds "homes" once
    assert fts5_rank._reads(("social", "care"), counts) == 44  # 4 + 80 x 2 > 4 + 40
    assert fts5_rank._reads(("care", "care"), counts) == 40
    monkeypatch.setattr(fts5_rank, "MOST_OCCURRENCES_PER_MATCH", 0.01)
    assert _both('"social care"')[1] is None
    monkeypatch.setattr(fts5_rank, "MOST_OCCURRENCES_PER_MATCH", 10**9)
    assert _both('"social care"')[1] is not None


def test_hostile_phrases_score_as_bm25_or_fall_back(items, always_numpy):
    for text in HOSTILE_QUERIES:
        _assert_same_scores('"' + text.replace('"', " ") + '"')


def test_prefix_and_few_matches_are_left_to_bm25(items, monkeypatch):
    monkeypatch.setattr(fts5_rank, "MOST_OCCURRENCES_PER_MATCH", 10**9)
    for text in ("robot*", "care"):  # a prefix; fewer matches than FEWEST_MATCHES
        ids, scores, by_id = _both(text)
        assert len(ids) and scores is None
    with connection.cursor() as cursor:
        ids = np.array(sorted(by_id), dtype=np.int64)
        arrays = item_arrays.current(connection)
        parsed = FeedbackQuery(text="robot*").parsed
        assert fts5_rank.scores(cursor, item_index.FTS, parsed, ids, arrays) is None


def test_scores_follow_a_changed_text(items, always_numpy):
    assert _assert_same_scores("care")  # the arrays are loaded
    longest = FeedbackItem.objects.filter(text__contains="Care, care").get()
    FeedbackItem.objects.filter(pk=longest.pk).update(text="care")
    shortest = FeedbackItem.objects.filter(text="A short one about care.").get()
    FeedbackItem.objects.filter(pk=shortest.pk).update(text="A short one about care. " * 20)
    assert _assert_same_scores("care")
    assert _assert_same_scores("care staff")


def _ranked(queries):
    return [[hit.item_id for hit in run(FeedbackQuery(text=text)).hits] for text in queries]


def test_searches_rank_the_same_as_with_bm25(items, always_numpy, monkeypatch):
    by_numpy = _ranked(QUERIES)
    monkeypatch.setattr(fts5_rank, "scores", lambda *args: None)
    assert by_numpy == _ranked(QUERIES)
    assert all(by_numpy)


def test_pages_ranked_by_the_index_are_those_of_a_full_sort(
    section, consultation, settings, monkeypatch
):
    """Relevance left to bm25() is read from the index only as far as a page needs (its
    best rows, twice as many as the filters' share of them would need, then all of them if
    that falls short): every page holds what sorting every match would, under a date filter
    that keeps the rows bm25() ranks lowest, and a download holds every match in order."""
    settings.ELASTICSEARCH_URL = None
    monkeypatch.setattr(database, "FEWEST_BEST", 1)
    first_day = timezone.now() - datetime.timedelta(days=3)
    for words in range(100):  # the longer, the lower bm25() ranks it
        late = words >= 60
        comment_on(
            section,
            consultation=consultation,
            text="Care " + "and more words " * words,
            created_at=first_day + datetime.timedelta(days=2 if late else 0),
        )
    later = timezone.localdate(first_day + datetime.timedelta(days=2))
    query = FeedbackQuery(text="car*", date_from=later, page_size=10)
    reads = []
    original = database.SqliteText._bm25

    def recorded(self, match, limit=None):
        reads.append(limit)
        return original(self, match, limit)

    monkeypatch.setattr(database.SqliteText, "_bm25", recorded)
    text = database.SqliteText(query)
    whole = zip(*original(text, text.match.include), strict=True)
    late = set(
        FeedbackItem.objects.filter(
            created_at__gte=first_day + datetime.timedelta(days=1)
        ).values_list("pk", flat=True)
    )
    expected = [(i, score) for i, score in whole if i in late]
    assert len(expected) == 40
    pages = []
    for page in range(1, 5):
        results = run(dataclasses.replace(query, page=page))
        assert results.total == 40
        pages += [(hit.item_id, hit.score) for hit in results.hits]
    assert pages == expected
    # Page 1 asked for the best 50 (2 x 10 x 100 / 40), none of which passed the filter,
    # then for all of them.
    assert reads[:2] == [50, None]
    assert database.matching_ids(query) == [i for i, _score in expected]


def test_occurrences_are_counted_and_intersected_in_any_order():
    """The "instance" table gives occurrences in row and offset order; should it not, they
    are sorted first, and empty ones are handled."""
    rows = np.array([7, 3, 3, 9, 7, 3], dtype=np.int64)
    values, counts = fts5_rank._counted(fts5_rank._sorted(rows))
    assert values.tolist() == [3, 7, 9] and counts.tolist() == [3, 2, 1]
    empty = np.zeros(0, dtype=np.int64)
    assert [part.tolist() for part in fts5_rank._counted(empty)] == [[], []]
    larger = np.array([1, 4, 6, 8, 10], dtype=np.int64)
    assert fts5_rank._common(np.array([0, 4, 8, 11]), larger).tolist() == [4, 8]
    assert fts5_rank._common(np.array([4]), empty).tolist() == []
