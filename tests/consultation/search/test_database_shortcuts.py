"""What the database backend remembers or skips to be quick gives the same answers: a page
picked without sorting every match is the page from sorting them all, ties on the sort key
included (the later id first, the earlier for "oldest"), for every page and sort; and the
paragraph numbers it remembers per section body follow a body that changed; the facet
columns it decodes once per arrays count as the items say, and follow an item that
changed."""

import types

import numpy as np
import pytest
from django.db import connection

from consultation.feedback import sync
from consultation.feedback.models import FeedbackItem
from consultation.models import Comment, Status
from consultation.search import run
from consultation.search.backends import database, item_arrays
from consultation.search.types import FeedbackQuery
from tests.support.consultation_factories import comment_on, paragraph_ids
from tests.support.pages import publish


def _fully_sorted(ids, keys, sort):
    if sort == "oldest":
        return ids[np.lexsort((ids, keys))]
    return ids[np.lexsort((-ids, -keys))]


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_a_page_is_what_sorting_every_match_gives(sort):
    rng = np.random.default_rng(0)
    ids = rng.permutation(np.arange(1, 1_001, dtype=np.int64))
    keys = rng.integers(0, 30, size=len(ids)).astype(np.float64)  # many ties
    matches = types.SimpleNamespace(ids=ids, keys=keys)
    every = rng.random(len(ids)) < 0.8
    expected = _fully_sorted(ids[every], keys[every], sort).tolist()
    for page in (1, 2, 7, 40, 41):
        query = types.SimpleNamespace(effective_sort=sort, offset=(page - 1) * 20, page_size=20)
        page_ids, page_keys = database._page(matches, every, query)
        assert page_ids == expected[query.offset : query.offset + 20], (sort, page)
        by_id = dict(zip(ids.tolist(), keys.tolist(), strict=True))
        assert page_keys == [by_id[i] for i in page_ids]


@pytest.mark.django_db
@pytest.mark.shared_site_tree
def test_paragraph_labels_follow_a_reordered_section(section, consultation, settings):
    """Paragraph numbers are remembered per section body: a new body numbers them anew."""
    settings.ELASTICSEARCH_URL = None
    _first, second = paragraph_ids(section)
    comment_on(section, consultation=consultation, paragraph_id=second, text="Reordered words")

    def label():
        (value,) = run(FeedbackQuery(text="reordered")).facet("paragraph").values
        return value.label

    assert label() == f"{section.title}, paragraph 2"
    blocks = [dict(block) for block in section.body.raw_data]
    section.body = [blocks[1], blocks[0], *blocks[2:]]
    publish(section)
    assert label() == f"{section.title}, paragraph 1"


def _counted(results, facet):
    return {value.value: value.count for value in results.facet(facet).values if value.count}


def _expected(items, facet, **wanted):
    counted = {}
    for item in items.filter(**wanted):
        value = getattr(item, facet)
        counted[value] = counted.get(value, 0) + 1
    return counted


@pytest.mark.django_db
@pytest.mark.shared_site_tree
def test_facets_decoded_once_count_as_the_items_say(section, consultation, settings):
    """Filters only (every item) and with a filter, each facet counted by the disjunctive
    rule from the columns decoded once per arrays; kept while nothing changes, decoded
    again when an item's facets change."""
    settings.ELASTICSEARCH_URL = None
    statuses = [Status.PUBLISHED] * 4 + [Status.REJECTED] * 2 + [Status.PENDING]
    comments = [
        comment_on(section, consultation=consultation, text=f"View {n}", status=status)
        for n, status in enumerate(statuses)
    ]
    comment_on(section, consultation=consultation, parent=comments[0], text="A reply")
    items = FeedbackItem.objects.all()
    everything = run(FeedbackQuery(filters={"in_analysis": ["true", "false"]}))
    assert _counted(everything, "moderation_state") == _expected(items, "moderation_state")
    assert _counted(everything, "source_kind") == _expected(items, "source_kind")
    published = run(FeedbackQuery(filters={"moderation_state": ["published"]}))
    assert published.total == 5
    # Its own facet ignores its filter; the others count the published items only.
    assert _counted(published, "moderation_state") == _expected(items, "moderation_state")
    assert _counted(published, "source_kind") == {"comment": 4, "reply": 1}
    decoded = item_arrays.current(connection).facets
    assert item_arrays.current(connection).facets is decoded  # nothing changed: kept

    Comment.objects.filter(pk=comments[-1].pk).update(status=Status.PUBLISHED)
    sync.comment_saved(Comment.objects.get(pk=comments[-1].pk))
    assert item_arrays.current(connection).facets is not decoded
    published = run(FeedbackQuery(filters={"moderation_state": ["published"]}))
    assert published.total == 6
    assert _counted(published, "moderation_state") == _expected(items, "moderation_state")


@pytest.mark.django_db
@pytest.mark.shared_site_tree
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's storage")
def test_a_long_items_vector_stays_whole_in_its_row(section, consultation):
    """Ranking reads the vector of every match: to make room in a long item's row, its text
    is compressed before its vector (item_index.storage_sql)."""
    rng = np.random.default_rng(0)
    syllables = ["ca", "re", "ho", "spi", "tal", "nur", "se", "da", "ta", "ser", "vi", "ce"]
    words = [
        prefix + "".join(rng.choice(syllables, size=3))
        for prefix in ("health", "social", "nursing")
        for _ in range(22)
    ]
    comment = comment_on(section, consultation=consultation, text=" ".join(words))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(search_vector), pg_column_size(search_vector), "
            "pg_column_compression(text) "
            "FROM feedback_feedbackitem WHERE comment_id = %s",
            [comment.pk],
        )
        vector_compression, vector_size, text_compression = cursor.fetchone()
    # The row was over the toast threshold: the text was compressed, the vector was not
    # (with the default storage, the vector, the wider, was compressed).
    assert (vector_compression, text_compression) == (None, "pglz")
    assert vector_size > 1_000
    (hit,) = run(FeedbackQuery(text=words[40])).hits
    assert hit.item_id == comment.feedback_item.pk
