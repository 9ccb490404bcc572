"""PostgreSQL's table of each item's lexeme counts (item_terms): the triggers keep it equal
to the items' tsvectors through every kind of write, reindexing makes it again, and a
search for one word, which reads its matches from it, finds and orders them as matching
and ranking the tsvector do."""

import pytest
from django.db import connection

from consultation.feedback.models import FeedbackItem
from consultation.search import indexing, run
from consultation.search.types import FeedbackQuery
from tests.support.consultation_factories import comment_on

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db,
    pytest.mark.shared_site_tree,
]


def _rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted(cursor.fetchall())


def _terms():
    return _rows("SELECT lexeme, item_id, occurrences FROM feedback_itemterm")


def _from_vectors():
    return _rows(
        "SELECT u.lexeme, i.id, COALESCE(array_length(u.positions, 1), 1) "
        "FROM feedback_feedbackitem AS i, unnest(i.search_vector) AS u"
    )


def _count(item_id, lexeme):
    return {(lex, item): n for lex, item, n in _terms()}.get((lexeme, item_id))


@pytest.fixture
def two_items(section, consultation, settings):
    settings.ELASTICSEARCH_URL = None
    first = comment_on(
        section, consultation=consultation, text="Care homes need care, and care costs."
    ).feedback_item.pk
    second = comment_on(
        section, consultation=consultation, text="Sharing data needs consent."
    ).feedback_item.pk
    return first, second


def test_the_terms_follow_every_write_to_the_items(two_items):
    first, second = two_items
    assert _terms() == _from_vectors()
    assert _count(first, "care") == 3 and _count(second, "consent") == 1
    FeedbackItem.objects.filter(pk=first).update(text="Nursing care")
    assert _count(first, "care") == 1 and _count(first, "home") is None
    assert _terms() == _from_vectors()
    # An update that leaves the text alone leaves the terms alone.
    FeedbackItem.objects.filter(pk=second).update(in_analysis=False)
    assert _terms() == _from_vectors()
    # Many rows at once, one statement.
    FeedbackItem.objects.update(text="Robots in radiology, robots everywhere")
    assert _count(first, "robot") == 2 and _count(second, "robot") == 2
    assert _terms() == _from_vectors()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM feedback_feedbackitem WHERE id = %s", [second])
    assert {item for _lexeme, item, _n in _terms()} == {first}
    assert _terms() == _from_vectors()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no check pending: TRUNCATE may run
        cursor.execute("TRUNCATE feedback_feedbackitem CASCADE")
    assert _terms() == []


def test_reindexing_makes_the_terms_again(two_items):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM feedback_itemterm WHERE lexeme = 'care'")
        cursor.execute("UPDATE feedback_itemterm SET occurrences = 9")
    assert _terms() != _from_vectors()
    indexing.rebuild_database_index()
    assert _terms() == _from_vectors()


def _ranked_by_the_vectors(word):
    """Ids of the items matching `word`, by ts_rank_cd, the later id first on a tie."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM feedback_feedbackitem "
            "WHERE search_vector @@ plainto_tsquery('english', %s) "
            "ORDER BY ts_rank_cd(search_vector, plainto_tsquery('english', %s)) DESC, id DESC",
            [word, word],
        )
        return [row[0] for row in cursor.fetchall()]


def test_one_word_finds_and_orders_as_the_vectors_do(section, consultation, settings):
    settings.ELASTICSEARCH_URL = None
    for occurrences in (1, 3, 2, 1, 4, 2):
        for padding in (0, 5):
            words = ["caring"] * occurrences + ["nurses"] * padding + ["and", "CARE!"]
            comment_on(section, consultation=consultation, text=" ".join(words))
    comment_on(section, consultation=consultation, text="Nothing about it here.")
    for word in ("care", "cares", "nurse", "absent"):
        expected = _ranked_by_the_vectors(word)
        results = run(FeedbackQuery(text=word, page_size=50))
        assert [hit.item_id for hit in results.hits] == expected, word
        assert results.total == len(expected)
        newest = run(FeedbackQuery(text=word, sort="newest", page_size=50))
        assert {hit.item_id for hit in newest.hits} == set(expected)
    assert len(_ranked_by_the_vectors("care")) == 12
