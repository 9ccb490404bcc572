"""Demo content of the imports: responses to the demo consultation that came by other
channels, a small CSV file (as a paper survey's typed-up answers would arrive) and a small
mailbox with three emails, one of them a letter "please find attached" with the response in
a PDF. Every word is written for the demo by the hub's authors (invented people and
organisations). The files are made here, in memory, and imported as the upload page does;
running `load` again changes nothing (the batches are found by name). `docs/examples/`
holds the same files for the README."""

import csv
import io
from email.message import EmailMessage

from consultation.demo import SLUG
from consultation.imports import services
from consultation.imports.models import BatchStatus, ImportBatch
from consultation.models import Consultation

CSV_NAME = "paper-responses.csv"
MBOX_NAME = "consultation-inbox.mbox"

CSV_COLUMNS = ["Reference", "Response", "Date received", "Organisation", "Sector", "Region"]
CSV_ROWS = [
    [
        "P-001",
        "I do not use the internet much. Please make sure a person can still explain to me "
        "what a computer decided about my care, and that I can ask for someone to look again.",
        "2026-02-10",
        "",
        "Patient or carer",
        "North East",
    ],
    [
        "P-002",
        "Our care home would like to try tools that spot falls at night, but we need help "
        "to judge which ones are safe and who pays when the trial ends.",
        "2026-02-11",
        "Example Lodge Care Home",
        "Social care",
        "South West",
    ],
    [
        "P-003",
        "Training should be in paid time. Nurses cannot learn a new system on their break.",
        "12/02/2026",
        "",
        "Nurse or allied health professional",
        "Yorkshire and the Humber",
    ],
    [
        "P-004",
        "The strategy should say how results will be checked for people of every "
        "background, not only on average.",
        "13/02/2026",
        "Example Community Health Forum",
        "Charity",
        "London",
    ],
]

MESSAGES = [
    {
        "from": "Sam Example <sam@example.net>",
        "date": "Mon, 16 Feb 2026 08:42:00 +0000",
        "subject": "My views on the draft strategy",
        "id": "<demo-inbox-1@example.net>",
        "text": "Hello,\n\nI am a carer for my father. The draft talks a lot about hospitals. "
        "Please add examples from care at home, where most of the work happens.\n\nSam",
    },
    {
        "from": "Policy Office <policy@example-trust.example>",
        "date": "Tue, 17 Feb 2026 16:05:00 +0000",
        "subject": "Response from Example Valley NHS Trust",
        "id": "<demo-inbox-2@example-trust.example>",
        "text": "Dear consultation team,\n\nPlease find attached our response to the "
        "consultation.\n\nKind regards,\nPolicy Office",
        "attachment": ("example-valley-response.pdf", b"%PDF-1.4\n% demo letter\n" * 40),
    },
    {
        "from": "Dr Jo Example <jo@example.ac.uk>",
        "date": "Wed, 18 Feb 2026 11:20:00 +0000",
        "subject": "Evidence and evaluation",
        "id": "<demo-inbox-3@example.ac.uk>",
        "html": "<html><body><p>Every AI tool bought with public money should publish "
        "how it was evaluated.</p><p>A <b>register</b> of tools in use would help.</p>"
        "</body></html>",
    },
]


def demo_csv():
    """The CSV file's bytes (UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(CSV_ROWS)
    return out.getvalue().encode()


CSV_MAPPING = {
    "external_id": "Reference",
    "text": "Response",
    "date": "Date received",
    "organisation": "Organisation",
    "sector": "Sector",
    "region": "Region",
}


def demo_message(entry):
    message = EmailMessage()
    message["From"] = entry["from"]
    message["To"] = "consultation@example.org"
    message["Date"] = entry["date"]
    message["Subject"] = entry["subject"]
    message["Message-ID"] = entry["id"]
    if "html" in entry:
        message.set_content(entry["html"], subtype="html")
    else:
        message.set_content(entry["text"])
    if "attachment" in entry:
        name, data = entry["attachment"]
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return message


def demo_mbox():
    """The mailbox's bytes: each message after an mbox "From " line."""
    parts = []
    for entry in MESSAGES:
        message = demo_message(entry)
        body = message.as_bytes(policy=message.policy.clone(linesep="\n"))
        parts.append(b"From demo@example.org Mon Feb 16 08:42:00 2026\n")
        parts.append(body.replace(b"\nFrom ", b"\n>From ") + b"\n")
    return b"".join(parts)


def _import(consultation, name, file_format, content, mapping=None):
    batch = services.batch_create(
        consultation=consultation,
        user=None,
        file_name=name,
        file_format=file_format,
        content=content,
        mapping=mapping,
    )
    services.batch_check(batch=batch)
    if batch.status != BatchStatus.READY:
        raise RuntimeError(f"The demo file {name} does not import: {batch.report['errors']}")
    return services.batch_import(batch=services.batch_start(batch=batch), actor=None)


def load(stdout):
    consultation = Consultation.objects.filter(slug=SLUG).first()
    if consultation is None:
        stdout.write("Demo imports: no demo consultation, nothing added.")
        return
    if ImportBatch.objects.filter(consultation=consultation, file_name=CSV_NAME).exists():
        stdout.write("Demo imports: already there.")
        return
    paper = _import(consultation, CSV_NAME, "csv", demo_csv(), CSV_MAPPING)
    inbox = _import(consultation, MBOX_NAME, "mbox", demo_mbox())
    stdout.write(
        f"Demo imports: {paper.responses_created} responses from a CSV file and "
        f"{inbox.responses_created} emails, one with its response in an attachment."
    )
