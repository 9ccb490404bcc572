"""Fixtures of the coding workspace's tests: a signed-in analyst (Working group, second
factor), a small codebook, and items to code."""

import pytest

from consultation.feedback.models import FeedbackItem
from consultation.synthesis.models import Theme
from tests.support.consultation_factories import comment_on


@pytest.fixture
def wg_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def codebook(consultation):
    """Workforce (with the sub-theme Training), Data and Trust."""
    workforce = Theme.objects.create(consultation=consultation, name="Workforce", colour="#007f3b")
    return {
        "workforce": workforce,
        "training": Theme.objects.create(
            consultation=consultation, name="Training", parent=workforce
        ),
        "data": Theme.objects.create(consultation=consultation, name="Data"),
        "trust": Theme.objects.create(consultation=consultation, name="Trust"),
    }


@pytest.fixture
def feedback(section, consultation):
    """Four feedback items: three about care, one about robots."""
    texts = ["Care staff need time.", "Care data must stay private.", "Social care first.",
             "Robots on wards."]  # fmt: skip
    return [
        FeedbackItem.objects.get(comment=comment_on(section, consultation=consultation, text=text))
        for text in texts
    ]
