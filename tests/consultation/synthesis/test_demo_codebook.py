"""The demo codebook: 8 to 12 themes of the demo consultation with sub-themes, a good share
of the demo feedback coded (and much left uncoded) with stances, notes and assignments to the
demo working group, written through the services so that the audit log shows it; and the
workspace's pages read well for the demo analyst."""

import pytest
from django.contrib.auth import get_user_model

from consultation.feedback.models import FeedbackItem
from consultation.synthesis.demo import codebook as demo_codebook
from consultation.synthesis.models import AnalystNote, Coding, CodingAction, ItemReview, Theme
from hub.core.models import AuditEntry
from tests.support.factories import with_mfa

pytestmark = pytest.mark.django_db


def test_the_demo_codebook_and_its_coding(loaded_demo, client):
    themes = Theme.objects.filter(consultation__slug=demo_codebook.CONSULTATION_SLUG)
    assert 8 <= themes.filter(parent__isnull=True).count() <= 12
    assert themes.filter(parent__isnull=False).count() >= 3
    items = FeedbackItem.objects.filter(
        consultation__slug=demo_codebook.CONSULTATION_SLUG, in_analysis=True
    )
    coded = items.filter(codings__isnull=False).distinct().count()
    assert 0.3 * items.count() <= coded <= 0.7 * items.count()
    assert all(theme.codings.exists() for theme in themes)
    stances = set(ItemReview.objects.exclude(stance="").values_list("stance", flat=True))
    assert stances == {"supports", "opposes", "mixed", "neutral"}
    assert AnalystNote.objects.count() == 2
    assignees = set(
        ItemReview.objects.filter(assignee__isnull=False).values_list("assignee__email", flat=True)
    )
    assert assignees == {demo_codebook.ANALYST, demo_codebook.ADMIN}
    # Written through the services: each action and theme is in the audit log.
    assert AuditEntry.objects.filter(action="themes_applied").count() == (
        CodingAction.objects.count()
    )
    assert AuditEntry.objects.filter(action="theme_created").count() == themes.count()
    assert set(Coding.objects.values_list("coded_by__email", flat=True)) == {
        demo_codebook.ANALYST, demo_codebook.ADMIN,
    }  # fmt: skip

    analyst = with_mfa(get_user_model().objects.get(email=demo_codebook.ANALYST))
    client.force_login(analyst)
    html = client.get(f"/synthesis/codebook/{demo_codebook.CONSULTATION_SLUG}/").content.decode()
    assert f"{coded} of {items.count()} items coded" in html
    assert "Data sharing between services" in html
    html = client.get("/synthesis/my-items/").content.decode()
    assert "5 items assigned to you</strong>: 0 coded, 5 uncoded" in html
