"""The anonymous page cache and the consultation, through HTTP: an anonymous reader sees a
comment as soon as it becomes public and stops seeing it as soon as it is hidden, rejected or
withdrawn (and its new words once edited), and a consultation opening or closing shows at
once, because cached pages never outlive that moment."""

import datetime
import time

import pytest
from django.test import Client
from django.utils import timezone

from consultation.models import AuditAction, ModerationMode, Reaction
from consultation.services.comments import comment_create, comment_edit, comment_withdraw
from consultation.services.moderation import decision_create
from consultation.services.reactions import reaction_set
from tests.support.consultation_factories import ConsultationFactory, paragraph_ids

pytestmark = pytest.mark.shared_site_tree


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300


def anonymous_html(url):
    return Client().get(url).content.decode()


def write(section, consultation, author, words):
    comment, _ = comment_create(
        author=author,
        consultation=consultation,
        section=section,
        paragraph_id=paragraph_ids(section)[0],
        text=words,
    )
    return comment


def test_a_new_public_comment_shows_at_once(section, consultation, stakeholder):
    assert "Quite distinctive words" not in anonymous_html(section.url)
    assert Client().get(section.url)["X-Page-Cache"] == "hit"
    write(section, consultation, stakeholder, "Quite distinctive words")
    assert "Quite distinctive words" in anonymous_html(section.url)


def test_hiding_and_restoring_a_comment_show_at_once(section, consultation, stakeholder, moderator):
    comment = write(section, consultation, stakeholder, "Quite distinctive words")
    assert "Quite distinctive words" in anonymous_html(section.url)
    decision_create(moderator=moderator, comment=comment, action=AuditAction.HIDE, reason="Rude")
    assert "Quite distinctive words" not in anonymous_html(section.url)
    decision_create(moderator=moderator, comment=comment, action=AuditAction.APPROVE, reason="")
    assert "Quite distinctive words" in anonymous_html(section.url)


def test_approving_and_rejecting_under_premoderation_show_at_once(
    section, consultation, stakeholder, moderator
):
    consultation.moderation = ModerationMode.PRE
    consultation.save()
    waiting = write(section, consultation, stakeholder, "Words waiting for approval")
    rejected = write(section, consultation, stakeholder, "Words a moderator refuses")
    assert "Words waiting for approval" not in anonymous_html(section.url)
    decision_create(moderator=moderator, comment=waiting, action=AuditAction.APPROVE, reason="")
    decision_create(moderator=moderator, comment=rejected, action=AuditAction.REJECT, reason="No")
    html = anonymous_html(section.url)
    assert "Words waiting for approval" in html and "Words a moderator refuses" not in html
    decision_create(moderator=moderator, comment=rejected, action=AuditAction.APPROVE, reason="")
    assert "Words a moderator refuses" in anonymous_html(section.url)


def test_editing_and_withdrawing_show_at_once(section, consultation, stakeholder):
    comment = write(section, consultation, stakeholder, "First distinctive words")
    assert "First distinctive words" in anonymous_html(section.url)
    comment_edit(author=stakeholder, comment=comment, text="Second distinctive words")
    html = anonymous_html(section.url)
    assert "Second distinctive words" in html and "First distinctive words" not in html
    comment_withdraw(author=stakeholder, comment=comment)
    assert "Second distinctive words" not in anonymous_html(section.url)


def test_a_reaction_changes_the_counts_at_once(
    section, consultation, stakeholder, other_stakeholder
):
    comment = write(section, consultation, stakeholder, "Words to agree with")
    before = anonymous_html(section.url)
    reaction_set(user=other_stakeholder, comment=comment, value=Reaction.Value.AGREE)
    assert anonymous_html(section.url) != before


def test_an_editor_changing_a_consultation_shows_at_once(site_tree, consultation):
    home = site_tree["home"].url
    assert consultation.title in anonymous_html(home)
    consultation.title = "A renamed consultation"
    consultation.save()
    assert "A renamed consultation" in anonymous_html(home)


@pytest.mark.parametrize("moment", ["opens_at", "closes_at"])
def test_a_consultation_opening_or_closing_ends_cached_pages(site_tree, moment):
    soon = timezone.now() + datetime.timedelta(seconds=2)
    if moment == "opens_at":
        window = {"opens_at": soon, "closes_at": soon + datetime.timedelta(days=5)}
    else:
        window = {"opens_at": soon - datetime.timedelta(days=5), "closes_at": soon}
    ConsultationFactory(title="A consultation about to change", **window)
    home = site_tree["home"].url
    was_open = moment == "closes_at"
    first = Client().get(home)
    assert ("A consultation about to change" in first.content.decode()) is was_open
    assert int(first["Cache-Control"].rsplit("=", 1)[1]) <= 2
    assert Client().get(home)["X-Page-Cache"] == "hit"
    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.1)
    after = Client().get(home)
    assert after["X-Page-Cache"] == "miss"
    assert ("A consultation about to change" in after.content.decode()) is not was_open
