"""Answering a questionnaire in a real browser over two visits: the first with JavaScript
saves part of it and leaves; the second, in a new session without JavaScript, finds the
answers on the server, finishes, reviews, changes one answer from the review page and
submits; the receipt arrives. (Owned by the questionnaires app; it lives here to share the
one Chromium these fixtures start.)"""

import pytest
from django.core import mail

from consultation.questionnaires.models import Response
from tests.support.browser import signed_in
from tests.support.consultation_factories import ConsultationFactory
from tests.support.factories import ProfileFactory
from tests.support.questionnaire_factories import questionnaire_on

pytestmark = [pytest.mark.browser, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def questionnaire(site_tree):
    section = site_tree["section"]
    consultation = ConsultationFactory(slug="draft")
    consultation.sections.add(section)
    return questionnaire_on(consultation, section=section)


def test_answer_over_two_visits_review_submit_and_get_a_receipt(
    client, live_server, page, no_js_page, questionnaire
):
    person = ProfileFactory(display_name="Jay Browser").user
    start = live_server.url + "/consultation/draft/questionnaire/"

    # First visit, with JavaScript: who I am, page one, part of page two, then away.
    signed_in(page, client, live_server, person)
    page.goto(start)
    page.get_by_role("link", name="Start now").click()
    page.get_by_label("As an individual").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Data").check()
    page.get_by_label("Skills").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("4. What should change?").fill("Train the staff first.")
    page.get_by_role("button", name="Save and come back later").click()
    assert "Your answers are saved" in page.content()
    assert page.js_errors == []
    page.context.close()

    # Second visit: a new session, no JavaScript.
    visit = signed_in(no_js_page, client, live_server, person)
    visit.goto(start)
    visit.get_by_role("link", name="Continue your response").click()
    assert visit.get_by_label("Yes", exact=True).is_checked()
    visit.get_by_role("button", name="Save and continue").click()
    assert visit.get_by_label("4. What should change?").input_value() == ("Train the staff first.")
    visit.get_by_label("Agree", exact=True).check()
    visit.get_by_role("button", name="Save and continue").click()

    # The review page: every answer, and a change link that comes back here.
    assert visit.get_by_role("heading", level=1).inner_text().startswith("Check your answers")
    body = visit.locator("main").inner_text()
    for words in ("As an individual", "Yes", "Data", "Skills", "Agree", "Train the staff"):
        assert words in body
    visit.get_by_role("link", name="Change your answer to question 1").click()
    visit.get_by_label("No", exact=True).check()
    visit.get_by_role("button", name="Save and continue").click()
    assert visit.get_by_role("heading", level=1).inner_text().startswith("Check your answers")
    visit.get_by_role("button", name="Submit response").click()

    assert "Your response has been submitted" in visit.content()
    assert "Submitted on" in visit.locator("main").inner_text()
    response = Response.objects.get()
    assert response.is_submitted and response.respondent == person
    assert len(mail.outbox) == 1
    assert "Train the staff first." in mail.outbox[0].body
    assert "- No" in mail.outbox[0].body
