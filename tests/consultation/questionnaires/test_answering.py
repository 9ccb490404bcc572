"""Answering a questionnaire through its pages: who one responds as, a page at a time,
each page saved to the server (a new session finds it), the review page with its change
links, one submit (a double submit stores one response and sends one receipt), changing
answers until the close where allowed, and one's response to view and print."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from consultation.questionnaires.models import Answer, AnswerChoice, Response, ResponseStatus
from consultation.questionnaires.structure import questions_of
from tests.support.markup import first_text_in_main, id_problems, soup_of
from tests.support.questionnaire_factories import answered, questionnaire_on

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

BASE = "/consultation/draft/questionnaire/"


@pytest.fixture
def questionnaire(consultation, section):
    return questionnaire_on(consultation, section=section)


@pytest.fixture
def questions(questionnaire):
    return questions_of(questionnaire)


def choice(question, label):
    return next(choice_id for choice_id, text in question.choices if text == label)


def page_one(questions, *, clear="Yes", areas=("Data",), action="continue"):
    single, multiple, *_ = questions
    data = {f"q-{multiple.id}": [choice(multiple, label) for label in areas], "action": action}
    if clear:
        data[f"q-{single.id}"] = choice(single, clear)
    return data


def page_two(questions, *, safety="agree", text="More training for staff.", action="continue"):
    *_, scale, free = questions
    return {f"q-{scale.id}": safety, f"q-{free.id}": text, "action": action}


def test_the_whole_journey_over_two_visits(
    client, questionnaire, questions, stakeholder, django_capture_on_commit_callbacks
):
    client.force_login(stakeholder)
    start = client.get(BASE)
    assert "Start now" in start.content.decode()
    assert client.post(BASE + "about-you/", {"respondent_type": "individual"}).url == (
        BASE + "pages/1/"
    )
    assert client.post(BASE + "pages/1/", page_one(questions)).url == BASE + "pages/2/"
    # Half of page two, saved for later; then the session ends.
    response = client.post(
        BASE + "pages/2/", page_two(questions, safety="", text="Half", action="later")
    )
    assert response.url == BASE
    client.logout()

    client.force_login(stakeholder)
    again = client.get(BASE).content.decode()
    assert "Continue your response" in again
    page = client.get(BASE + "pages/2/").content.decode()
    assert ">\nHalf</textarea>" in page
    assert client.post(BASE + "pages/2/", page_two(questions)).url == BASE + "check/"
    review = client.get(BASE + "check/").content.decode()
    for words in ("Yes", "Data", "Agree", "More training for staff.", "As an individual"):
        assert words in review
    assert review.count(">Change<") == 5  # who one responds as, and four questions
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(BASE + "check/")
    assert submitted.url == BASE + "your-response/"
    response = Response.objects.get()
    assert response.is_submitted and response.submitted_at
    assert len(mail.outbox) == 1
    receipt = mail.outbox[0]
    assert receipt.to == [stakeholder.email]
    assert "More training for staff." in receipt.body and "Agree" in receipt.body
    assert f"{settings.SITE_URL.rstrip('/')}{BASE}your-response/" in receipt.body
    own = client.get(BASE + "your-response/").content.decode()
    assert "Submitted on" in own and "More training for staff." in own
    assert "questionnaires.css" in own  # its print stylesheet


def test_double_submit_stores_one_response_and_sends_one_receipt(
    client, questionnaire, stakeholder, django_capture_on_commit_callbacks
):
    answered(questionnaire, stakeholder, submit=False)
    client.force_login(stakeholder)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(BASE + "check/")
        second = client.post(BASE + "check/")
    assert first.status_code == second.status_code == 302
    assert Response.objects.count() == 1
    assert len(mail.outbox) == 1


def test_required_questions_are_asked_for_when_going_on_not_when_saving_for_later(
    client, questionnaire, questions, stakeholder
):
    client.force_login(stakeholder)
    client.post(BASE + "about-you/", {"respondent_type": "individual"})
    refused = client.post(BASE + "pages/1/", page_one(questions, clear="", areas=()))
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "Select an answer to question 1." in html
    assert "Select at least one option for question 2." in html
    assert first_text_in_main(html).get_text(strip=True) == "There is a problem"
    assert id_problems(html) == []
    later = client.post(BASE + "pages/1/", page_one(questions, clear="", action="later"))
    assert later.status_code == 302
    assert Answer.objects.count() == 1  # the areas; nothing for the unanswered question


def test_submitting_with_a_required_answer_missing_lists_it_with_a_link(
    client, questionnaire, questions, stakeholder
):
    answered(questionnaire, stakeholder, clear="", submit=False)
    client.force_login(stakeholder)
    response = client.post(BASE + "check/")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Answer question 1: Is the vision clear?" in html
    assert f'href="{BASE}pages/1/?return_to=check"' in html
    assert not Response.objects.get().is_submitted
    assert mail.outbox == []


def test_one_bad_answer_on_a_page_stores_nothing_of_it(
    client, questionnaire, questions, stakeholder
):
    client.force_login(stakeholder)
    client.post(BASE + "about-you/", {"respondent_type": "individual"})
    data = page_two(questions, text="x" * 201)
    html = client.post(BASE + "pages/2/", data).content.decode()
    assert "Your answer is 201 characters long. Shorten it to 200 characters or fewer." in html
    assert Answer.objects.count() == 0
    data = page_one(questions)
    data[f"q-{questions[0].id}"] = "not-an-option"
    html = client.post(BASE + "pages/1/", data).content.decode()
    assert "Choose from the options listed." in html
    assert Answer.objects.count() == 0


def test_change_links_bring_people_back_to_the_review_page(
    client, questionnaire, questions, stakeholder
):
    answered(questionnaire, stakeholder, submit=False)
    client.force_login(stakeholder)
    page = client.get(BASE + "pages/1/?return_to=check").content.decode()
    assert 'name="return_to" value="check"' in page
    data = {**page_one(questions, clear="No"), "return_to": "check"}
    assert client.post(BASE + "pages/1/", data).url == BASE + "check/"
    single = questions[0]
    assert AnswerChoice.objects.get(answer__question_id=single.id).choice_id == choice(single, "No")


def test_changing_a_submitted_response_until_the_close_sends_a_new_receipt(
    client, questionnaire, questions, stakeholder, django_capture_on_commit_callbacks
):
    answered(questionnaire, stakeholder)
    client.force_login(stakeholder)
    client.post(BASE + "pages/2/", page_two(questions, text="Changed my mind."))
    response = Response.objects.get()
    assert response.changed_since_receipt
    assert "confirm your changes" in client.get(BASE + "your-response/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(BASE + "check/")
    assert len(mail.outbox) == 1 and "Changed my mind." in mail.outbox[0].body
    assert Answer.objects.get(question_id=questions[3].id).text == "Changed my mind."


def test_a_questionnaire_that_allows_no_changes_keeps_the_submitted_answers(
    client, consultation, section, stakeholder
):
    questionnaire = questionnaire_on(consultation, allow_changes=False)
    questions = questions_of(questionnaire)
    answered(questionnaire, stakeholder, text="First words")
    client.force_login(stakeholder)
    response = client.post(BASE + "pages/2/", page_two(questions, text="Second words"))
    assert response.url == BASE + "your-response/"
    assert Answer.objects.get(question_id=questions[3].id).text == "First words"


def test_responding_for_an_organisation_needs_its_name_and_type(client, questionnaire, stakeholder):
    client.force_login(stakeholder)
    html = client.post(BASE + "about-you/", {"respondent_type": "organisation"}).content.decode()
    assert "Enter the name of your organisation." in html
    assert "Select the type of organisation." in html
    assert Response.objects.count() == 0
    client.post(
        BASE + "about-you/",
        {
            "respondent_type": "organisation",
            "organisation_name": "<b>Example</b> Care Trust",
            "organisation_type": "charity",
        },
    )
    response = Response.objects.get()
    assert response.organisation_name == "Example Care Trust"
    assert response.author_is_organisation
    assert response.author_organisation == "Example Care Trust"
    assert response.author_sector == stakeholder.profile.sector


def test_facets_are_kept_as_they_were_when_answering(questionnaire, stakeholder):
    response = answered(questionnaire, stakeholder)
    profile = stakeholder.profile
    sector, region = profile.sector, profile.region
    profile.sector, profile.region = "industry", "wales"
    profile.save()
    response.refresh_from_db()
    assert (response.author_sector, response.author_region) == (sector, region)


def test_the_consultation_page_and_start_page_lead_to_the_questionnaire(client, questionnaire):
    assert BASE in client.get("/consultation/draft/").content.decode()
    start = client.get(BASE).content.decode()
    assert "Sign in" in start and questionnaire.title in start


def test_after_the_close_nothing_can_be_answered_but_ones_response_stays_readable(
    client, questionnaire, questions, stakeholder, consultation
):
    answered(questionnaire, stakeholder, text="Before the close")
    consultation.opens_at = timezone.now() - datetime.timedelta(days=10)
    consultation.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    consultation.save()
    client.force_login(stakeholder)
    refused = client.post(BASE + "pages/2/", page_two(questions, text="After"))
    assert refused.status_code == 403
    assert "This consultation closed on" in refused.content.decode()
    assert Answer.objects.get(question_id=questions[3].id).text == "Before the close"
    assert "Before the close" in client.get(BASE + "your-response/").content.decode()


def test_pages_have_unique_ids_and_labelled_fields(client, questionnaire, stakeholder):
    client.force_login(stakeholder)
    for path in ("about-you/", "pages/1/", "pages/2/"):
        html = client.get(BASE + path).content.decode()
        assert id_problems(html) == [], path
        soup = soup_of(html)
        assert soup.find("input", attrs={"name": "csrfmiddlewaretoken"}) is not None
    assert client.get(BASE + "pages/3/").status_code == 404


def test_the_services_check_the_rules_themselves(questionnaire, questions, stakeholder):
    from consultation.models import BlockedUser
    from consultation.questionnaires import services

    answered(questionnaire, stakeholder, submit=False)
    consultation = questionnaire.consultation
    after_close = consultation.closes_at + datetime.timedelta(minutes=1)
    free = questions[3]
    with pytest.raises(services.NotAllowed):
        services.answers_save(
            respondent=stakeholder,
            questionnaire=questionnaire,
            answers={free.id: ["Late"]},
            now=after_close,
        )
    with pytest.raises(services.NotAllowed):
        services.response_submit(
            respondent=stakeholder, questionnaire=questionnaire, now=after_close
        )
    BlockedUser.objects.create(user=stakeholder, reason="Spam")
    stakeholder = type(stakeholder).objects.get(pk=stakeholder.pk)  # no remembered answers
    with pytest.raises(services.NotAllowed):
        services.response_submit(respondent=stakeholder, questionnaire=questionnaire)
    assert not Response.objects.get().is_submitted
    assert Answer.objects.get(question_id=free.id).text == "Hi"


def test_saving_answers_is_rate_limited_and_a_refused_save_stores_nothing(
    client, questionnaire, questions, stakeholder, settings
):
    """A script saving pages in a loop writes answers, feedback items and their search
    index each time: saves count against their own limit (a form with errors does not)."""
    settings.CONSULTATION_ANSWER_RATE_LIMITS = "3/m/user"
    client.force_login(stakeholder)
    assert client.post(BASE + "about-you/", {"respondent_type": "individual"}).status_code == 302
    assert client.post(BASE + "pages/2/", page_two(questions, text="One.")).status_code == 302
    invalid = client.post(BASE + "about-you/", {"respondent_type": "<script>"})
    assert invalid.status_code == 200  # the form's error, not counted
    assert client.post(BASE + "pages/2/", page_two(questions, text="Two.")).status_code == 302
    limited = client.post(BASE + "pages/2/", page_two(questions, text="Three."))
    assert limited.status_code == 429
    assert "You have saved answers many times in a short time" in limited.content.decode()
    assert int(limited["Retry-After"]) > 0
    free = questions[-1]
    assert Answer.objects.get(question_id=free.id).text == "Two."
    assert client.post(BASE + "check/").status_code == 429
    assert not Response.objects.filter(status=ResponseStatus.SUBMITTED).exists()


def test_each_question_says_before_it_is_answered_whether_it_can_be_left_out(
    client, questionnaire, questions, stakeholder
):
    client.force_login(stakeholder)
    client.post(BASE + "about-you/", {"respondent_type": "individual"})
    names = {}
    for number in (1, 2):
        page = soup_of(client.get(BASE + f"pages/{number}/").content.decode())
        for question in questions:
            field = page.find(attrs={"name": f"q-{question.id}"})
            if field is None:
                continue
            # What names the field: the legend of its group of choices, or its label.
            fieldset = field.find_parent("fieldset")
            names[question.number] = (
                fieldset.legend if fieldset else page.find("label", attrs={"for": field["id"]})
            ).get_text(" ", strip=True)
    # The check page says "(optional)"; so does the question where it is asked, rather
    # than leaving the reader to learn that a question was needed from an error.
    for question in questions:
        assert names[question.number].endswith("(optional)") != question.required, names
