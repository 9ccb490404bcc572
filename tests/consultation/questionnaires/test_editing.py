"""Editors build questionnaires in the Wagtail admin: every question and option keeps its
id when it is reworded or moved (Wagtail's block ids), so answers stay attached; a
question or option someone answered cannot be removed, nor a questionnaire with answers
deleted."""

import pytest
from wagtail.test.utils.form_data import nested_form_data

from consultation.questionnaires import selectors
from consultation.questionnaires.models import Questionnaire
from consultation.questionnaires.structure import questions_of
from tests.support.questionnaire_factories import answered, questionnaire_on

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

ADMIN = "/admin/snippets/questionnaires/questionnaire/"


def _stream(children, fill):
    """Wagtail's form data for a StreamBlock or ListBlock: `fill(child)` gives a child's
    value fields."""
    data = {"count": str(len(children))}
    for n, child in enumerate(children):
        data[str(n)] = {"deleted": "", "order": str(n), "id": child["id"], **fill(child)}
    return data


def _question(block):
    value = block["value"]
    fields = {"text": value["text"], "help_text": value["help_text"]}
    if value["required"]:
        fields["required"] = "on"
    if "choices" in value:
        fields["choices"] = _stream(value["choices"], lambda item: {"value": item["value"]})
    if "max_length" in value:
        fields["max_length"] = str(value["max_length"])
    return {"type": block["type"], "value": fields}


def _page(block):
    value = block["value"]
    return {
        "type": "page",
        "value": {
            "heading": value["heading"],
            "section": str(value["section"] or ""),
            "introduction": value["introduction"],
            "questions": _stream(value["questions"], _question),
        },
    }


def edit_form(questionnaire, raw_pages, **fields):
    """The admin's edit form as a browser posts it, with the pages given (raw blocks)."""
    return nested_form_data(
        {
            "consultation": str(questionnaire.consultation_id),
            "title": fields.get("title", questionnaire.title),
            "introduction": questionnaire.introduction,
            "pages": _stream(raw_pages, _page),
            "allow_changes": "on",
        }
    )


@pytest.fixture
def questionnaire(consultation, section):
    return questionnaire_on(consultation, section=section)


def test_an_editor_can_open_the_admin_pages(editor_client, questionnaire):
    assert editor_client.get(ADMIN).status_code == 200
    assert editor_client.get(ADMIN + "add/").status_code == 200
    assert editor_client.get(f"{ADMIN}edit/{questionnaire.pk}/").status_code == 200


def test_rewording_and_reordering_keeps_ids_and_answers(editor_client, questionnaire, stakeholder):
    answered(questionnaire, stakeholder, clear="Yes")
    before = questions_of(questionnaire)
    raw = questionnaire.pages.raw_data
    raw = [dict(block) for block in raw]
    questions = raw[0]["value"]["questions"]
    questions[0]["value"]["text"] = "Is the vision of the strategy clear?"
    questions[0]["value"]["choices"][0]["value"] = "Yes, clear"
    raw[0]["value"]["questions"] = [questions[1], questions[0]]  # moved
    response = editor_client.post(f"{ADMIN}edit/{questionnaire.pk}/", edit_form(questionnaire, raw))
    assert response.status_code == 302, response.content.decode()[:3000]
    questionnaire = Questionnaire.objects.get(pk=questionnaire.pk)
    after = {question.id: question for question in questions_of(questionnaire)}
    assert set(after) == {question.id for question in before}
    assert after[before[0].id].text == "Is the vision of the strategy clear?"
    assert after[before[0].id].number == 2
    summary = selectors.closed_summary(questionnaire)
    clear = next(item for item in summary.questions if item.question.id == before[0].id)
    assert (clear.rows[0].label, clear.rows[0].cells[0].count) == ("Yes, clear", 1)


def test_an_answered_question_or_option_cannot_be_removed(
    editor_client, questionnaire, stakeholder
):
    answered(questionnaire, stakeholder, clear="Yes", areas=("Data",))
    raw = [dict(block) for block in questionnaire.pages.raw_data]
    raw[0]["value"]["questions"][0]["value"]["choices"] = raw[0]["value"]["questions"][0]["value"][
        "choices"
    ][1:]  # "Yes" removed
    raw[1]["value"]["questions"] = raw[1]["value"]["questions"][:1]  # the free text removed
    response = editor_client.post(f"{ADMIN}edit/{questionnaire.pk}/", edit_form(questionnaire, raw))
    html = response.content.decode()
    assert response.status_code == 200
    assert "People chose “Yes” in “Is the vision clear?”, so it cannot be removed." in html
    assert "People have answered “What should change?”" in html
    assert len(questions_of(Questionnaire.objects.get(pk=questionnaire.pk))) == 4


def test_an_unanswered_question_can_be_removed(editor_client, questionnaire):
    raw = [dict(block) for block in questionnaire.pages.raw_data]
    raw[1]["value"]["questions"] = raw[1]["value"]["questions"][:1]
    response = editor_client.post(f"{ADMIN}edit/{questionnaire.pk}/", edit_form(questionnaire, raw))
    assert response.status_code == 302
    assert len(questions_of(Questionnaire.objects.get(pk=questionnaire.pk))) == 3


def test_a_questionnaire_with_responses_cannot_be_deleted(
    editor_client, questionnaire, stakeholder
):
    answered(questionnaire, stakeholder)
    response = editor_client.post(f"{ADMIN}delete/{questionnaire.pk}/")
    assert response.status_code == 302
    assert Questionnaire.objects.filter(pk=questionnaire.pk).exists()
