"""Who said it, as it was when they said it: each comment and post keeps its author's
sector, region and organisation from the moment it was written, for synthesis and the
moderators. Later profile edits and deleted accounts do not rewrite them."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from consultation.models import Comment, Kind
from tests.support.consultation_factories import comment_on, paragraph_ids

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

AS_WRITTEN = ("clinician", "london", "Example Trust")  # tests.support.factories.ProfileFactory


def facets(comment):
    comment.refresh_from_db()
    return (comment.author_sector, comment.author_region, comment.author_organisation)


def test_facets_are_kept_as_they_were_when_written(
    client, section, consultation, topic, stakeholder, other_stakeholder, moderator
):
    pid = paragraph_ids(section)[0]
    parent = comment_on(section, consultation=consultation, author=other_stakeholder)
    client.force_login(stakeholder)
    client.post(
        f"/consultation/{consultation.slug}/sections/{section.pk}/comment/?paragraph={pid}",
        {"body": "A comment", "key": "f1", "paragraph": pid},
    )
    client.post(parent.reply_url, {"body": "A reply", "key": "f2"})
    client.post(
        f"/consultation/{consultation.slug}/discussion/{topic.pk}/new/",
        {"title": "A thread", "body": "A post", "key": "f3"},
    )
    written = list(Comment.objects.filter(author=stakeholder).order_by("pk"))
    assert [(c.kind, c.is_reply) for c in written] == [
        (Kind.COMMENT, False),
        (Kind.COMMENT, True),
        (Kind.POST, False),
    ]
    assert [facets(c) for c in written] == [AS_WRITTEN] * 3

    # Later the author changes sector, region and organisation.
    profile_form = {
        "display_name": "Stake Holder",
        "organisation": "Another Company",
        "sector": "industry",
        "region": "wales",
    }
    assert client.post(reverse("profile_edit"), profile_form).status_code == 302
    stakeholder.profile.refresh_from_db()
    assert stakeholder.profile.sector == "industry"
    assert [facets(c) for c in written] == [AS_WRITTEN] * 3
    client.post(parent.reply_url, {"body": "Written later", "key": "f4"})
    later = Comment.objects.get(body="<p>Written later</p>")
    assert facets(later) == ("industry", "wales", "Another Company")

    # The moderators see the comment's author as they were when they wrote it.
    client.force_login(moderator)
    item = client.get(written[0].moderation_url).content.decode()
    assert "(Clinician, Example Trust)" in item and "Another Company" not in item
    later_item = client.get(later.moderation_url).content.decode()
    assert "(Industry, Another Company)" in later_item

    # A deleted account leaves its words anonymous, with their facets.
    stakeholder.delete()
    assert [facets(c) for c in written] == [AS_WRITTEN] * 3
    assert all(c.author_id is None for c in written)
    item = client.get(written[0].moderation_url).content.decode()
    assert "A former participant" in item and "(Clinician, Example Trust)" in item


def test_the_data_migration_fills_facets_of_earlier_comments(section, consultation, stakeholder):
    earlier = comment_on(section, consultation=consultation, author=stakeholder)
    gone = comment_on(section, consultation=consultation, author=None)
    Comment.objects.update(author_sector="", author_region="", author_organisation="")
    Comment.objects.filter(pk=gone.pk).update(author=None)
    migration = importlib.import_module("consultation.migrations.0005_backfill_author_facets")
    migration.backfill(apps, None)
    assert facets(earlier) == AS_WRITTEN
    assert facets(gone) == ("", "", "")


def test_pages_show_the_sector_a_comment_was_written_from(
    client, section, consultation, stakeholder
):
    """The public page names the sector kept on the comment, not the profile's now; and a
    comment is not on behalf of an organisation."""
    comment = comment_on(section, consultation=consultation, author=stakeholder)
    assert comment.author_is_organisation is False
    stakeholder.profile.sector = "industry"
    stakeholder.profile.save()
    page = client.get(comment.get_absolute_url()).content.decode()
    assert '<span class="hub-comment__sector">(Clinician)</span>' in page
    assert "(Industry)" not in page
