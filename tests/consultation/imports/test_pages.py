"""The import pages through HTTP, as the Working group uses them: upload, check, choose the
columns, import, watch, undo; the size limit, and the audit log."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consultation.feedback.models import FeedbackItem
from consultation.imports.models import BatchStatus, ImportBatch, ImportedResponse
from hub.core.models import AuditEntry
from tests.support import factories
from tests.support.clients import SignedInClient, csrf_token
from tests.support.markup import id_problems, soup_of

pytestmark = pytest.mark.shared_site_tree

CSV = (
    "Ref,Comments,Email\n"
    "a1,Please include care homes in the examples.,carer@example.org\n"
    'a2,"=HYPERLINK(""http://example.com"",""click"")",\n'
)


def upload(client, consultation, content, file_format="csv", name="responses.csv"):
    return client.post(
        "/consultation/imports/",
        {
            "consultation": consultation.pk,
            "file_format": file_format,
            "file": SimpleUploadedFile(name, content),
        },
    )


@pytest.fixture
def signed_in(client, analyst):
    client.force_login(analyst)
    return client


@pytest.mark.django_db
def test_upload_check_choose_columns_import_and_undo(
    signed_in, consultation, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(signed_in, consultation, CSV.encode())
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{batch.pk}/")
    page = signed_in.get(response["Location"])
    html = page.content.decode()
    # "Comments" is not a column name the guess knows: the check says which to choose.
    assert batch.__class__.objects.get().status == BatchStatus.REJECTED
    assert "No column is chosen for the response text." in html
    assert 'http-equiv="refresh"' not in html
    assert not id_problems(html)

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(
            f"/consultation/imports/{batch.pk}/",
            {"text": "Comments", "external_id": "Ref", "respondent_email": "Email"},
        )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY and batch.rows_new == 2, batch.report
    html = signed_in.get(f"/consultation/imports/{batch.pk}/").content.decode()
    assert "The first rows, as they will be stored" in html
    # A formula cell is kept as the text it is (escaped on the page).
    assert "=HYPERLINK(&quot;http://example.com&quot;,&quot;click&quot;)" in html
    assert "Import 2 new responses" in html
    assert not ImportedResponse.objects.exists()  # nothing stored before the import

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(f"/consultation/imports/{batch.pk}/import/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.IMPORTED and batch.responses_created == 2
    assert batch.content == b""  # the file is not kept once imported
    assert FeedbackItem.objects.filter(import_source__batch=batch, channel="csv").count() == 2
    assert ImportedResponse.objects.get(external_id="a2").text.startswith("=HYPERLINK(")
    entry = AuditEntry.objects.get(action="import")
    assert entry.actor == analyst and entry.target == batch and entry.data["responses"] == 2

    # Importing twice (a double click) imports once.
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/consultation/imports/{batch.pk}/import/")
    assert ImportedResponse.objects.count() == 2

    confirm = signed_in.get(f"/consultation/imports/{batch.pk}/undo/")
    assert "removes its 2 responses" in confirm.content.decode()
    response = signed_in.post(f"/consultation/imports/{batch.pk}/undo/", follow=True)
    assert "Undone: 2 responses from responses.csv were removed." in response.content.decode()
    assert not ImportedResponse.objects.exists() and not FeedbackItem.objects.exists()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.UNDONE and batch.undone_by == analyst
    assert AuditEntry.objects.filter(action="import_undo", actor=analyst).count() == 1
    # The audit log of the moderation area lists both entries.
    log = signed_in.get("/consultation/moderation/log/")
    assert log.status_code == 200


@pytest.mark.django_db
def test_the_page_refreshes_itself_while_a_file_is_being_checked_only_when_asked(
    signed_in, consultation
):
    # Without the commit callbacks, the task has not run yet: the batch is waiting.
    upload(signed_in, consultation, CSV.encode())
    batch = ImportBatch.objects.get()
    url = f"/consultation/imports/{batch.pk}/"
    page = soup_of(signed_in.get(url).content.decode())
    assert batch.status == BatchStatus.CHECKING
    assert "Checked 0 rows so far" in page.get_text()
    # A page that reloads itself every 2 seconds starts a screen reader again from the top
    # and takes the focus away before a keyboard can reach a link to stop it (WCAG 2.2.1,
    # 2.2.2): it does so only once asked, and says how to stop.
    assert page.find("meta", attrs={"http-equiv": "refresh"}) is None
    assert page.find("a", string="Refresh now")["href"] == url
    start = page.find("a", string=re.compile("refresh this page every 2 seconds"))
    refreshing = soup_of(signed_in.get(start["href"]).content.decode())
    assert refreshing.find("meta", attrs={"http-equiv": "refresh"})["content"] == "2"
    assert refreshing.find("a", string="Stop refreshing")["href"] == url
    assert "This page refreshes itself every 2 seconds." in refreshing.get_text()


@pytest.mark.django_db
def test_the_upload_form_explains_what_is_missing(signed_in, consultation):
    response = signed_in.post("/consultation/imports/", {"consultation": consultation.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Choose what kind of file it is." in html and "Choose a file to upload." in html
    assert html.index("nhsuk-error-summary") < html.index("<h1")
    assert not id_problems(html)
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_before_it_is_read(signed_in, consultation, settings):
    settings.UPLOAD_MAX_SIZE = 1000
    signed_in.raise_request_exception = False
    response = upload(signed_in, consultation, b"Response\n" + b"x" * 5000 + b"\n")
    assert response.status_code == 400
    assert "The file is larger than 1,000 bytes" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["participant", "working group, password only"])
def test_a_file_from_anyone_but_staff_past_the_second_factor_is_refused_as_it_arrives(
    analyst, consultation, who
):
    """Django reads the body (and would stream its files to disk) as soon as the CSRF check
    looks for its token, before the view's 403: the file is refused there."""
    client = SignedInClient(enforce_csrf_checks=True, raise_request_exception=False)
    if who == "participant":
        client.force_login(factories.ProfileFactory().user)
    else:
        client.force_login(analyst, second_factor=False)
    token = csrf_token(client)
    response = client.post(
        "/consultation/imports/",
        {
            "consultation": consultation.pk,
            "file_format": "csv",
            "file": SimpleUploadedFile("responses.csv", CSV.encode()),
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()
    # Without a file the view answers as it always does: 403, or the second factor's page.
    response = client.post(
        "/consultation/imports/", {"consultation": consultation.pk, "csrfmiddlewaretoken": token}
    )
    assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_a_mailbox_through_the_page_flags_the_letter_in_an_attachment(
    signed_in, consultation, django_capture_on_commit_callbacks
):
    from tests.consultation.imports.test_email import MBOX

    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in, consultation, MBOX, "mbox", "letters.mbox")
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.READY, batch.report
    assert (batch.rows_new, batch.rows_in_attachment) == (2, 1)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/consultation/imports/{batch.pk}/import/")
    html = signed_in.get(f"/consultation/imports/{batch.pk}/").content.decode()
    assert "Responses in an attachment" in html and "response.pdf (application/pdf" in html
    item = FeedbackItem.objects.get(import_source__content_in_attachment=True)
    assert item.in_analysis and item.channel == "email"


@pytest.mark.django_db
def test_hostile_text_is_shown_as_text(signed_in, consultation, django_capture_on_commit_callbacks):
    content = 'Response\n"<script>alert(1)</script><img src=x onerror=alert(2)>"\n'
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in, consultation, content.encode())
    batch = ImportBatch.objects.get()
    html = signed_in.get(f"/consultation/imports/{batch.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<script>alert(1)" not in html and "<img src=x" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "file_format", "column"),
    [
        (b"Response,Date\nCare homes too.,0001-01-01T00:00:00+05:00\n", "csv", "Date"),
        (b"Response,Date\nCare homes too.,9999-12-31T23:00:00-05:00\n", "csv", "Date"),
        (
            b"From: Ada <ada@example.org>\nDate: Fri, 31 Dec 9999 23:00:00 -1200\n\nCare homes.\n",
            "eml",
            "Date",
        ),
    ],
)
def test_a_date_that_cannot_be_stored_is_reported_not_left_importing(
    signed_in, consultation, content, file_format, column, django_capture_on_commit_callbacks
):
    # Such a time reads as a date, but in UTC it is outside what a datetime holds: once
    # accepted by the check, the import's transaction failed and the batch stayed
    # "importing" for good (its page refreshing itself), with no way to import or undo it.
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in, consultation, content, file_format, f"responses.{file_format}")
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.REJECTED, batch.report
    [error] = batch.report["errors"]
    assert error["column"] == column and "a date from 1900 to 2999" in error["reason"]
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/consultation/imports/{batch.pk}/import/")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REJECTED
    assert not ImportedResponse.objects.exists() and not FeedbackItem.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["eml", "mbox"])
def test_a_header_nested_too_deep_to_parse_rejects_the_file(
    signed_in, consultation, file_format, django_capture_on_commit_callbacks
):
    # The standard library's header parser recurses once per nested comment: the
    # RecursionError escaped the check, which left the batch "checking" for good.
    hostile = (
        b"From: " + b"(" * 1000 + b"ada@example.org\n"
        b"Date: Mon, 02 Mar 2026 09:30:00 +0000\n\nCare homes too.\n"
    )
    if file_format == "mbox":
        hostile = b"From sender@example.org Mon Mar  2 09:30:00 2026\n" + hostile
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in, consultation, hostile, file_format, f"letters.{file_format}")
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.REJECTED
    [error] = batch.report["errors"]
    assert error["row"] == 1 and error["reason"].startswith("a header cannot be read")
    html = signed_in.get(f"/consultation/imports/{batch.pk}/").content.decode()
    assert 'http-equiv="refresh"' not in html and "a header cannot be read" in html


@pytest.mark.django_db
def test_control_characters_in_an_attachments_name_are_not_stored(
    signed_in, consultation, django_capture_on_commit_callbacks
):
    # An attachment's name and type are the sender's words like the others: a NUL in them
    # (filename*=utf-8''a%00b.pdf) failed the import's transaction on PostgreSQL, whose
    # JSON cannot hold one, and left the batch "importing" for good.
    hostile = (
        b"From: Ada <ada@example.org>\nDate: Mon, 02 Mar 2026 09:30:00 +0000\n"
        b'Content-Type: multipart/mixed; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain\n\nPlease find attached our response.\n"
        b"--b\nContent-Type: application/pdf\n"
        b"Content-Disposition: attachment; filename*=utf-8''our%00response%07.pdf\n\n"
        b"%PDF-1.4\n--b--\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in, consultation, hostile, "eml", "letter.eml")
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.READY, batch.report
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/consultation/imports/{batch.pk}/import/")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.IMPORTED, batch.report
    [attachment] = ImportedResponse.objects.get().attachments
    assert attachment["name"] == "ourresponse.pdf"
    assert attachment["type"] == "application/pdf"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "file_format", "status", "reason"),
    [
        (b"Response,Ex\x00tra\nCare homes.,x\n", "csv", BatchStatus.READY, None),
        (b"Response,Ex\x81tra\nCare homes \xe9.,x\n", "csv", BatchStatus.REJECTED, "not text"),
        (b"From: Ada <ada@example.org>\nDate: Mon\x00, 02\n\nHi.\n", "eml", "rejected", "date"),
        (b"From: Ada <ada@example.org>\nDate: Mon\xff, 02\n\nHi.\n", "eml", "rejected", "date"),
    ],
    ids=["nul-in-a-column-name", "undecodable-column-name", "nul-in-date", "8-bit-date"],
)
def test_a_report_quoting_what_postgresql_cannot_store_is_saved(
    signed_in, consultation, content, file_format, status, reason,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    # The check's report quotes the file (its columns, a header it cannot read). A NUL or a
    # byte that is not text (a lone surrogate once decoded) in it made saving the report
    # fail on PostgreSQL, which stores neither, and the batch stayed "checking" for good.
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in, consultation, content, file_format, f"responses.{file_format}")
    batch = ImportBatch.objects.get()
    assert batch.status == status, batch.report
    if reason:
        assert reason in batch.report["errors"][0]["reason"]
        return
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/consultation/imports/{batch.pk}/import/")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.IMPORTED, batch.report
    html = signed_in.get(f"/consultation/imports/{batch.pk}/").content.decode()
    assert "\x00" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("hostile", "header"),
    [
        (b"From: " + b"\\" * 20_000 + b"\nDate: Mon, 02 Mar 2026 09:30:00 +0000\n\nHi.\n", "From"),
        (
            b"From: Ada <ada@example.org>\nDate: Mon, 02 Mar 2026 09:30:00 +0000\n"
            b'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\n'
            b"Hi.\n--b\nContent-Type: application/pdf; name=" + b"\\" * 20_000 + b"\n\nx\n--b--\n",
            "Content-Type",
        ),
    ],
    ids=["from", "a-part's-content-type"],
)
def test_a_header_too_long_to_parse_in_good_time_is_refused_unparsed(
    signed_in, consultation, hostile, header, django_capture_on_commit_callbacks
):
    # The standard library parses a header in time that grows with the square of its
    # length (a few seconds for these 20,000 characters, hours for a megabyte): whoever
    # writes to the consultation's inbox held the import's worker for as long as they liked.
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in, consultation, hostile, "eml", "letter.eml")
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.REJECTED
    assert batch.report["errors"] == [
        {"row": 1, "column": header, "reason": "the header is longer than 2,000 characters."}
    ]
