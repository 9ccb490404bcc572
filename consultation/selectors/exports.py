"""Reading what the working group exports: the consultations there is something to export
from, and one export (every feedback item of a consultation, or every submitted
questionnaire response) as a count and the chunks of text to stream, in a format, full or
anonymised. The web page and `manage.py export_feedback` both stream these."""

from dataclasses import dataclass

from django.db.models import Count

from consultation.feedback import export
from consultation.feedback.models import FeedbackItem
from consultation.models import Consultation
from consultation.questionnaires import export as response_export
from consultation.questionnaires.models import Questionnaire

ITEMS, RESPONSES = "items", "responses"
WHAT = {ITEMS: "Feedback items", RESPONSES: "Questionnaire responses"}


@dataclass(frozen=True)
class Export:
    what: str
    format: export.Format
    anonymised: bool
    count: int
    chunks: object  # an iterable of str, read from the database as it is consumed
    filename: str


def consultations_to_export():
    """Every consultation, with how many items it has and its questionnaire's number of
    submitted responses (None without a questionnaire): three queries."""
    consultations = list(
        Consultation.objects.annotate(item_count=Count("feedback_items")).order_by("title")
    )
    responses = dict(
        Questionnaire.objects.filter(responses__status="submitted")
        .annotate(n=Count("responses"))
        .values_list("consultation_id", "n")
    )
    with_questionnaire = set(Questionnaire.objects.values_list("consultation_id", flat=True))
    for consultation in consultations:
        consultation.response_count = (
            responses.get(consultation.pk, 0) if consultation.pk in with_questionnaire else None
        )
    return consultations


def _stream(rows, columns, format_name, anonymised):
    if anonymised:
        rows = export.anonymised(rows)
        columns = export.columns_for(columns, anonymised=True)
    return export.FORMATS[format_name].chunks(rows, columns=columns)


def search_export(item_ids, *, format_name, anonymised):
    """The chunks of a search's download of `item_ids`."""
    return _stream(export.item_rows(item_ids), tuple(export.COLUMNS), format_name, anonymised)


def consultation_export(consultation, *, what, format_name, anonymised):
    """Every item (what=ITEMS) or submitted response (RESPONSES) of `consultation`, or None
    when it has no questionnaire to export responses of."""
    fmt = export.FORMATS[format_name]
    if what == ITEMS:
        count = FeedbackItem.objects.filter(consultation=consultation).count()
        rows = export.item_rows(export.consultation_item_ids(consultation))
        columns = tuple(export.COLUMNS)
    else:
        questionnaire = Questionnaire.objects.filter(consultation=consultation).first()
        if questionnaire is None:
            return None
        questionnaire.consultation = consultation
        nested = format_name == "jsonl"
        count = response_export.submitted_responses(questionnaire).count()
        rows = response_export.response_rows(questionnaire, nested=nested)
        columns = response_export.columns_of(questionnaire, nested=nested)
    suffix = "-anonymised" if anonymised else ""
    return Export(
        what=what,
        format=fmt,
        anonymised=anonymised,
        count=count,
        chunks=_stream(rows, columns, format_name, anonymised),
        filename=f"{consultation.slug}-{what}{suffix}.{fmt.extension}",
    )
