"""`manage.py reindex_feedback`: items rebuilt from their sources (a stale or lost item is
made right), the database's full-text index rebuilt (a lost index row is found again), a
progress bar and the rate printed; with Elasticsearch unreachable it says so clearly after
rebuilding what it could."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultation.feedback.models import FeedbackItem
from consultation.search import indexing, run
from consultation.search.backends import item_index
from consultation.search.types import FeedbackQuery
from tests.support.consultation_factories import comment_on, post_in

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


def found(text):
    return {hit.item_id for hit in run(FeedbackQuery(text=text, page_size=100)).hits}


@pytest.fixture
def written(section, consultation, topic, settings):
    settings.ELASTICSEARCH_URL = None
    comments = [
        comment_on(section, consultation=consultation, text=f"Robots in care homes {n}")
        for n in range(5)
    ]
    comments.append(post_in(topic, title="Night shifts", text="Rotas and robots"))
    return comments


def test_reindex_rebuilds_stale_and_lost_items(written):
    stale, lost = written[0], written[1]
    FeedbackItem.objects.filter(comment=stale).update(text="nothing here", moderation_state="x")
    FeedbackItem.objects.filter(comment=lost).delete()
    assert len(found("robots")) == 4

    output = io.StringIO()
    call_command("reindex_feedback", stdout=output)

    assert FeedbackItem.objects.count() == 6
    item = FeedbackItem.objects.get(comment=stale)
    assert (item.text, item.moderation_state) == ("Robots in care homes 0", "published")
    assert FeedbackItem.objects.get(comment=lost).text == "Robots in care homes 1"
    assert len(found("robots")) == 6 and len(found('"night shifts"')) == 1
    printed = output.getvalue()
    assert "Items [" + "#" * 30 + "] 6/6" in printed
    assert "Feedback items rebuilt: 6 in" in printed and "items/s" in printed
    assert "Database search index rebuilt" in printed


def _item_updates(queries):
    # executemany is logged as "N times: UPDATE ..."
    return [q["sql"] for q in queries if 'UPDATE "feedback_feedbackitem"' in q["sql"]]


def test_a_rebuild_writes_only_what_differs(written):
    """Items found as their sources say are not written; a stale hash is written alone
    (setting the text too rewrote every index over it, and PostgreSQL's tsvector)."""
    with CaptureQueriesContext(connection) as queries:
        assert indexing.rebuild_items() == 6
    assert _item_updates(queries.captured_queries) == []

    FeedbackItem.objects.update(text_hash="")
    with CaptureQueriesContext(connection) as queries:
        indexing.rebuild_items()
    (update,) = _item_updates(queries.captured_queries)
    assert '"text_hash"' in update and '"text"' not in update.replace('"text_hash"', "")
    assert "needs_indexing" not in update and "facet_bits" not in update
    assert FeedbackItem.objects.filter(text_hash="").count() == 0
    assert len(found("robots")) == 6


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's vector is generated")
def test_reindex_repairs_the_full_text_index(written):
    item = FeedbackItem.objects.get(comment=written[2])
    fts = item_index.FTS.name
    with connection.cursor() as cursor:
        # Drop the item from the index alone, as a crash in an older version might have.
        cursor.execute(
            f"INSERT INTO {fts}({fts}, rowid, text) VALUES ('delete', %s, %s)",  # noqa: S608
            [item.pk, item.text],
        )
    assert item.pk not in found("robots")
    call_command("reindex_feedback", "--index-only", stdout=io.StringIO())
    assert item.pk in found("robots")


def test_unreachable_elasticsearch_is_reported_after_the_database_is_rebuilt(written, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    FeedbackItem.objects.filter(comment=written[0]).delete()
    with pytest.raises(CommandError, match="Elasticsearch could not be reached"):
        call_command("reindex_feedback", stdout=io.StringIO())
    assert FeedbackItem.objects.count() == 6


def test_nothing_is_pending_without_elasticsearch(written):
    assert indexing.index_pending() == 0
    assert FeedbackItem.objects.filter(needs_indexing=True).count() == 6
