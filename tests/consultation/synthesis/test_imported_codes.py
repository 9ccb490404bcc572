"""Codes from another tool: the response import's themes column (themes made where
missing, codes recorded as imported in the import's transaction, all or nothing, gone
with an undone batch) and the codes-only import by external id (preview, unknown ids by
row with the reason, idempotent), through HTTP and the command line, with hostile input."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from consultation.feedback.models import FeedbackItem
from consultation.imports.models import BatchStatus, ImportBatch, ImportedResponse
from consultation.synthesis.imported_codes import NEW_THEMES_PER_FILE
from consultation.synthesis.models import CodeImport, CodeSource, Coding, CodingAction, Theme
from hub.core.models import AuditEntry
from tests.support.hostile import HOSTILE_MARKUP
from tests.support.markup import id_problems

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

RESPONSES = (
    "ID,Response,Themes\n"
    'r1,We need more nurses on wards.,"workforce; Data sharing"\n'
    "r2,Records should follow the patient.,Data sharing\n"
    "r3,No codes for this one.,\n"
    "r4,Only separators here.,;;;\n"
)


@pytest.fixture
def wg_client(client, analyst):
    client.force_login(analyst)
    return client


def csv_file(content, name="responses.csv"):
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def import_through_pages(client, consultation, content, capture):
    with capture(execute=True):
        client.post(
            "/consultation/imports/",
            {"consultation": consultation.pk, "file_format": "csv", "file": csv_file(content)},
        )
    batch = ImportBatch.objects.latest("pk")
    if batch.status == BatchStatus.READY:
        with capture(execute=True):
            client.post(f"/consultation/imports/{batch.pk}/import/")
        batch.refresh_from_db()
    return batch


def codes():
    return set(
        Coding.objects.values_list("item__import_source__external_id", "theme__name", "source")
    )


def test_the_themes_column_codes_the_imported_items(
    wg_client, consultation, analyst, django_capture_on_commit_callbacks
):
    Theme.objects.create(consultation=consultation, name="Workforce")
    with django_capture_on_commit_callbacks(execute=True):
        wg_client.post(
            "/consultation/imports/",
            {"consultation": consultation.pk, "file_format": "csv", "file": csv_file(RESPONSES)},
        )
    batch = ImportBatch.objects.get()
    assert batch.mapping["themes"] == "Themes"
    html = wg_client.get(f"/consultation/imports/{batch.pk}/").content.decode()
    assert "Themes: workforce; Data sharing" in html
    assert not Coding.objects.exists() and Theme.objects.count() == 1  # nothing before import

    with django_capture_on_commit_callbacks(execute=True):
        wg_client.post(f"/consultation/imports/{batch.pk}/import/")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.IMPORTED
    imported = CodeSource.IMPORTED
    assert codes() == {
        ("r1", "Workforce", imported),
        ("r1", "Data sharing", imported),
        ("r2", "Data sharing", imported),
    }
    assert sorted(Theme.objects.values_list("name", flat=True)) == ["Data sharing", "Workforce"]
    actions = CodingAction.objects.all()
    assert {a.scope for a in actions} == {CodingAction.Scope.IMPORT}
    assert {a.search for a in actions} == {f"import_batch={batch.pk}"}
    assert {a.actor for a in actions} == {analyst}
    assert AuditEntry.objects.get(action="import").data["codes"] == 3

    # Importing the same file again adds nothing, codes included.
    again = import_through_pages(
        wg_client, consultation, RESPONSES, django_capture_on_commit_callbacks
    )
    assert again.rows_new == 0 and len(codes()) == 3

    # Undoing the batch takes its codes with its items; the actions say they were undone;
    # the themes stay, as for an undone import of codes, and the message says so.
    undone = wg_client.post(f"/consultation/imports/{batch.pk}/undo/", follow=True)
    assert not Coding.objects.exists()
    assert not CodingAction.objects.filter(undone_at__isnull=True).exists()
    assert Theme.objects.count() == 2
    assert "themes it added stay in the codebook, marked unused" in undone.content.decode()


def test_the_command_line_takes_a_themes_column(consultation, tmp_path):
    path = tmp_path / "letters.csv"
    path.write_text("ID,Letter,Codes\nx1,A letter about access.,Access;Trust\n")
    out = io.StringIO()
    call_command(
        "import_responses",
        consultation.slug,
        str(path),
        "--map",
        "text=Letter,external_id=ID,themes=Codes",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert codes() == {("x1", "Access", "imported"), ("x1", "Trust", "imported")}


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        (";".join(f"Theme {n}" for n in range(10_000)), "names more than 50 themes"),
        ("A" * 121, "longer than 120 characters"),
    ],
)
def test_a_bad_themes_cell_rejects_the_whole_file(
    wg_client, consultation, cell, reason, django_capture_on_commit_callbacks
):
    content = f'Ref,Response,Themes\nr1,Fine.,Access\nr2,Also fine.,"{cell}"\n'
    batch = import_through_pages(
        wg_client, consultation, content, django_capture_on_commit_callbacks
    )
    assert batch.status == BatchStatus.REJECTED
    assert batch.report["errors"][0]["row"] == 3
    assert batch.report["errors"][0]["column"] == "Themes"
    assert reason in batch.report["errors"][0]["reason"]
    assert reason in wg_client.get(f"/consultation/imports/{batch.pk}/").content.decode()
    assert not ImportedResponse.objects.exists()
    assert not Theme.objects.exists() and not Coding.objects.exists()


def test_a_file_naming_too_many_new_themes_is_refused(
    wg_client, consultation, django_capture_on_commit_callbacks
):
    rows = "".join(f"r{n},Text {n}.,Theme {n}\n" for n in range(NEW_THEMES_PER_FILE + 5))
    batch = import_through_pages(
        wg_client, consultation, "Ref,Response,Themes\n" + rows, django_capture_on_commit_callbacks
    )
    assert batch.status == BatchStatus.REJECTED
    assert f"at most {NEW_THEMES_PER_FILE} can be added" in batch.report["errors"][0]["reason"]
    assert batch.error_count == 1
    assert not Theme.objects.exists() and not ImportedResponse.objects.exists()


def test_hostile_theme_names_are_kept_as_text_and_shown_escaped(
    wg_client, consultation, django_capture_on_commit_callbacks
):
    names = [name.replace('"', "'").replace(";", ",")[:100] for name in HOSTILE_MARKUP[:6]]
    cell = ";".join(names).replace('"', '""')
    content = f'Ref,Response,Themes\nh1,Hostile codes.,"{cell}"\n'
    batch = import_through_pages(
        wg_client, consultation, content, django_capture_on_commit_callbacks
    )
    assert batch.status == BatchStatus.IMPORTED, batch.report
    stored = set(Theme.objects.values_list("name", flat=True))
    assert stored == {" ".join(name.split()) for name in names}
    item = FeedbackItem.objects.get()
    html = wg_client.get("/synthesis/campaigns/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert Coding.objects.filter(item=item).count() == len(stored)


# --- the codes-only import ------------------------------------------------------------


@pytest.fixture
def imported(consultation, tmp_path):
    """Three responses imported with external ids a1, a2, a3 (no themes)."""
    path = tmp_path / "responses.csv"
    path.write_text(
        "ID,Response\na1,Access to GPs.,\na2,Data and trust.\na3,Staff.\n".replace(",\n", "\n")
    )
    call_command(
        "import_responses", consultation.slug, str(path), stdout=io.StringIO(), stderr=io.StringIO()
    )
    return {r.external_id: r.feedback_item.pk for r in ImportedResponse.objects.all()}


CODES = "external id,themes\na1,Access; Trust\na2,trust\nzz9,Access\n,Access\na3,\na3,;;;\n"


def test_codes_only_import_previews_reports_unknown_ids_and_applies_once(
    wg_client, consultation, imported, analyst
):
    Theme.objects.create(consultation=consultation, name="Trust")
    response = wg_client.post(
        "/synthesis/codes/", {"consultation": consultation.pk, "file": csv_file(CODES, "c.csv")}
    )
    code_import = CodeImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/synthesis/codes/{code_import.pk}/"
    html = wg_client.get(response["Location"]).content.decode()
    assert not id_problems(html)
    assert code_import.status == CodeImport.Status.READY
    assert code_import.report["rows_known"] == 2
    assert code_import.report["rows_unknown"] == 2
    assert code_import.report["rows_without_themes"] == 2
    assert code_import.report["unknown"] == [
        {
            "row": 4,
            "id": "zz9",
            "reason": "no response imported into this consultation has this id",
        },
        {"row": 5, "id": "", "reason": "no id in this row"},
    ]
    assert "zz9" in html and "No id in this row" in html
    assert "Themes to add to the codebook" in html and "Access" in html
    assert not Coding.objects.exists()  # nothing before it is applied

    response = wg_client.post(f"/synthesis/codes/{code_import.pk}/apply/", follow=True)
    assert "Applied 3 new codes." in response.content.decode()
    assert set(Coding.objects.values_list("item_id", "theme__name", "source")) == {
        (imported["a1"], "Access", "imported"),
        (imported["a1"], "Trust", "imported"),
        (imported["a2"], "Trust", "imported"),
    }
    assert Theme.objects.count() == 2
    entry = AuditEntry.objects.get(action="codes_imported")
    assert entry.actor == analyst and entry.data["codes"] == 3

    # Applying twice is refused; the same file again applies nothing new.
    response = wg_client.post(f"/synthesis/codes/{code_import.pk}/apply/", follow=True)
    assert "already been applied" in response.content.decode()
    wg_client.post("/synthesis/codes/", {"consultation": consultation.pk, "file": csv_file(CODES)})
    again = CodeImport.objects.latest("pk")
    wg_client.post(f"/synthesis/codes/{again.pk}/apply/")
    again.refresh_from_db()
    assert again.status == CodeImport.Status.APPLIED and again.codes_added == 0
    assert Coding.objects.count() == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("external id,themes\nnope,Access\n", "No row names a response imported"),
        ("id\na1\n", "No column is chosen for the themes."),
        ('external id,themes\na1,"unclosed\n', "never closed"),
        (
            "external id,themes\na1," + ";".join(f"T{n}" for n in range(10_000)) + "\n",
            "names more than 50 themes",
        ),
        # A byte that is not text in a column's name: quoted in the report, which
        # PostgreSQL could not store (the upload answered 500).
        (b"external id,th\x81emes\na1,Acc\xe9s\n", "the header has bytes that are not text"),
    ],
)
def test_a_bad_file_of_codes_is_rejected_with_a_reason(
    wg_client, consultation, imported, content, message
):
    wg_client.post(
        "/synthesis/codes/", {"consultation": consultation.pk, "file": csv_file(content)}
    )
    code_import = CodeImport.objects.get()
    assert code_import.status == CodeImport.Status.REJECTED
    html = wg_client.get(f"/synthesis/codes/{code_import.pk}/").content.decode()
    assert message in html
    assert "Apply the codes" not in html
    response = wg_client.post(f"/synthesis/codes/{code_import.pk}/apply/", follow=True)
    assert "already been applied, or the file has problems" in response.content.decode()
    assert not Coding.objects.exists() and not Theme.objects.exists()


def test_the_upload_form_says_what_is_missing(wg_client, consultation):
    response = wg_client.post("/synthesis/codes/", {"consultation": consultation.pk})
    assert response.status_code == 400
    assert "Choose a file to upload." in response.content.decode()


def test_codes_only_import_on_the_command_line(consultation, imported, tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("Ref,Codes\na1,Access\nmissing,Trust\n")
    out = io.StringIO()
    call_command(
        "import_codes",
        consultation.slug,
        str(path),
        "--map",
        "external_id=Ref,themes=Codes",
        "--dry-run",
        stdout=out,
    )
    assert "1 name a response here, 1 an unknown id" in out.getvalue()
    assert "Row 3 (missing): no response imported" in out.getvalue()
    assert not Coding.objects.exists()
    out = io.StringIO()
    call_command(
        "import_codes",
        consultation.slug,
        str(path),
        "--map",
        "external_id=Ref,themes=Codes",
        stdout=out,
    )
    assert "Applied 1 new codes" in out.getvalue()
    call_command(
        "import_codes",
        consultation.slug,
        str(path),
        "--map",
        "external_id=Ref,themes=Codes",
        stdout=out,
    )
    assert Coding.objects.count() == 1
    with pytest.raises(CommandError, match="no codes were applied"):
        bad = tmp_path / "bad.csv"
        bad.write_text("Ref,Codes\nnobody,Access\n")
        call_command(
            "import_codes",
            consultation.slug,
            str(bad),
            "--map",
            "external_id=Ref,themes=Codes",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    with pytest.raises(CommandError, match="--map"):
        call_command(
            "import_codes", consultation.slug, str(path), "--map", "text=Ref", stdout=io.StringIO()
        )


def test_undoing_an_import_of_codes_keeps_its_themes_shown_as_unused(
    wg_client, consultation, imported
):
    """What mature coding tools do: codes go with the undo, themes stay (a name,
    description and colour an analyst may have worked on are not lost), and the codebook
    shows them as unused, saying why, with their delete links."""
    trust = Theme.objects.create(consultation=consultation, name="Trust")
    wg_client.post("/synthesis/codes/", {"consultation": consultation.pk, "file": csv_file(CODES)})
    wg_client.post(f"/synthesis/codes/{CodeImport.objects.get().pk}/apply/")
    access = Theme.objects.get(name="Access")  # the import added it
    page = wg_client.get(f"/synthesis/codebook/{consultation.slug}/").content.decode()
    assert "Unused" not in page
    # A theme coded by hand as well keeps its code through the undo.
    wg_client.post(f"/synthesis/items/{imported['a3']}/themes/", {"themes": trust.pk})
    for action in CodingAction.objects.filter(scope=CodingAction.Scope.IMPORT):
        undone = wg_client.post(f"/synthesis/coding/actions/{action.pk}/undo/", follow=True)
        assert "Themes the import added stay in the codebook, marked unused" in (
            undone.content.decode()
        )
    assert set(Coding.objects.values_list("theme__name", flat=True)) == {"Trust"}
    assert set(Theme.objects.values_list("name", flat=True)) == {"Access", "Trust"}
    page = wg_client.get(f"/synthesis/codebook/{consultation.slug}/").content.decode()
    assert not id_problems(page)
    assert "1 theme is unused" in page
    row = page[page.index(f'id="theme-{access.pk}"') :].split("</tr>")[0]
    assert "Unused" in row and f"/themes/{access.pk}/delete/" in row
    trust_row = page[page.index(f'id="theme-{trust.pk}"') :].split("</tr>")[0]
    assert "Unused" not in trust_row
    # Deleted from there, it is gone; nothing is unused.
    wg_client.post(f"/synthesis/codebook/{consultation.slug}/themes/{access.pk}/delete/")
    page = wg_client.get(f"/synthesis/codebook/{consultation.slug}/").content.decode()
    assert not Theme.objects.filter(pk=access.pk).exists() and "is unused" not in page
