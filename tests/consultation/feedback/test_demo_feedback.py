"""The demo feedback: a few hundred items on the demo consultation, written through the
services by demo voices, spread over what the facets count, with a campaign, and in our own
words only (never the Polis comments of ../shared/data)."""

import re
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F

from bench import synthetic
from consultation.feedback import demo as feedback_demo
from consultation.feedback.models import FeedbackItem
from consultation.models import Comment
from consultation.synthesis.demo import codebook as demo_codebook
from consultation.synthesis.models import AnalystNote, Coding, CodingAction, ItemReview, Theme
from hub.core.models import AuditEntry
from tests.support.factories import with_mfa

pytestmark = pytest.mark.django_db

_WORD = re.compile(r"[a-z]+")


@pytest.fixture
def items(loaded_demo):
    return FeedbackItem.objects.filter(author__email__endswith="@" + feedback_demo.DOMAIN)


def test_a_few_hundred_items_spread_over_every_facet(items):
    assert 200 <= items.count() <= 600
    assert len(set(items.values_list("author_sector", flat=True))) >= 8
    assert len(set(items.values_list("author_region", flat=True))) >= 8
    organisations = set(items.values_list("author_organisation", flat=True)) - {""}
    assert len(organisations) >= 8
    assert len(set(items.values_list("section_id", flat=True))) >= 6
    assert len(set(items.values_list("paragraph_id", flat=True))) >= 20
    assert set(items.values_list("source_kind", flat=True)) == {"comment", "reply", "post"}
    assert set(items.values_list("moderation_state", flat=True)) >= {"published", "withdrawn"}
    days = {created.date() for created in items.values_list("created_at", flat=True)}
    assert len(days) >= 20


def test_every_item_is_a_comment_the_services_wrote(items):
    comments = Comment.objects.filter(author__email__endswith="@" + feedback_demo.DOMAIN)
    assert set(items.values_list("comment_id", flat=True)) == set(
        comments.values_list("pk", flat=True)
    )
    # The services copied each voice's facets from their profile.
    mismatched = items.exclude(author_sector=F("author__profile__sector"))
    assert not mismatched.exists()


def test_a_campaign_of_near_identical_letters(items):
    letter = synthetic.CAMPAIGN_LETTERS[0]
    copies = [text for text in items.values_list("text", flat=True) if letter[1] in text]
    assert len(copies) >= 10
    # Some were sent unchanged (one hash shared by several items), most personalised.
    shared = Counter(items.values_list("text_hash", flat=True)).most_common(1)[0][1]
    assert shared >= 3
    assert len(set(copies)) > len(copies) // 2


def test_every_word_is_our_own(items):
    """Each word of each item appears in bench/synthetic.py, whose sentences and letters
    are the hub's own: no word came from another corpus."""
    source = Path(synthetic.__file__).read_text(encoding="utf-8").lower()
    ours = set(_WORD.findall(source))
    words = {
        word
        for text in items.values_list("text", flat=True)
        for word in _WORD.findall(text.lower())
    }
    assert words and words <= ours, sorted(words - ours)[:20]


# The demo codebook (consultation.synthesis.demo.codebook) codes this feedback; it is checked
# here, where the demo is loaded already, rather than with a demo load of its own.
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
