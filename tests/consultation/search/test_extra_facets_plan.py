"""The query plans of the extra facets' reads on SQLite: read whole (many matches), the
answers' read starts from what carries answers, never from a scan of every item (which
cost 130 ms a search at 100,000 items when the questionnaire tables were empty)."""

import numpy as np
import pytest
from django.db import connection

from consultation.search.backends import extra_facets

pytestmark = pytest.mark.django_db


def _plan(statement):
    sql, params = statement
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return [row[-1] for row in cursor.fetchall()]


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_answers_read_whole_never_scans_the_items():
    ids = np.arange(1, extra_facets.ID_LIST_LIMIT + 2, dtype=np.int64)
    plan = _plan(extra_facets.response_sql(ids))
    scans = [step for step in plan if step.startswith("SCAN")]
    assert scans, plan
    assert not [step for step in scans if step.startswith("SCAN i")], plan
    # The answer items through their own index; the responses first, then their items.
    assert any("(answer_source_id>?)" in step for step in plan), plan
    assert "SCAN r" in scans, plan
