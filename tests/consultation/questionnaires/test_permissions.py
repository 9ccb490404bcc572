"""Every role against every questionnaire page: anonymous visitors are sent to sign in,
stakeholders answer (their own response only: the addresses name no response, so nobody
reaches another's), the summary is for the working group with a second factor in this
session (moderators, who judge contributions, do not analyse them). Answering follows the
consultation's rules for taking part."""

import pytest

from consultation.questionnaires.models import Response
from tests.support.permissions import QUESTIONNAIRE_VIEWS, make_user, outcome, sign_in
from tests.support.questionnaire_factories import answered, questionnaire_on

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

BASE = "/consultation/draft/questionnaire/"
SIGN_IN = dict.fromkeys(
    name for name, *_ in QUESTIONNAIRE_VIEWS if name not in ("start", "public summary")
)
ANONYMOUS = {"start": 200, **dict.fromkeys(SIGN_IN, "login"), "public summary": 404}
# Someone without a response yet: the review page and "your response" lead to the start.
NEWCOMER = {
    "start": 200,
    "about you": 200,
    "page": 200,
    "check": 302,
    "submit": 302,
    "own response": 302,
    "staff summary": 403,
    "public summary": 404,
}
EXPECTED = {
    "anonymous": ANONYMOUS,
    "unverified email": {**NEWCOMER, "about you": 403, "page": 403, "check": 403, "submit": 403},
    "blocked": {**NEWCOMER, "about you": 403, "page": 403, "check": 403, "submit": 403},
    "stakeholder": NEWCOMER,
    "moderator without MFA": {**NEWCOMER, "staff summary": "mfa"},
    "moderator": {**NEWCOMER, "staff summary": 403},
    "working group": {**NEWCOMER, "staff summary": 200},
}


@pytest.fixture
def questionnaire(consultation, section):
    return questionnaire_on(consultation, section=section)


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_against_each_page(client, questionnaire, role):
    user = make_user(role)
    sign_in(client, role, user)
    got = {}
    for name, method, template, data in QUESTIONNAIRE_VIEWS:
        url = template.format(slug=questionnaire.consultation.slug)
        response = client.post(url, data) if method == "post" else client.get(url)
        got[name] = outcome(response)
    assert got == EXPECTED[role]


def test_the_respondent_sees_their_own_answers_and_nobody_elses(
    client, questionnaire, stakeholder, other_stakeholder
):
    answered(questionnaire, stakeholder, text="Only mine to read")
    client.force_login(stakeholder)
    assert "Only mine to read" in client.get(BASE + "your-response/").content.decode()
    client.force_login(other_stakeholder)
    for path in ("", "your-response/", "check/", "pages/2/"):
        response = client.get(BASE + path, follow=True)
        assert "Only mine to read" not in response.content.decode(), path
    # Submitting finds only one's own (empty) response: nothing of the other's changes.
    client.post(BASE + "check/")
    assert Response.objects.get().respondent == stakeholder


def test_posts_without_a_csrf_token_are_refused(questionnaire, stakeholder):
    from tests.support.clients import SignedInClient

    client = SignedInClient(enforce_csrf_checks=True)
    client.force_login(stakeholder)
    assert client.post(BASE + "about-you/", {"respondent_type": "individual"}).status_code == 403
    assert Response.objects.count() == 0
