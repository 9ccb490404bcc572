"""CSV files that are refused, each with a clear message and nothing stored: missing and
duplicated columns, unbalanced quotes, a 10 MB field, rows of the wrong width; and what is
not refused: a million blank lines, formula cells (kept as text)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from consultation.feedback.models import FeedbackItem
from consultation.imports.models import ImportBatch, ImportedResponse


def check(consultation, tmp_path, content, *args):
    """(ok, stdout + stderr) of importing `content`."""
    path = tmp_path / "file.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    out, err = StringIO(), StringIO()
    try:
        call_command(
            "import_responses", consultation.slug, str(path), *args, stdout=out, stderr=err
        )
    except CommandError as error:
        return False, out.getvalue() + err.getvalue() + str(error)
    return True, out.getvalue() + err.getvalue()


def refused(consultation, tmp_path, content, *args):
    ok, output = check(consultation, tmp_path, content, *args)
    assert not ok, output
    assert "nothing was imported" in output
    assert not ImportedResponse.objects.exists() and not FeedbackItem.objects.exists()
    assert not ImportBatch.objects.exists()
    return output


@pytest.mark.django_db
def test_a_mapped_column_missing_from_the_file(consultation, tmp_path):
    output = refused(consultation, tmp_path, "Answer,Region\nYes,London\n", "--map", "text=Text")
    assert "Row 1, column “Text”: is chosen for response text but the file has no such " in output
    assert "its columns are “Answer”, “Region”" in output


@pytest.mark.django_db
def test_no_column_for_the_text(consultation, tmp_path):
    output = refused(consultation, tmp_path, "Remarks,Region\nYes,London\n")
    assert "No column is chosen for the response text." in output


@pytest.mark.django_db
def test_a_duplicated_column(consultation, tmp_path):
    output = refused(consultation, tmp_path, "Response,Region,Region\nYes,London,Wales\n")
    assert "column “Region”: appears twice in the header (columns 2 and 3)" in output


@pytest.mark.django_db
def test_an_unbalanced_quote(consultation, tmp_path):
    content = 'Response,Region\nFine,London\n"Never closed,London\nMore,Wales\n'
    output = refused(consultation, tmp_path, content)
    assert "Row 3: a quoted field is never closed" in output


@pytest.mark.django_db
def test_a_stray_quote_in_a_quoted_field(consultation, tmp_path):
    output = refused(consultation, tmp_path, 'Response\n"He said "no" twice"\n')
    assert 'Row 2: a double quote inside a quoted field must be written twice ("")' in output


@pytest.mark.django_db
def test_a_row_of_the_wrong_width(consultation, tmp_path):
    output = refused(consultation, tmp_path, "Response,Region\nYes, please, London\n")
    assert "Row 2: has 3 fields where the header has 2." in output


@pytest.mark.django_db
def test_a_10_mb_field(consultation, tmp_path):
    content = b"Response,Region\n" + b"x" * (10 * 1024 * 1024) + b",London\n"
    output = refused(consultation, tmp_path, content)
    assert "Row 2: a field is longer than 131,072 characters" in output


@pytest.mark.django_db
def test_a_response_over_the_text_limit(consultation, tmp_path):
    output = refused(consultation, tmp_path, "Response\n" + "word " * 25_000 + "\n")
    assert "Row 2, column “Response”: the response is 124,999 characters long" in output


@pytest.mark.django_db
def test_an_empty_file(consultation, tmp_path):
    output = refused(consultation, tmp_path, b"")
    assert "The file is empty" in output


@pytest.mark.django_db
def test_a_million_blank_lines_are_read_as_nothing(consultation, tmp_path):
    content = b"Response\nFirst\n" + b"\r\n" * 1_000_000 + b"Last\n"
    ok, output = check(consultation, tmp_path, content)
    assert ok, output
    assert "2 rows read: 2 new" in output
    last = ImportedResponse.objects.get(text="Last")
    assert last.row_number == 1_000_003  # blank lines count, as a spreadsheet numbers rows


@pytest.mark.django_db
def test_a_file_of_blank_lines_only_is_empty(consultation, tmp_path):
    output = refused(consultation, tmp_path, b"\n" * 1_000_000)
    assert "The file is empty" in output


@pytest.mark.django_db
def test_formula_cells_are_kept_as_text(consultation, tmp_path):
    content = 'Response,Organisation\n"=HYPERLINK(""http://x.example"",""x"")",+SUM(A1)\n'
    ok, output = check(consultation, tmp_path, content)
    assert ok, output
    response = ImportedResponse.objects.get()
    assert response.text == '=HYPERLINK("http://x.example","x")'
    assert response.author_organisation == "+SUM(A1)"
    assert response.feedback_item.text == '=HYPERLINK("http://x.example","x")'


@pytest.mark.django_db
def test_rows_with_an_empty_response_are_left_out(consultation, tmp_path):
    ok, output = check(consultation, tmp_path, "Response,Region\n,London\nWords,Wales\n")
    assert ok and "1 new, 0 already imported, 1 empty" in output
    assert ImportedResponse.objects.count() == 1


@pytest.mark.django_db
def test_the_same_id_with_different_words_is_refused(consultation, tmp_path):
    output = refused(consultation, tmp_path, "ID,Response\n7,One\n7,Other\n")
    assert "Row 3: its id '7' is also on row 2 with a different response." in output
