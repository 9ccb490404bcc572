"""The discussion board: topics, threads and posts, with the same rules, sanitising and
moderation as comments."""

import datetime

import pytest
from django.utils import timezone

from consultation.models import Comment, Kind, Status
from tests.support.consultation_factories import post_in

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


def test_start_a_thread_reply_and_react(client, topic, stakeholder, other_stakeholder):
    slug = topic.consultation.slug
    client.force_login(stakeholder)
    form = client.get(f"/consultation/{slug}/discussion/{topic.pk}/new/")
    assert form.status_code == 200 and "Start a discussion" in form.content.decode()
    missing = client.post(f"/consultation/{slug}/discussion/{topic.pk}/new/", {"body": "x"})
    assert "Enter a title for your discussion." in missing.content.decode()
    response = client.post(
        f"/consultation/{slug}/discussion/{topic.pk}/new/",
        {"title": "Consent for data use", "body": "Should consent be *opt-in*?", "key": "t"},
    )
    thread = Comment.objects.get()
    assert (thread.kind, thread.topic, thread.title) == (Kind.POST, topic, "Consent for data use")
    assert response["Location"] == f"/consultation/comments/{thread.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "<h1>Consent for data use</h1>" in page and "<em>opt-in</em>" in page

    client.force_login(other_stakeholder)
    reply = client.post(f"/consultation/comments/{thread.pk}/reply/", {"body": "Yes.", "key": "r"})
    post = Comment.objects.get(parent=thread)
    assert reply["Location"] == f"/consultation/comments/{thread.pk}/#comment-{post.pk}"
    assert (post.kind, post.topic, post.root) == (Kind.POST, topic, thread)
    client.post(f"/consultation/comments/{thread.pk}/react/", {"reaction": "agree"})

    listing = client.get(f"/consultation/{slug}/discussion/{topic.pk}/").content.decode()
    assert "Consent for data use" in listing and "1 reply" in listing
    board = client.get(f"/consultation/{slug}/discussion/").content.decode()
    assert "1 discussion, 2 posts" in board
    detail = client.get(f"/consultation/{slug}/").content.decode()
    assert "Data and privacy" in detail


def test_premoderated_thread_waits(client, topic, stakeholder, other_stakeholder, moderator):
    consultation = topic.consultation
    consultation.moderation = "pre"
    consultation.save()
    client.force_login(stakeholder)
    client.post(
        f"/consultation/{consultation.slug}/discussion/{topic.pk}/new/",
        {"title": "Hold me", "body": "Waiting", "key": "p"},
    )
    thread = Comment.objects.get()
    assert thread.status == Status.PENDING
    assert "Hold me" in client.get(topic.get_absolute_url()).content.decode()
    client.force_login(other_stakeholder)
    assert "Hold me" not in client.get(topic.get_absolute_url()).content.decode()
    assert client.get(thread.get_absolute_url()).status_code == 404
    client.force_login(moderator)
    queue = client.get("/consultation/moderation/").content.decode()
    assert "Discussion: Hold me" in queue


def test_hidden_thread_keeps_its_replies_but_not_its_words(client, topic, other_stakeholder):
    thread = post_in(topic, title="Spammy title", body="<p>Spam</p>", status=Status.HIDDEN)
    post_in(topic, parent=thread, body="<p>A real reply</p>")
    client.force_login(other_stakeholder)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Spammy title" not in page and "Spam</p>" not in page
    assert "A real reply" in page and "This was hidden by a moderator." in page
    listing = client.get(topic.get_absolute_url()).content.decode()
    assert "Spammy title" not in listing


def test_private_consultation_has_no_discussion_board(client, topic, stakeholder, moderator):
    consultation = topic.consultation
    consultation.comments_public = False
    consultation.save()
    client.force_login(stakeholder)
    assert client.get(f"/consultation/{consultation.slug}/discussion/").status_code == 404
    assert client.get(topic.get_absolute_url()).status_code == 404
    response = client.post(
        f"/consultation/{consultation.slug}/discussion/{topic.pk}/new/",
        {"title": "x", "body": "y", "key": "z"},
    )
    assert response.status_code == 404
    client.force_login(moderator)
    assert client.get(f"/consultation/{consultation.slug}/discussion/").status_code == 200


def test_closed_board_takes_no_new_threads(client, topic, stakeholder):
    consultation = topic.consultation
    consultation.opens_at = timezone.now() - datetime.timedelta(days=3)
    consultation.closes_at = timezone.now() - datetime.timedelta(days=1)
    consultation.save()
    client.force_login(stakeholder)
    response = client.post(
        f"/consultation/{consultation.slug}/discussion/{topic.pk}/new/",
        {"title": "Late", "body": "Too late", "key": "l"},
    )
    assert response.status_code == 403 and "closed" in response.content.decode()
    assert not Comment.objects.exists()
    assert "Start a discussion" not in client.get(topic.get_absolute_url()).content.decode()


def test_topic_of_another_consultation_is_not_found(client, topic):
    from tests.support.consultation_factories import ConsultationFactory, TopicFactory

    other = TopicFactory(consultation=ConsultationFactory())
    assert (
        client.get(f"/consultation/{topic.consultation.slug}/discussion/{other.pk}/").status_code
        == 404
    )
