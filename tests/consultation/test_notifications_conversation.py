"""Emails about the conversation: a reply to one's comment, a moderator's decision on what
one wrote. Driven through the consultation's own pages; emails leave after commit."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import transaction
from django.urls import reverse
from wagtail.models import PageViewRestriction

from consultation.models import ModerationMode, Status
from consultation.notifications import services
from consultation.notifications.models import Preferences
from tests.support.consultation_factories import ConsultationFactory, comment_on, post_in
from tests.support.notification_factories import parts, unsubscribe_path

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

HOSTILE_REPLY = (
    "I <b>disagree</b> <script>alert('x')</script>\n\n"
    "Second paragraph & more: <img src=x onerror=alert(1)>"
)


@pytest.fixture
def comment(section, consultation, stakeholder):
    return comment_on(section, consultation=consultation, author=stakeholder)


def reply_through_page(client, user, parent, text, key="k1"):
    client.force_login(user)
    return client.post(reverse("consultation:reply", args=[parent.pk]), {"body": text, "key": key})


def decide_through_page(client, moderator, comment, action, reason):
    client.force_login(moderator)
    return client.post(
        reverse("consultation:moderation_item", args=[comment.pk]),
        {"action": action, "reason": reason},
    )


def test_reply_emails_the_parent_author_after_commit(
    client, comment, stakeholder, other_stakeholder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = reply_through_page(client, other_stakeholder, comment, HOSTILE_REPLY)
    assert response.status_code == 302
    # Nothing is sent while the request's transaction is open.
    assert callbacks and mail.outbox == []

    # Committing runs them (and the callbacks they register: the task's enqueue).
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [stakeholder.email]
    assert message.subject.startswith("[AI strategy hub] New reply to your comment on ")
    text, html = parts(message)
    reply = comment.children.get()
    # The reply text, as plain text: what was typed, never run as markup.
    assert "<script>alert('x')</script>" in text
    assert "Second paragraph & more" in text
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    # Links to the reply and to the comment it answers, and the reply author's public name.
    assert f"/consultation/comments/{reply.pk}/" in text
    assert f"/consultation/comments/{comment.pk}/" in text
    assert "Other Person replied" in text
    assert other_stakeholder.email not in text + html
    # One-click unsubscribe: headers and a visible link.
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = unsubscribe_path(message)
    assert path.startswith("/notifications/unsubscribe/replies/")
    assert path in text and path in html


def test_reply_text_is_in_both_parts_of_a_multipart_email(
    client, comment, other_stakeholder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply_through_page(client, other_stakeholder, comment, "**Bold** point\n\n- one\n- two")
    message = mail.outbox[0]
    built = message.message()
    assert built.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in built.get_payload()] == [
        "text/plain",
        "text/html",
    ]
    text, html = parts(message)
    assert "**Bold** point" in text and "- one" in text
    assert "Bold" in html


def test_a_rolled_back_reply_sends_nothing(
    comment, other_stakeholder, django_capture_on_commit_callbacks
):
    reply = comment_on(
        comment.section, consultation=comment.consultation, author=other_stakeholder, parent=comment
    )
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify_reply(reply)
        raise RuntimeError("the write failed")
    assert callbacks == []
    assert mail.outbox == []


def test_no_email_for_replying_to_oneself(
    client, comment, stakeholder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = reply_through_page(client, stakeholder, comment, "Adding to my own point.")
    assert response.status_code == 302
    assert mail.outbox == []


def test_no_email_when_the_author_switched_replies_off(
    client, comment, stakeholder, other_stakeholder, django_capture_on_commit_callbacks
):
    client.force_login(stakeholder)
    response = client.post(
        reverse("notifications:preferences"), {"moderation": "on", "new_versions": "on"}
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        reply_through_page(client, other_stakeholder, comment, "A reply nobody is told about.")
    assert mail.outbox == []


def test_no_email_to_a_closed_account(
    client, comment, stakeholder, other_stakeholder, django_capture_on_commit_callbacks
):
    stakeholder.is_active = False
    stakeholder.save()
    with django_capture_on_commit_callbacks(execute=True):
        reply_through_page(client, other_stakeholder, comment, "Hello?")
    assert mail.outbox == []


def test_private_consultation_reply_by_a_moderator_is_not_emailed(
    client, section, stakeholder, moderator, django_capture_on_commit_callbacks
):
    # The author may not read replies in a consultation whose comments are private, so
    # the email must not show it to them either.
    private = ConsultationFactory(comments_public=False)
    private.sections.add(section)
    comment = comment_on(section, consultation=private, author=stakeholder)
    with django_capture_on_commit_callbacks(execute=True):
        response = reply_through_page(client, moderator, comment, "Noted by the team.")
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_reply_on_a_section_the_author_may_no_longer_read_is_not_emailed(
    client, comment, section, stakeholder, other_stakeholder, django_capture_on_commit_callbacks
):
    # After the comment, an editor restricted the section to a group the comment's author
    # is not in: the email must not carry what the page no longer shows them.
    members = Group.objects.create(name="Clinical reviewers")
    other_stakeholder.groups.add(members)
    restriction = PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(members)
    with django_capture_on_commit_callbacks(execute=True):
        response = reply_through_page(client, other_stakeholder, comment, "A member's reply.")
    assert response.status_code == 302
    assert comment.children.get().text == "A member's reply."
    assert mail.outbox == []

    stakeholder.groups.add(members)  # let in: the next reply reaches them
    with django_capture_on_commit_callbacks(execute=True):
        reply_through_page(client, other_stakeholder, comment, "Another reply.", key="k2")
    assert [m.to[0] for m in mail.outbox] == [stakeholder.email]


def test_reply_on_the_discussion_board(
    client, topic, stakeholder, other_stakeholder, django_capture_on_commit_callbacks
):
    thread = post_in(topic, author=stakeholder, title="Data sharing")
    with django_capture_on_commit_callbacks(execute=True):
        reply_through_page(client, other_stakeholder, thread, "On data sharing, I think...")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.endswith("New reply to your discussion post on Data and privacy")


def test_moderation_decision_emails_the_author_with_the_reason(
    client, comment, stakeholder, moderator, django_capture_on_commit_callbacks
):
    reason = "Personal information about a named patient.\nPlease rephrase: risk < 5% & rising."
    with django_capture_on_commit_callbacks(execute=True):
        response = decide_through_page(client, moderator, comment, "hide", reason)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [stakeholder.email]
    assert message.subject == "[AI strategy hub] Your comment was hidden"
    text, html = parts(message)
    assert "A moderator hid your comment" in text
    assert reason in text
    assert "Please rephrase: risk &lt; 5% &amp; rising." in html
    assert f"/consultation/comments/{comment.pk}/" in text
    assert moderator.email not in text + html
    assert unsubscribe_path(message).startswith("/notifications/unsubscribe/moderation/")


def test_approving_a_premoderated_reply_tells_both_people(
    client, section, stakeholder, other_stakeholder, moderator, django_capture_on_commit_callbacks
):
    consultation = ConsultationFactory(moderation=ModerationMode.PRE)
    consultation.sections.add(section)
    comment = comment_on(section, consultation=consultation, author=stakeholder)
    with django_capture_on_commit_callbacks(execute=True):
        reply_through_page(client, other_stakeholder, comment, "Waiting for a moderator.")
    # Nobody hears of a reply that is waiting for moderation.
    assert mail.outbox == []
    reply = comment.children.get()
    assert reply.status == Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        decide_through_page(client, moderator, reply, "approve", "")
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {stakeholder.email, other_stakeholder.email}
    assert "approved" in by_recipient[other_stakeholder.email].subject
    assert "New reply" in by_recipient[stakeholder.email].subject


def test_no_decision_email_when_switched_off(
    client, comment, stakeholder, moderator, django_capture_on_commit_callbacks
):
    Preferences.objects.create(user=stakeholder, moderation=False)
    with django_capture_on_commit_callbacks(execute=True):
        decide_through_page(client, moderator, comment, "hide", "Off topic.")
    assert mail.outbox == []


def test_notify_functions_ignore_what_they_cannot_announce(
    comment, django_capture_on_commit_callbacks
):
    # A top-level comment is no reply; these must never raise into the caller.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.notify_reply(comment)
    assert callbacks == []
