"""Relevance on SQLite computed with numpy (fts5_rank) is FTS5's own bm25(): the same score
for every matching row, for words, phrases (every pair and triple of adjacent words of the
items, a phrase repeated in one item, overlapping in itself, or with a word of it on its
own), OR, exclusions, words the tokenizer splits, and every line of the hostile corpus,
typed and quoted as a phrase; and it stays the same after an item's text changes (its
length in tokens is re-read through the change log). Searches through
`consultation.search.run` rank the same either way."""

import re

import numpy as np
import pytest
from django.db import connection, transaction

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
    by_id = dict(zip(fts_ids.tolist(), fts_scores.tolist(), strict=True))
    return ids, scores, by_id


def _assert_same_scores(text):
    both = _both(text)
    if both is None:
        return False
    ids, scores, by_id = both
    assert sorted(ids.tolist()) == sorted(by_id), text
    expected = np.array([by_id[i] for i in ids.tolist()])
    np.testing.assert_allclose(scores, expected, rtol=1e-9, atol=1e-12, err_msg=text)
    return len(ids) > 0


def test_scores_are_fts5_bm25(items, always_numpy, monkeypatch):
    asked = []
    monkeypatch.setattr(database.SqliteText, "_bm25", _recording(asked))
    found = [text for text in QUERIES if _assert_same_scores(text)]
    assert len(found) == len(QUERIES)
    # Each query was scored by numpy: _bm25 ran only as the test's reference, once each.
    assert len(asked) == len(QUERIES)


def _recording(asked):
    original = database.SqliteText._bm25

    def bm25(self, match):
        asked.append(match)
        return original(self, match)

    return bm25


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


def test_phrases_score_as_bm25(items, always_numpy, monkeypatch):
    """Every phrase of two and three adjacent words in the items (stop words and
    punctuation inside them included), and phrases repeated or overlapping in an item:
    numpy's score of each match is bm25()'s."""
    asked = []
    monkeypatch.setattr(database.SqliteText, "_bm25", _recording(asked))
    texts = [*CORPUS.values(), *MORE]
    queries = sorted({*_phrases(texts, 2), *_phrases(texts, 3), *PHRASES})
    found = [text for text in queries if _assert_same_scores(text)]
    # Each phrase of an item finds it, but one of stop words only ("of the": a search of
    # nothing); numpy scored each (bm25() ran as the reference only).
    unfound = {text for text in queries if text not in found}
    assert all(set(text.strip('"').lower().split()) <= STOP_WORDS for text in unfound)
    assert len(found) > 200 and len(asked) == len(found)


def test_hostile_phrases_score_as_bm25_or_fall_back(items, always_numpy):
    for text in HOSTILE_QUERIES:
        _assert_same_scores('"' + text.replace('"', " ") + '"')


def test_prefix_and_few_matches_are_left_to_bm25(items, monkeypatch):
    monkeypatch.setattr(fts5_rank, "MOST_OCCURRENCES_PER_MATCH", 10**9)
    for text in ("robot*", "care"):  # a prefix; fewer matches than FEWEST_MATCHES
        ids, scores, by_id = _both(text)
        assert len(ids)
        assert scores.tolist() == [by_id[i] for i in ids.tolist()]
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
