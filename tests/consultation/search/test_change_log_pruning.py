"""The feedback item change log is pruned, on a schedule (`manage.py prune_item_changes`)
and when a process sees it pass PRUNE_EVERY rows, keeping its newest rows: a process that
searched since carries on from where it was, reading only what changed; one whose last look
is older than the rows removed loads everything again, and never misses a change (on
PostgreSQL, where rows commit in any order, a row left by the prune says so). Committed
transactions, so `transaction=True`."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultation.search import run
from consultation.search.backends import item_arrays, item_changes
from consultation.search.types import FeedbackQuery
from tests.support.consultation_factories import ConsultationFactory

pytestmark = pytest.mark.django_db(transaction=True)
MAP = "text=Response,external_id=ID,sector=Sector"
# The read of every item (a full load), not of the items the log names.
FULL_LOAD = f'FROM "{item_changes.ITEMS}" UNION ALL'


@pytest.fixture(autouse=True)
def _database_backend(settings):
    settings.ELASTICSEARCH_URL = None
    cache.clear()  # the prune task's debounce mark


@pytest.fixture
def consultation(db):
    return ConsultationFactory(slug="pruned")


def imported(consultation, tmp_path, name, count):
    """`count` responses imported in one committed transaction."""
    path = tmp_path / f"{name}.csv"
    rows = "".join(f"{name}-{n},A view numbered {n}.,clinician\n" for n in range(count))
    path.write_text("ID,Response,Sector\n" + rows)
    call_command(
        "import_responses", consultation.slug, str(path), "--map", MAP,
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip


def searched():
    """(how many items a search finds, whether it loaded every item to answer)."""
    with CaptureQueriesContext(connection) as captured:
        total = run(FeedbackQuery(page_size=100)).total
    return total, any(FULL_LOAD in query["sql"] for query in captured.captured_queries)


def log_rows():
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{item_changes.TABLE}"')  # noqa: S608 - a constant
        return cursor.fetchone()[0]


def items_logged():
    """How many of the log's rows name an item (not the rows that say "reload")."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{item_changes.TABLE}" WHERE item_id > 0')  # noqa: S608
        return cursor.fetchone()[0]


def test_a_process_that_searched_since_carries_on_after_a_prune(consultation, tmp_path):
    imported(consultation, tmp_path, "first", 3)
    assert searched()[0] == 3
    imported(consultation, tmp_path, "second", 2)
    assert searched() == (5, False)
    before = log_rows()
    call_command("prune_item_changes", "--keep", "1", stdout=(out := io.StringIO()))
    assert "Removed" in out.getvalue()
    assert log_rows() < before
    imported(consultation, tmp_path, "third", 1)
    assert searched() == (6, False)  # only the new item read


def test_a_process_whose_last_look_is_older_than_the_prune_loads_everything(consultation, tmp_path):
    imported(consultation, tmp_path, "first", 3)
    assert searched()[0] == 3
    # What another process holds that searched then and not since.
    behind = dict(item_arrays._current)
    imported(consultation, tmp_path, "second", 2)
    imported(consultation, tmp_path, "third", 1)
    assert searched() == (6, False)
    # The second import's rows go: the process behind never read them.
    assert item_changes.prune_older(connection, keep=1) > 0
    current = dict(item_arrays._current)
    item_arrays._current.update(behind)
    assert searched() == (6, True)  # it loads everything, and misses nothing
    item_arrays._current.update(current)
    imported(consultation, tmp_path, "fourth", 1)
    assert searched() == (7, False)


def test_a_process_that_sees_the_log_pass_its_size_has_it_pruned(
    consultation, tmp_path, monkeypatch
):
    monkeypatch.setattr(item_changes, "PRUNE_EVERY", 10)
    monkeypatch.setattr(item_changes, "KEEP", 2)
    imported(consultation, tmp_path, "first", 3)
    assert searched()[0] == 3
    imported(consultation, tmp_path, "second", 12)  # the log passes a multiple of 10
    # The search that read past it asked for a prune, run as its transaction committed
    # (the test task backend runs tasks at once).
    assert searched() == (15, False)
    # The newest two rows kept; PostgreSQL, whose rows commit in any order, keeps whole
    # transactions (the second import's twelve rows) and adds the row that says so.
    assert log_rows() == (2 if connection.vendor == "sqlite" else 12 + 1)
    imported(consultation, tmp_path, "third", 1)
    assert searched() == (16, False)


@pytest.fixture
def open_transaction():
    """Open a transaction that has written (so holds a transaction id) on a new connection
    to the named database of this server, and leave it running until the test ends."""
    if connection.vendor != "postgresql":
        pytest.skip("transaction ids are PostgreSQL's")
    import psycopg

    held = []

    def opened(dbname):
        params = connection.get_connection_params()
        params["dbname"] = dbname
        held.append(other := psycopg.connect(**params))
        other.execute("SELECT pg_current_xact_id()")
        return other

    yield opened
    for other in held:
        other.rollback()
        other.close()


def test_a_transaction_running_in_another_database_does_not_hold_a_prune_back(
    consultation, tmp_path, open_transaction
):
    # Another database on the same server (as other test runs, or other sites, use).
    open_transaction("postgres")
    imported(consultation, tmp_path, "first", 3)
    imported(consultation, tmp_path, "second", 2)
    item_changes.prune_older(connection, keep=1)
    assert items_logged() == 2  # the first import's rows went


def test_a_transaction_running_here_keeps_every_row_written_since_it_began(
    consultation, tmp_path, open_transaction
):
    open_transaction(connection.settings_dict["NAME"])
    imported(consultation, tmp_path, "first", 3)
    imported(consultation, tmp_path, "second", 2)
    # It may yet commit rows numbered before theirs, and a process's last look reaches
    # back to it: those rows stay until it ends.
    item_changes.prune_older(connection, keep=1)
    assert items_logged() == 3 + 2


def test_a_transaction_running_in_another_database_leaves_every_process_reading_only_news(
    consultation, tmp_path, open_transaction
):
    """As other test runs' or other sites' transactions on the same server do."""
    open_transaction("postgres")
    imported(consultation, tmp_path, "first", 3)
    assert searched()[0] == 3
    imported(consultation, tmp_path, "second", 2)
    assert searched() == (5, False)
    assert item_changes.prune_older(connection, keep=1) > 0
    imported(consultation, tmp_path, "third", 1)
    assert searched() == (6, False)  # the prune's row is not news to a process that looked
