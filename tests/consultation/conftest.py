"""Fixtures for the consultation tests: an open consultation on a published section, and
people in every role (moderators with a second factor, as the staff areas require)."""

import time

import pytest

from consultation.notifications import services as notification_services
from consultation.services import limits
from hub.accounts.rules import EDITORS, MODERATORS, WORKING_GROUP
from tests.support import factories
from tests.support.consultation_factories import ConsultationFactory, TopicFactory
from tests.support.factories import in_group, with_mfa


@pytest.fixture(autouse=True)
def _generous_rate_limits(settings):
    # Tests post a lot; the rate-limit tests set their own limits.
    settings.CONSULTATION_RATE_LIMITS = "10000/m/user,10000/m/ip"
    settings.CONSULTATION_REACTION_RATE_LIMITS = "10000/m/user,10000/m/ip"


class SteadyClock:
    """The clock of the fixed-window rate limits, held at one instant of the test's day: a
    test's requests never straddle the end of a window, where the count starts again and a
    request the test expects refused would pass."""

    def __init__(self):
        # Half past twelve and thirty seconds: inside every minute, hour and day window.
        self.now = time.time() // 86400 * 86400 + 12 * 3600 + 30 * 60 + 30

    def time(self):
        return self.now


@pytest.fixture(autouse=True)
def _steady_rate_limit_clock(monkeypatch):
    clock = SteadyClock()
    monkeypatch.setattr(limits, "time", clock)
    monkeypatch.setattr(notification_services, "time", clock)
    return clock


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
