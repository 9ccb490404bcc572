"""The demo's imported batches (loaded twice, added once) and the README's example files,
each imported by the command as the README shows."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from consultation.demo import SLUG
from consultation.feedback.models import FeedbackItem
from consultation.imports import demo
from consultation.imports.models import ImportBatch, ImportedResponse
from tests.support.consultation_factories import ConsultationFactory

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


@pytest.mark.django_db
def test_the_demo_imports_a_csv_file_and_a_mailbox_once():
    consultation = ConsultationFactory(slug=SLUG)
    demo.load(io.StringIO())
    out = io.StringIO()
    demo.load(out)
    assert "already there" in out.getvalue()
    assert ImportBatch.objects.filter(consultation=consultation, status="imported").count() == 2
    assert ImportedResponse.objects.filter(batch__channel="csv").count() == len(demo.CSV_ROWS)
    assert ImportedResponse.objects.filter(batch__channel="email").count() == len(demo.MESSAGES)
    letter = ImportedResponse.objects.get(content_in_attachment=True)
    assert letter.attachments[0]["name"] == "example-valley-response.pdf"
    assert FeedbackItem.objects.filter(channel="email").count() == 3
    html_mail = ImportedResponse.objects.get(subject="Evidence and evaluation")
    assert html_mail.text.startswith("Every AI tool bought with public money")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, args, responses",
    [
        ("responses.csv", ["--map", "text=Response,external_id=Reference,date=Date received"], 4),
        ("letter.eml", [], 1),
        ("inbox.mbox", [], 3),
    ],
)
def test_the_example_files_import(name, args, responses):
    consultation = ConsultationFactory()
    out = io.StringIO()
    call_command(
        "import_responses", consultation.slug, str(EXAMPLES / name), *args,
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    assert f"Imported {responses} responses" in out.getvalue()
