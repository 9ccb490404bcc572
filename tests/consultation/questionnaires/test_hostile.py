"""Hostile input in every box of the questionnaire: free-text answers and the organisation's
name keep the words (cleaned) and are shown escaped on the review page, one's response and
in the receipt; made-up option ids and question ids are refused with a message and store
nothing."""

import pytest
from django.core import mail

from consultation.questionnaires import services
from consultation.questionnaires.models import Answer, Response
from consultation.questionnaires.structure import questions_of
from tests.support.hostile import HOSTILE_MARKUP
from tests.support.inert_html import problems_in_page, tag_counts
from tests.support.questionnaire_factories import answered, questionnaire_on, two_pages

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

BASE = "/consultation/draft/questionnaire/"


@pytest.fixture
def questionnaire(consultation, section):
    return questionnaire_on(consultation, pages=two_pages(section, text_limit=2000))


def test_hostile_text_is_kept_as_words_and_shown_inert(
    client, questionnaire, stakeholder, django_capture_on_commit_callbacks
):
    free = questions_of(questionnaire)[3]
    answered(questionnaire, stakeholder, text="Plain words", submit=False)
    client.force_login(stakeholder)
    baseline = tag_counts(client.get(BASE + "check/").content.decode())
    text = "\n\n".join(HOSTILE_MARKUP)[:2000]
    services.answers_save(
        respondent=stakeholder, questionnaire=questionnaire, answers={free.id: [text]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(BASE + "check/")
    answer = Answer.objects.exclude(text="").get()
    assert "<script>alert(1)</script>" in answer.text  # the words, as typed
    for path in ("check/", "your-response/"):
        html = client.get(BASE + path).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert problems_in_page(html, baseline) == [], path
    receipt_html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in receipt_html and "&lt;script&gt;" in receipt_html


@pytest.mark.parametrize("markup", HOSTILE_MARKUP[:12])
def test_hostile_organisation_names_are_stored_without_markup(
    client, questionnaire, stakeholder, markup
):
    client.force_login(stakeholder)
    client.post(
        BASE + "about-you/",
        {
            "respondent_type": "organisation",
            "organisation_name": f"Example {markup}",
            "organisation_type": "charity",
        },
    )
    response = Response.objects.get()
    assert "<" not in response.organisation_name
    html = client.get(BASE + "your-response/").content.decode()
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_made_up_ids_are_refused_and_nothing_is_stored(questionnaire, stakeholder):
    single, multiple, scale, free = questions_of(questionnaire)
    for answers in (
        {single.id: ["<script>"]},
        {multiple.id: ["not-an-option"]},
        {scale.id: ["agree", "disagree"]},
        {"no-such-question": ["x"]},
        {free.id: ["x" * 50_000]},
    ):
        with pytest.raises(services.InvalidAnswers):
            services.answers_save(
                respondent=stakeholder, questionnaire=questionnaire, answers=answers
            )
    assert Response.objects.count() == 0


def test_control_and_invisible_characters_are_removed(questionnaire, stakeholder):
    answered(questionnaire, stakeholder, text="\u202eDanger\u0000 \u200bzone\r\n", submit=False)
    assert Answer.objects.exclude(text="").get().text == "Danger zone"


def test_a_huge_post_gets_a_message_not_an_error(client, questionnaire, stakeholder):
    free = questions_of(questionnaire)[3]
    client.force_login(stakeholder)
    client.post(BASE + "about-you/", {"respondent_type": "individual"})
    response = client.post(BASE + "pages/2/", {f"q-{free.id}": "y" * 100_000, "action": "later"})
    assert response.status_code == 200
    assert "Your answer is too long." in response.content.decode()
    assert Answer.objects.count() == 0
