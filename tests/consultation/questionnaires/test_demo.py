"""The demo questionnaire: on the demo consultation, a page for each of the five ambitions
and one on priorities, answered by the demo stakeholders (seven submitted, two for their
organisations, one draft); loading again changes nothing."""

import io

import pytest
from django.contrib.auth import get_user_model

from consultation.questionnaires import demo
from consultation.questionnaires.models import Answer, Questionnaire, Response
from consultation.questionnaires.structure import pages_of
from hub.accounts.rules import WORKING_GROUP
from tests.support import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loaded_demo")]


def counts():
    return tuple(model.objects.count() for model in (Questionnaire, Response, Answer))


def test_the_demo_questionnaire_is_answered_by_the_demo_stakeholders():
    questionnaire = Questionnaire.objects.get(consultation__slug="draft-strategy")
    pages = pages_of(questionnaire)
    assert len(pages) == 6
    assert [page.section.slug for page in pages[:5]] == [slug for slug, _ in demo.AMBITIONS]
    responses = questionnaire.responses.all()
    assert responses.filter(status="submitted").count() == 7
    assert responses.filter(status="draft").count() == 1
    assert responses.filter(author_is_organisation=True).count() == 2
    assert len(set(responses.values_list("author_sector", flat=True))) == 8
    assert Answer.objects.exclude(text="").count() >= 6


def test_loading_again_changes_nothing():
    before = counts()
    out = io.StringIO()
    demo.load(out)
    assert counts() == before
    assert "already there" in out.getvalue()


def test_the_demo_summary_reads_well(client):
    analyst = factories.ProfileFactory().user
    client.force_login(factories.with_mfa(factories.in_group(analyst, WORKING_GROUP)))
    html = client.get("/consultation/moderation/questionnaires/draft-strategy/summary/").content
    html = html.decode()
    assert "7 submitted responses" in html
    assert "This ambition should be part of the national strategy." in html


def test_a_stakeholder_sees_their_demo_response(client):
    clinician = get_user_model().objects.get(email="clinician@example.org")
    client.force_login(clinician)
    html = client.get("/consultation/draft-strategy/questionnaire/your-response/").content
    assert "A tool that flags a patient should say why." in html.decode()
