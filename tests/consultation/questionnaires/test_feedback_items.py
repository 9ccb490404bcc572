"""Free-text answers become feedback items once the response is submitted: searched and
counted with the comments, with the respondent's facets as they answered, and kept in
step while the response may still be changed. A draft has none."""

import pytest
from django.http import QueryDict

from consultation import search
from consultation.feedback.models import FeedbackItem, SourceKind
from consultation.questionnaires.models import Response
from consultation.questionnaires.structure import questions_of
from consultation.search.types import FeedbackQuery
from tests.support.questionnaire_factories import answered, questionnaire_on

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

BASE = "/consultation/draft/questionnaire/"


@pytest.fixture
def questionnaire(consultation, section):
    return questionnaire_on(consultation, section=section)


def searched(words, **filters):
    query = QueryDict(mutable=True)
    query["q"] = words
    for name, value in filters.items():
        query[name] = value
    return search.run(FeedbackQuery.from_querydict(query))


def answer_items():
    return FeedbackItem.objects.filter(source_kind=SourceKind.ANSWER)


def test_a_draft_has_no_item_and_submitting_makes_one(client, questionnaire, stakeholder):
    answered(questionnaire, stakeholder, text="Train every nurse in data", submit=False)
    assert not answer_items().exists()

    client.force_login(stakeholder)
    assert client.post(BASE + "check/").url == BASE + "your-response/"
    item = answer_items().get()
    response = Response.objects.get()
    assert item.text == "Train every nurse in data"
    assert item.answer_source.response == response
    assert item.consultation_id == questionnaire.consultation_id
    assert item.author_id == stakeholder.pk
    assert (item.author_sector, item.author_region) == (
        response.author_sector,
        response.author_region,
    )
    assert item.in_analysis and item.moderation_state == "published"

    results = searched("nurse", source_kind="answer")
    assert [hit.item_id for hit in results.hits] == [item.pk]
    kinds = {value.value: value.count for value in results.facet("source_kind").values}
    assert kinds["answer"] == 1


def test_changing_a_submitted_answer_changes_its_item(client, questionnaire, stakeholder):
    answered(questionnaire, stakeholder, text="First words on staffing")
    item = answer_items().get()
    free = questions_of(questionnaire)[3]
    client.force_login(stakeholder)
    client.post(
        BASE + "pages/2/",
        {f"q-{free.id}": "Second thoughts on funding", "action": "continue"},
    )
    item.refresh_from_db()
    assert item.text == "Second thoughts on funding"
    assert not searched("staffing").total and searched("funding").total == 1


def test_an_answer_taken_back_takes_its_item(client, questionnaire, stakeholder):
    answered(questionnaire, stakeholder, text="Words to take back")
    free = questions_of(questionnaire)[3]
    client.force_login(stakeholder)
    client.post(BASE + "pages/2/", {f"q-{free.id}": "", "action": "continue"})
    assert not answer_items().exists()
    assert not searched("words").total


def test_responding_for_an_organisation_is_a_facet_of_the_items(client, questionnaire, stakeholder):
    answered(
        questionnaire,
        stakeholder,
        text="Our members ask for clear rules",
        respondent_type="organisation",
        organisation_name="Example Care Association",
        organisation_type="charity",
    )
    item = answer_items().get()
    assert item.author_is_organisation
    assert item.author_organisation == "Example Care Association"
    assert searched("members", respondent_type="organisation").total == 1
    assert searched("members", respondent_type="individual").total == 0


def test_hostile_answers_are_stored_as_text_and_found_as_text(questionnaire, stakeholder):
    words = '<script>alert(1)</script> =HYPERLINK("http://x") robots'
    answered(questionnaire, stakeholder, text=words)
    item = answer_items().get()
    assert "<script>" in item.text
    hit = searched("robots").hits[0]
    assert "<script>" not in hit.snippet
