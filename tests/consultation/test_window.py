"""The consultation's window: before it opens and after it closes nothing can be written,
through the pages (refused with a message saying when it opens or closed, nothing stored)
and through every write service called directly, whatever a view checked before."""

import datetime

import pytest
from django.utils import timezone

from consultation.models import Comment, CommentEdit, Reaction
from consultation.services import comments as comment_services
from consultation.services import reactions as reaction_services
from tests.support.consultation_factories import comment_on, paragraph_ids, post_in

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

CLOSED_MESSAGE = "This consultation closed on"
UPCOMING_MESSAGE = "This consultation opens on"


def set_window(consultation, state):
    now = timezone.now()
    if state == "closed":
        consultation.opens_at = now - datetime.timedelta(days=10)
        consultation.closes_at = now - datetime.timedelta(minutes=1)
    else:
        consultation.opens_at = now + datetime.timedelta(days=1)
        consultation.closes_at = now + datetime.timedelta(days=10)
    consultation.save()


@pytest.fixture
def written(section, consultation, topic, stakeholder, other_stakeholder):
    """What exists before the window is moved: the stakeholder's own fresh comment (still
    in its edit window), another person's comment and discussion thread."""
    own = comment_on(section, consultation=consultation, author=stakeholder, body="<p>Mine.</p>")
    other = comment_on(
        section, consultation=consultation, author=other_stakeholder, body="<p>Theirs.</p>"
    )
    thread = post_in(topic, author=other_stakeholder)
    return {"own": own, "other": other, "thread": thread}


@pytest.mark.parametrize(
    ("state", "message"), [("closed", CLOSED_MESSAGE), ("upcoming", UPCOMING_MESSAGE)]
)
def test_every_write_through_the_pages_is_refused_outside_the_window(
    client, section, consultation, topic, stakeholder, written, state, message
):
    set_window(consultation, state)
    client.force_login(stakeholder)
    pid = paragraph_ids(section)[0]
    own, other, thread = written["own"], written["other"], written["thread"]
    comments_before = Comment.objects.count()
    writes = {
        "comment": (
            f"/consultation/{consultation.slug}/sections/{section.pk}/comment/?paragraph={pid}",
            {"body": "Too late or too early", "key": f"{state}-c", "paragraph": pid},
        ),
        "reply": (other.reply_url, {"body": "A reply", "key": f"{state}-r"}),
        "edit": (own.edit_url, {"body": "Changed words"}),
        "reaction": (other.react_url, {"reaction": "agree"}),
        "discussion post": (
            f"/consultation/{consultation.slug}/discussion/{topic.pk}/new/",
            {"title": "A new thread", "body": "Let us talk", "key": f"{state}-t"},
        ),
        "discussion reply": (thread.reply_url, {"body": "A post", "key": f"{state}-p"}),
    }
    for name, (url, data) in writes.items():
        response = client.post(url, data)
        assert response.status_code == 403, name
        assert message in response.content.decode(), name
    assert Comment.objects.count() == comments_before
    assert not Reaction.objects.exists() and not CommentEdit.objects.exists()
    own.refresh_from_db()
    assert own.body == "<p>Mine.</p>" and own.edited_at is None


@pytest.fixture
def closed(consultation, written):
    set_window(consultation, "closed")
    for comment in written.values():
        comment.refresh_from_db()  # with the consultation as it is now
    return written


def test_comment_create_refuses_on_a_closed_consultation(
    section, consultation, stakeholder, closed
):
    with pytest.raises(comment_services.NotAllowed):
        comment_services.comment_create(
            author=stakeholder,
            consultation=consultation,
            section=section,
            paragraph_id=paragraph_ids(section)[0],
            text="Late.",
        )
    assert Comment.objects.count() == len(closed)


def test_thread_create_refuses_on_a_closed_consultation(topic, stakeholder, closed):
    topic.refresh_from_db()
    with pytest.raises(comment_services.NotAllowed):
        comment_services.thread_create(author=stakeholder, topic=topic, title="Late", text="Late.")
    assert Comment.objects.count() == len(closed)


def test_reply_create_refuses_on_a_closed_consultation(stakeholder, closed):
    for parent in (closed["other"], closed["thread"]):
        with pytest.raises(comment_services.NotAllowed):
            comment_services.reply_create(author=stakeholder, parent=parent, text="Late.")
    assert Comment.objects.count() == len(closed)


def test_comment_edit_refuses_on_a_closed_consultation(stakeholder, closed):
    own = closed["own"]
    with pytest.raises(comment_services.NotAllowed):
        comment_services.comment_edit(author=stakeholder, comment=own, text="Changed.")
    own.refresh_from_db()
    assert own.body == "<p>Mine.</p>" and not CommentEdit.objects.exists()


@pytest.mark.parametrize("value", ["agree", None])
def test_reaction_set_refuses_on_a_closed_consultation(stakeholder, closed, value):
    with pytest.raises(comment_services.NotAllowed):
        reaction_services.reaction_set(user=stakeholder, comment=closed["other"], value=value)
    assert not Reaction.objects.exists()
