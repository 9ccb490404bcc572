"""The in-memory search arrays (item_arrays) are shared by the threads of a process, each
with its own database connection: what one connection commits is in the other's very next
search, and what one connection wrote and then rolled back (after searching, so the
shared arrays held it) is in nobody's. Committed transactions, so `transaction=True`."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connections, transaction

from consultation.imports import services as imports
from consultation.imports.models import ImportBatch
from consultation.search import run
from consultation.search.types import FeedbackQuery
from tests.support.consultation_factories import ConsultationFactory
from tests.support.factories import ProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)
MAP = "text=Response,external_id=ID,sector=Sector"


@pytest.fixture(autouse=True)
def _database_backend(settings):
    settings.ELASTICSEARCH_URL = None


def search(**fields):
    return run(FeedbackQuery(page_size=100, **fields))


def sectors(results):
    return {count.value: count.count for count in results.facet("sector").values}


def in_another_connection(function):
    """What `function` returns when run in another thread, with its own connection."""
    outcome = {}

    def target():
        try:
            outcome["value"] = function()
        except BaseException as error:  # handed back to the test, raised there
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def imported(consultation, tmp_path, name, rows):
    path = tmp_path / f"{name}.csv"
    path.write_text("ID,Response,Sector\n" + "".join(f"{row}\n" for row in rows))
    call_command(
        "import_responses", consultation.slug, str(path), "--map", MAP,
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip


class RolledBack(Exception):
    pass


def test_other_connections_see_what_was_committed_and_not_what_was_rolled_back(tmp_path):
    consultation = ConsultationFactory()
    assert search().total == 0  # this connection loads the arrays

    rows = ["a1,Imported about waiting lists,clinician", "a2,Imported about staffing,industry"]
    in_another_connection(lambda: imported(consultation, tmp_path, "first", rows))
    results = search(text="imported")
    assert results.total == 2 and sectors(results) == {"clinician": 1, "industry": 1}

    def written_searched_and_rolled_back():
        with transaction.atomic():
            imported(consultation, tmp_path, "second", ["b1,Rolled back words,clinician"])
            seen = search().total  # the shared arrays now hold the uncommitted item
            raise RolledBack(seen)

    with pytest.raises(RolledBack) as raised:
        in_another_connection(written_searched_and_rolled_back)
    assert raised.value.args == (3,)
    assert search().total == 2 and search(text="rolled").total == 0
    assert sectors(search()) == {"clinician": 1, "industry": 1}

    # A change committed here is in the other connection's next search, and its undo too.
    imported(consultation, tmp_path, "third", ["c1,Committed here,patient_carer"])
    assert in_another_connection(lambda: sectors(search())) == {
        "clinician": 1, "industry": 1, "patient_carer": 1,
    }  # fmt: skip
    batch = ImportBatch.objects.get(file_name="first.csv")
    imports.batch_undo(batch=batch, actor=ProfileFactory().user)
    assert in_another_connection(lambda: search().total) == 1
    assert sectors(search()) == {"patient_carer": 1}
