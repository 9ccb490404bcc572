"""The export bench's measurement (bench/exports.py) on a small consultation: it streams
every item in each variant, counts them, and reports a peak of memory. Nothing is timed;
the figures come from running the bench."""

import pytest

from bench import exports
from tests.support.consultation_factories import ConsultationFactory, comment_on

pytestmark = [pytest.mark.bench, pytest.mark.django_db, pytest.mark.shared_site_tree]


def test_each_variant_streams_every_item_and_reports_a_peak(site_tree):
    section = site_tree["section"]
    consultation = ConsultationFactory(slug="bench-export")
    consultation.sections.add(section)
    for n in range(12):
        comment_on(section, consultation=consultation, text=f"Line one {n}\nline two")
    for format_name, anonymised in exports.VARIANTS:
        rows, seconds, peak = exports.measure(consultation, format_name, anonymised)
        assert rows == 12
        assert seconds >= 0 and peak > 0
