"""Emails (.eml) and mailboxes (.mbox) through `manage.py import_responses`: sender, date,
subject, text (HTML reduced to words, scripts dropped), attachments, the "content in
attachment" flag, Message-ID idempotence, and the files that are refused."""

from email.message import EmailMessage
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from consultation.feedback.models import FeedbackItem
from consultation.imports.email_format import content_in_attachment, html_to_text
from consultation.imports.models import ImportedResponse


def message(
    *,
    sender="Ada Example <ada@example.org>",
    date="Mon, 02 Mar 2026 09:30:00 +0000",
    subject="Response to the draft strategy",
    text="Please say who the strategy is for.",
    html=None,
    attachment=None,
    message_id="<one@example.org>",
):
    msg = EmailMessage()
    if sender:
        msg["From"] = sender
    msg["To"] = "consultation@example.org"
    if date:
        msg["Date"] = date
    msg["Subject"] = subject
    if message_id:
        msg["Message-ID"] = message_id
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    if attachment:
        msg.add_attachment(
            attachment, maintype="application", subtype="pdf", filename="response.pdf"
        )
    return msg


def mbox_of(*messages):
    return b"".join(
        b"From sender@example.org Mon Mar  2 09:30:00 2026\n"
        + m.as_bytes().replace(b"\nFrom ", b"\n>From ")
        + b"\n"
        for m in messages
    )


MBOX = mbox_of(
    message(),
    message(
        sender="Policy Team <policy@trust.example.org>",
        text="Dear team,\n\nPlease find attached our response.\n\nKind regards,\nPolicy Team",
        attachment=b"%PDF-1.4 our response" * 10,
        message_id="<two@example.org>",
    ),
)


def run(consultation, tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    out, err = StringIO(), StringIO()
    call_command("import_responses", consultation.slug, str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(consultation, tmp_path, content, name):
    err = StringIO()
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_responses", consultation.slug, str(path), stdout=StringIO(), stderr=err
        )
    assert not ImportedResponse.objects.exists() and not FeedbackItem.objects.exists()
    return err.getvalue()


@pytest.mark.django_db
def test_an_eml_message_becomes_a_response(consultation, tmp_path):
    out, _ = run(consultation, tmp_path, message().as_bytes(), "letter.eml")
    assert "1 new" in out
    response = ImportedResponse.objects.get()
    assert (response.respondent_name, response.respondent_email) == (
        "Ada Example",
        "ada@example.org",
    )
    assert response.subject == "Response to the draft strategy"
    assert response.message_id == "<one@example.org>"
    assert response.received_at.isoformat() == "2026-03-02T09:30:00+00:00"
    assert response.text == "Please say who the strategy is for."
    assert response.feedback_item.channel == "email"
    assert not response.content_in_attachment


@pytest.mark.django_db
def test_a_mailbox_with_a_see_attached_letter(consultation, tmp_path):
    out, _ = run(consultation, tmp_path, MBOX, "letters.mbox")
    assert "2 new" in out and "1 with the response in an attachment" in out
    letter = ImportedResponse.objects.get(message_id="<two@example.org>")
    assert letter.content_in_attachment
    assert letter.attachments == [{"name": "response.pdf", "type": "application/pdf", "size": 210}]
    assert letter.feedback_item.in_analysis  # counted, with the flag to say where to read
    # The same mailbox again (keyed on Message-ID) adds nothing.
    out, _ = run(consultation, tmp_path, MBOX, "again.mbox")
    assert "0 new, 2 already imported" in out
    assert ImportedResponse.objects.count() == 2


@pytest.mark.django_db
def test_without_message_id_the_content_decides(consultation, tmp_path):
    content = message(message_id=None).as_bytes()
    run(consultation, tmp_path, content, "a.eml")
    out, _ = run(consultation, tmp_path, content, "b.eml")
    assert "0 new, 1 already imported" in out


@pytest.mark.django_db
def test_html_email_is_reduced_to_text_without_its_script(consultation, tmp_path):
    html = (
        "<html><head><style>p{color:red}</style><title>T</title></head><body>"
        "<script>alert('x')</script><p>Data must stay in the NHS.</p>"
        "<p>Second <b>point</b> &amp; more.</p><img src=x onerror=alert(1)></body></html>"
    )
    msg = EmailMessage()
    msg["From"] = "a@example.org"
    msg["Date"] = "Tue, 03 Mar 2026 10:00:00 +0000"
    msg.set_content(html, subtype="html")
    run(consultation, tmp_path, msg.as_bytes(), "html.eml")
    text = ImportedResponse.objects.get().text
    assert text == "Data must stay in the NHS.\n\nSecond point & more."
    assert "alert" not in text and "color" not in text


def test_the_see_attached_rule():
    pdf = [{"name": "r.pdf", "type": "application/pdf", "size": 10}]
    assert content_in_attachment("", pdf)
    assert content_in_attachment("See attached.", pdf)
    assert content_in_attachment("Hello, please find our response enclosed. Thanks, Jo", pdf)
    assert not content_in_attachment("See attached.", [])  # nothing attached: just words
    long_letter = "We attached a chart, but here is our view in full. " + "More words. " * 40
    assert not content_in_attachment(long_letter, pdf)


def test_html_to_text_keeps_blocks_as_lines():
    assert html_to_text("<ul><li>One</li><li>Two</li></ul><br>Three") == "One\nTwo\n\nThree"


@pytest.mark.django_db
def test_a_message_without_a_date_or_sender_rejects_the_mailbox(consultation, tmp_path):
    content = mbox_of(message(), message(date=None, message_id="<b@x>"), message(sender=None))
    err = refused(consultation, tmp_path, content, "box.mbox")
    assert "Message 2, header “Date”: the message has no date." in err
    assert "Message 3, header “From”: the message has no sender." in err


@pytest.mark.django_db
def test_a_date_that_is_not_a_date_is_reported(consultation, tmp_path):
    content = message().as_bytes().replace(b"Mon, 02 Mar 2026 09:30:00 +0000", b"the day after")
    err = refused(consultation, tmp_path, content, "a.eml")
    assert "“the day after” is not a date" in err


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02 binary \xff\xfe", b"just some words\nwith no headers at all\n"],
)
def test_a_file_that_is_not_an_email_is_refused(consultation, tmp_path, content):
    err = refused(consultation, tmp_path, content, "broken.eml")
    assert "Message 1" in err


@pytest.mark.django_db
def test_a_mailbox_without_messages_is_refused(consultation, tmp_path):
    err = refused(consultation, tmp_path, b"not a mailbox\n", "empty.mbox")
    assert "No messages found" in err
