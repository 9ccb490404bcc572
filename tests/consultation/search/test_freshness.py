"""The database search keeps every item's facets and time in memory (item_arrays) and
brings them up to date from the change log before each search: an item written, edited,
moderated, withdrawn, purged, imported or deleted is in the very next search's hits and
counts, through the working group's page and through `consultation.search.run`; and a
search asks the database the same number of queries however many items there are or
changed."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from consultation.feedback import sync
from consultation.feedback.models import FeedbackItem
from consultation.imports import services as imports
from consultation.imports.models import ImportBatch
from consultation.models import Comment
from consultation.search import run
from consultation.search.types import FeedbackQuery
from tests.support.consultation_factories import comment_on, paragraph_ids

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]
SEARCH = "/synthesis/"
CSV = (
    "ID,Response,Submitted,Sector\n"
    "r1,Imported thoughts on waiting lists.,2026-03-02,clinician\n"
    "r2,More imported thoughts on waiting lists.,2026-03-03,industry\n"
)


@pytest.fixture(autouse=True)
def _database_backend(settings):
    settings.ELASTICSEARCH_URL = None


def counts(results, facet):
    return {count.value: count.count for count in results.facet(facet).values}


def search(**fields):
    return run(FeedbackQuery(page_size=100, **fields))


def posted(client, consultation, section, text, key):
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"
    response = client.post(url, {"body": text, "key": key})
    assert response.status_code == 302, response.content.decode()
    return Comment.objects.get(idempotency_key=key)


def test_each_change_is_in_the_very_next_search(
    client, section, consultation, stakeholder, moderator, analyst, tmp_path, settings
):
    settings.CONSULTATION_WITHDRAWN_RETENTION_DAYS = 30
    consultation.moderation = "pre"
    consultation.save()
    before = search()  # the arrays are loaded now, before any of what follows
    assert before.total == 0

    client.force_login(stakeholder)
    first = posted(client, consultation, section, "Waiting lists are too long", "a")
    spam = posted(client, consultation, section, "Cheap pills for waiting lists", "b")
    results = search(text="waiting")
    assert results.total == 2 and counts(results, "moderation_state") == {"pending": 2}

    client.post(f"/consultation/comments/{first.pk}/edit/", {"body": "Queues are too long"})
    assert search(text="waiting").total == 1 and search(text="queues").total == 1

    client.force_login(moderator)
    client.post(f"/consultation/moderation/items/{spam.pk}/", {"action": "reject", "reason": "Ad"})
    client.post(f"/consultation/moderation/items/{first.pk}/", {"action": "approve"})
    results = search()
    assert counts(results, "moderation_state") == {"published": 1, "rejected": 1}
    assert counts(results, "in_analysis") == {"true": 1, "false": 1}
    assert search(filters={"in_analysis": ["false"]}).total == 1

    client.force_login(stakeholder)
    assert client.post(first.withdraw_url).status_code == 302
    assert counts(search(), "moderation_state") == {"withdrawn": 1, "rejected": 1}

    path = tmp_path / "responses.csv"
    path.write_text(CSV)
    call_command(
        "import_responses", consultation.slug, str(path),
        "--map", "text=Response,external_id=ID,date=Submitted,sector=Sector",
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
    results = search(text="imported")
    assert results.total == 2
    assert counts(results, "sector") == {"clinician": 1, "industry": 1}
    assert counts(search(), "source_kind") == {"comment": 2, "imported": 2}

    # Through the working group's page, as its people see it.
    client.force_login(analyst)
    html = client.get(SEARCH, {"q": "imported", "sector": "industry"}).content.decode()
    assert "1 result" in html

    imports.batch_undo(batch=ImportBatch.objects.get(), actor=analyst)
    assert search(text="imported").total == 0
    assert counts(search(), "source_kind") == {"comment": 2}

    FeedbackItem.objects.filter(comment=spam).delete()  # as a cascade from its comment would
    assert search().total == 1

    # A rebuild makes the lost item again and empties the log: the next search reloads.
    call_command("reindex_feedback", stdout=io.StringIO())
    assert counts(search(), "moderation_state") == {"withdrawn": 1, "rejected": 1}


def test_a_search_inside_a_transaction_rolled_back_leaves_nothing_behind(section, consultation):
    comment_on(section, consultation=consultation, text="Kept words")
    assert search().total == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        comment_on(section, consultation=consultation, text="Words rolled back")
        comment_on(section, consultation=consultation, text="More words rolled back")
        assert search().total == 3  # the transaction sees its own items
        raise RuntimeError
    # The arrays read inside the transaction held its items: they are not kept.
    assert search().total == 1 and search(text="rolled").total == 0
    comment_on(section, consultation=consultation, text="Newer words")
    assert search().total == 2


def _query_counts(queries):
    """The number of queries of each search in `queries`, run twice (the second time the
    arrays are up to date)."""
    numbers = []
    for fields in queries:
        search(**fields)
        with CaptureQueriesContext(connection) as captured:
            search(**fields)
        numbers.append(len(captured))
    return numbers


QUERIES = (
    {"text": "waiting"},
    {"text": '"waiting lists"', "sort": "newest"},
    {"text": "-waiting"},
    {"filters": {"sector": ["clinician"]}},
    {"date_from": datetime.date(2020, 1, 1)},
)


def test_the_queries_of_a_search_do_not_grow_with_the_items_or_the_changes(section, consultation):
    pids = paragraph_ids(section)

    def add(count):
        return [
            comment_on(
                section, consultation=consultation, text=f"Waiting lists {n}",
                paragraph_id=pids[n % len(pids)],
            )
            for n in range(count)
        ]  # fmt: skip

    add(3)
    few = _query_counts(QUERIES)
    made = add(60)
    many = _query_counts(QUERIES)
    assert few == many

    # After one change or sixty, the first search re-reads them with one query more.
    def rejected(comments):
        Comment.objects.filter(pk__in=[c.pk for c in comments]).update(status="rejected")
        sync.comments_changed(Comment.objects.filter(pk__in=[c.pk for c in comments]))

    rejected(made[:1])
    with CaptureQueriesContext(connection) as one:
        search(text="waiting")
    rejected(made)
    with CaptureQueriesContext(connection) as sixty:
        results = search(text="waiting")
    assert len(one) == len(sixty) == few[0] + 1
    assert counts(results, "moderation_state")["rejected"] == 60
