"""Exports of questionnaire responses: every submitted response with its answers, as rows
the feedback export's formats (consultation.feedback.export.FORMATS) write.

`response_rows(questionnaire)` reads the submitted responses a chunk at a time (three
queries per chunk: the responses, their answers, the options chosen, whatever the chunk's
size) and yields one dict per response: who answered (the respondent's facets, never a
name or an email address) and one key per question, "Q3. The question's text", holding
the free text, the option's label, or the list of labels of a multiple choice (a CSV cell
joins them with "; "). `nested=True` puts the answers in a list under "answers" instead
(question number, id, text and the answer), for JSON Lines.
"""

from consultation.feedback.export import CHUNK_SIZE, chunked, ids_in_order
from consultation.questionnaires.models import (
    Answer,
    AnswerChoice,
    OrganisationType,
    Response,
    ResponseStatus,
)
from consultation.questionnaires.structure import questions_of
from hub.accounts.models import Region, Sector

# Column name -> what it holds, before the questions' columns.
RESPONSE_COLUMNS = {
    "response_id": "The response's number",
    "consultation": "The consultation's title",
    "submitted_at": "When it was (last) submitted (ISO 8601, UTC)",
    "respondent_type": "Organisation (on behalf of one) or Individual",
    "organisation_name": "The organisation it was sent for",
    "organisation_type": "That organisation's type",
    "sector": "The respondent's sector when they answered",
    "region": "The respondent's region when they answered",
    "organisation": "The respondent's own organisation when they answered",
}
_FIELDS = (
    "pk",
    "submitted_at",
    "respondent_type",
    "organisation_name",
    "organisation_type",
    "author_sector",
    "author_region",
    "author_organisation",
)
_SECTORS, _REGIONS = dict(Sector.choices), dict(Region.choices)
_ORGANISATION_TYPES = dict(OrganisationType.choices)


def question_column(question):
    return f"Q{question.number}. {question.text}"


def columns_of(questionnaire, *, nested=False):
    """The columns of the export of `questionnaire`'s responses, in order."""
    if nested:
        return (*RESPONSE_COLUMNS, "answers")
    return (*RESPONSE_COLUMNS, *(question_column(q) for q in questions_of(questionnaire)))


def submitted_responses(questionnaire):
    return Response.objects.filter(questionnaire=questionnaire, status=ResponseStatus.SUBMITTED)


def _answer(question, text, chosen):
    if not question.is_closed:
        return text
    # In the question's order of options, whatever order they were ticked in.
    labels = [label for choice, label in question.choices if choice in chosen]
    return labels if question.is_multiple else (labels[0] if labels else "")


def _answers_of(ids):
    """{response id: {question id: (text, [choice ids])}} for the responses `ids`."""
    answers = {}
    by_answer = {}
    for values in Answer.objects.filter(response_id__in=ids).values(
        "pk", "response_id", "question_id", "text"
    ):
        entry = (values["text"], [])
        answers.setdefault(values["response_id"], {})[values["question_id"]] = entry
        by_answer[values["pk"]] = entry
    for answer_id, choice_id in (
        AnswerChoice.objects.filter(answer__response_id__in=ids)
        .order_by("pk")
        .values_list("answer_id", "choice_id")
    ):
        by_answer[answer_id][1].append(choice_id)
    return answers


def _row(values, title):
    for_organisation = values["respondent_type"] == "organisation"
    return {
        "response_id": values["pk"],
        "consultation": title,
        "submitted_at": values["submitted_at"].isoformat(),
        "respondent_type": "Organisation" if for_organisation else "Individual",
        "organisation_name": values["organisation_name"],
        "organisation_type": str(_ORGANISATION_TYPES.get(values["organisation_type"], "")),
        "sector": str(_SECTORS.get(values["author_sector"], "")),
        "region": str(_REGIONS.get(values["author_region"], "")),
        "organisation": values["author_organisation"],
    }


def response_rows(questionnaire, *, nested=False, chunk_size=None):
    """One row per submitted response of `questionnaire` (see the module's docstring)."""
    questions = questions_of(questionnaire)
    title = questionnaire.consultation.title
    ids = ids_in_order(submitted_responses(questionnaire), chunk_size=chunk_size)
    for chunk in chunked(ids, chunk_size or CHUNK_SIZE):
        responses = Response.objects.filter(pk__in=chunk).order_by("pk").values(*_FIELDS)
        answers = _answers_of(chunk)
        for values in responses:
            row = _row(values, title)
            given = answers.get(values["pk"], {})
            shown = [
                (question, _answer(question, *given.get(question.id, ("", []))))
                for question in questions
            ]
            if nested:
                row["answers"] = [
                    {
                        "number": question.number,
                        "question_id": question.id,
                        "question": question.text,
                        "answer": answer,
                    }
                    for question, answer in shown
                ]
            else:
                row.update((question_column(question), answer) for question, answer in shown)
            yield row
