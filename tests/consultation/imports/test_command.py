"""`manage.py import_responses` with CSV files: the mapping, idempotence, all or nothing,
encodings and the progress bar; each imported row is one feedback item marked with its
channel and batch."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultation.feedback.models import Channel, FeedbackItem, SourceKind
from consultation.imports.models import ImportBatch, ImportedResponse

HEADER = "ID,Response,Submitted,Organisation,Sector,Region,Name,Email\n"
ROWS = (
    "r1,We need plain English about how AI tools use records.,2026-03-02,,Patient or carer,"
    "London,Ada Example,ada@example.org\n"
    'r2,"Staff need training time, not just guidance.",03/03/2026 10:15,Example Trust,'
    "clinician,North West,,\n"
)
MAP = (
    "text=Response,external_id=ID,date=Submitted,organisation=Organisation,sector=Sector,"
    "region=Region,respondent_name=Name,respondent_email=Email"
)


def run(consultation, path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_responses", consultation.slug, str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, content, name="responses.csv"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


@pytest.mark.django_db
def test_a_csv_file_becomes_responses_and_feedback_items(consultation, tmp_path):
    path = write(tmp_path, HEADER + ROWS)
    out, err = run(consultation, path, "--map", MAP)
    assert "Imported 2 responses" in out
    assert "[##############################] 2 of 2 rows" in err  # the progress bar
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.channel, batch.responses_created) == ("imported", "csv", 2)
    first = ImportedResponse.objects.get(external_id="r1")
    assert first.respondent_name == "Ada Example"
    assert first.respondent_email == "ada@example.org"
    assert (first.author_sector, first.author_region) == ("patient_carer", "london")
    assert first.received_at.date().isoformat() == "2026-03-02"
    item = first.feedback_item
    assert item.source_kind == SourceKind.IMPORTED
    assert item.channel == Channel.CSV
    assert item.import_source.batch == batch
    assert item.text == "We need plain English about how AI tools use records."
    assert item.author_id is None and item.in_analysis
    second = FeedbackItem.objects.get(import_source__external_id="r2")
    assert second.author_organisation == "Example Trust" and second.author_is_organisation
    assert second.created_at.hour == 10  # 03/03/2026 10:15 in London
    # The private fields are not on the item.
    assert "ada@example.org" not in str(FeedbackItem.objects.values().get(pk=item.pk))


@pytest.mark.django_db
def test_importing_the_same_file_again_adds_nothing(consultation, tmp_path):
    path = write(tmp_path, HEADER + ROWS)
    run(consultation, path, "--map", MAP)
    out, _ = run(consultation, path, "--map", MAP)
    assert "0 new, 2 already imported" in out
    assert ImportedResponse.objects.count() == FeedbackItem.objects.count() == 2


@pytest.mark.django_db
def test_without_ids_the_content_decides_and_repeats_in_a_file_count_once(consultation, tmp_path):
    path = write(tmp_path, "Response\nOne view.\nAnother view.\nOne view.\n")
    out, _ = run(consultation, path)  # the mapping is guessed from the header
    assert "3 rows read: 2 new, 1 already imported" in out
    out, _ = run(consultation, write(tmp_path, "Response\nOne view.\nA third view.\n", "b.csv"))
    assert "1 new, 1 already imported" in out
    assert ImportedResponse.objects.count() == 3


@pytest.mark.django_db
def test_dry_run_stores_nothing(consultation, tmp_path):
    out, _ = run(consultation, write(tmp_path, HEADER + ROWS), "--map", MAP, "--dry-run")
    assert "row 2 (new)" in out and "Dry run" in out
    assert not ImportBatch.objects.exists() and not FeedbackItem.objects.exists()


@pytest.mark.django_db
def test_one_bad_row_rejects_the_whole_file_with_row_column_and_reason(consultation, tmp_path):
    bad = HEADER + ROWS + "r3,Fine words,not a date,,,,,\nr4,More,2026-01-01,,Astronaut,,,\n"
    with pytest.raises(CommandError, match="2 problems: nothing was imported"):
        run(consultation, write(tmp_path, bad), "--map", MAP)
    assert not ImportedResponse.objects.exists() and not FeedbackItem.objects.exists()
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_the_report_names_row_and_column(consultation, tmp_path):
    bad = HEADER + ROWS + "r3,Fine words,not a date,,,,,\n"
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_responses", consultation.slug, str(write(tmp_path, bad)), "--map", MAP,
            stdout=StringIO(), stderr=err,
        )  # fmt: skip
    assert "Row 4, column “Submitted”: “not a date” is not a date" in err.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "encoding, prefix",
    [("cp1252", b""), ("utf-16", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-8", b"")],
)
def test_encodings_are_detected(consultation, tmp_path, encoding, prefix):
    text = "Response,Organisation\n“Café” costs £5 — naïve,Société Générale\n"
    out, _ = run(consultation, write(tmp_path, prefix + text.encode(encoding)))
    assert "1 new" in out
    response = ImportedResponse.objects.get()
    assert response.text == "“Café” costs £5 — naïve"
    assert response.author_organisation == "Société Générale"


@pytest.mark.django_db
def test_undecodable_bytes_are_reported_by_row_and_column(consultation, tmp_path):
    # 0x81 is not a character in Windows-1252 (and the file is not UTF-8).
    content = b"Response,Region\nCaf\xe9 fine,London\nBroken \x81 here,London\n"
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_responses", consultation.slug, str(write(tmp_path, content)),
            stdout=StringIO(), stderr=err,
        )  # fmt: skip
    assert "Row 3, column “Response”: has bytes that are not Windows-1252 text: 0x81" in (
        err.getvalue()
    )
    assert not ImportedResponse.objects.exists()


@pytest.mark.django_db
def test_a_mapping_naming_an_unknown_field_is_refused(consultation, tmp_path):
    with pytest.raises(CommandError, match="“colour” is not a field"):
        run(consultation, write(tmp_path, HEADER + ROWS), "--map", "text=Response,colour=X")


@pytest.mark.django_db
def test_an_unknown_consultation_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No consultation"):
        call_command("import_responses", "nope", str(write(tmp_path, "Response\nx\n")))


@pytest.mark.django_db
def test_the_queries_of_an_import_do_not_grow_with_its_rows(consultation, tmp_path):
    """Responses and items go in with one prepared INSERT each per chunk of rows (not
    bulk_create's batches of a few dozen rows on SQLite), and every row is still stored."""

    def queries_to_import(rows, name):
        lines = "".join(f"r{name}{n},View number {n} on {name}.\n" for n in range(rows))
        path = write(tmp_path, "ID,Response\n" + lines, f"{name}.csv")
        with CaptureQueriesContext(connection) as queries:
            out, _ = run(consultation, path)
        assert f"Imported {rows} responses" in out
        return len(queries)

    queries_to_import(1, "first")  # the audit log's content type, read once
    few, many = queries_to_import(3, "few"), queries_to_import(600, "many")
    assert many == few
    assert ImportedResponse.objects.count() == FeedbackItem.objects.count() == 604
    item = FeedbackItem.objects.get(import_source__external_id="rmany599")
    assert item.text == "View number 599 on many."
    assert (item.paragraph_id, item.section_id, item.comment_id) == ("", None, None)


@pytest.mark.django_db
def test_imported_items_are_in_the_database_search_index_at_once(consultation, tmp_path):
    """On SQLite an import indexes its items with one statement instead of the insert
    trigger row by row: the index is exactly in step and the trigger is back afterwards."""
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 index is SQLite's")
    run(consultation, write(tmp_path, "ID,Response\na,Zebras need privacy.\nb,Other view.\n"))
    fts = "feedback_feedbackitem_fts"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {fts} WHERE {fts} MATCH 'zebras'")  # noqa: S608
        found = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")  # noqa: S608
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {row[0] for row in cursor.fetchall()}
    assert found == [FeedbackItem.objects.get(import_source__external_id="a").pk]
    assert {f"{fts}_insert", f"{fts}_update", f"{fts}_delete"} <= triggers
    # A second file after it is indexed too (its rows only, once each).
    run(consultation, write(tmp_path, "ID,Response\nc,More zebras.\n", "c.csv"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH 'zebras'")  # noqa: S608
        assert cursor.fetchone()[0] == 2
