"""Fixtures for the consultation tests: an open consultation on a published section, and
people in every role (moderators with a second factor, as the staff areas require)."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from hub.accounts.rules import EDITORS, MODERATORS, WORKING_GROUP
from tests import factories
from tests.consultation.factories import ConsultationFactory, TopicFactory


@pytest.fixture(autouse=True)
def _generous_rate_limits(settings):
    # Tests post a lot; the rate-limit tests set their own limits.
    settings.CONSULTATION_RATE_LIMITS = "10000/m/user,10000/m/ip"
    settings.CONSULTATION_REACTION_RATE_LIMITS = "10000/m/user,10000/m/ip"


@pytest.fixture
def section(site_tree):
    return site_tree["section"]


@pytest.fixture
def consultation(section):
    consultation = ConsultationFactory(slug="draft", title="Draft strategy consultation")
    consultation.sections.add(section)
    return consultation


@pytest.fixture
def topic(consultation):
    return TopicFactory(consultation=consultation, title="Data and privacy")


def with_mfa(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def in_group(user, name):
    user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


@pytest.fixture
def stakeholder(db):
    return factories.ProfileFactory(display_name="Stake Holder").user


@pytest.fixture
def other_stakeholder(db):
    return factories.ProfileFactory(display_name="Other Person").user


@pytest.fixture
def moderator(db):
    user = factories.ProfileFactory(display_name="Mo Derator").user
    return with_mfa(in_group(user, MODERATORS))


@pytest.fixture
def analyst(db):
    user = factories.ProfileFactory(display_name="Ana Lyst").user
    return with_mfa(in_group(user, WORKING_GROUP))


@pytest.fixture
def editor(db):
    user = factories.ProfileFactory(display_name="Ed Itor").user
    user.is_staff = True
    user.save()
    return with_mfa(in_group(user, EDITORS))


def paragraph_ids(section):
    return [paragraph.id for paragraph in section.paragraphs()]
