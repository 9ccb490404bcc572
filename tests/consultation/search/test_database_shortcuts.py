"""What the database backend remembers or skips to be quick gives the same answers: a page
picked without sorting every match is the page from sorting them all, ties on the sort key
included (the later id first, the earlier for "oldest"), for every page and sort; and the
paragraph numbers it remembers per section body follow a body that changed."""

import types

import numpy as np
import pytest

from consultation.search import run
from consultation.search.backends import database
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
