"""The synthesis facets bench (bench/synthesis_facets.py) on a small consultation: its
codebook, codes, stances and answers are made through the services, the searches it
times count the facets, and its baseline (the sources read as empty) finds the same items
without them. Nothing is timed; the figures come from running the bench."""

import random

import pytest

from bench import synthesis_facets as bench
from consultation.search import run
from consultation.search.backends import extra_facets
from consultation.search.types import NONE, FeedbackQuery
from tests.support.consultation_factories import ConsultationFactory, comment_on
from tests.support.factories import ProfileFactory

pytestmark = [pytest.mark.bench, pytest.mark.django_db, pytest.mark.shared_site_tree]


def test_the_analysis_is_counted_and_the_baseline_finds_the_same_items(
    site_tree, settings, monkeypatch
):
    settings.ELASTICSEARCH_URL = None
    section = site_tree["section"]
    consultation = ConsultationFactory(slug="bench-facets")
    consultation.sections.add(section)
    people = [ProfileFactory().user for _ in range(3)]
    rng = random.Random(0)
    themes = bench.codebook(consultation)
    answers = bench.questionnaire_answers(consultation, people, rng)
    items = [
        comment_on(section, consultation=consultation, author=people[n % 3]).feedback_item.pk
        for n in range(20)
    ]
    bench.analyse(consultation, people, items, rng)
    assert len(themes) == 20 and len(answers) == 2

    full = run(FeedbackQuery(page_size=100))
    counts = {f.name: {v.value: v.count for v in f.values} for f in full.facets}
    assert sum(counts["answer"].values()) == 40  # each author answered both closed questions
    assert counts["theme"][NONE] == 20 - round(20 * bench.CODED_SHARE)
    assert sum(n for value, n in counts["stance"].items() if value != NONE) == 6

    monkeypatch.setattr(extra_facets, "LOADERS", bench.empty_loaders())
    baseline = run(FeedbackQuery(page_size=100))
    assert [hit.item_id for hit in baseline.hits] == [hit.item_id for hit in full.hits]
    assert {v.value: v.count for v in baseline.facet("theme").values} == {NONE: 20}
    assert baseline.facet("answer").values == ()
