"""The one audit log (hub.core): entries about any object, written by audit_record, kept
whole: a contribution with entries cannot be deleted and take its history with it."""

import pytest
from django.db import connection
from django.db.models.deletion import ProtectedError
from django.test.utils import CaptureQueriesContext

from consultation.models import Comment
from hub.core.audit import audit_record
from hub.core.models import AuditEntry
from tests.support.consultation_factories import comment_on


def test_an_entry_can_be_about_any_object_and_explain_itself(consultation, topic, moderator):
    entry = audit_record(
        actor=moderator,
        action="theme_merge",
        target=topic,
        reason="Two topics said the same",
        data={"search": "data sharing", "items": [3, 5]},
    )
    entry.refresh_from_db()
    assert entry.target == topic and entry.data == {"search": "data sharing", "items": [3, 5]}
    assert list(AuditEntry.objects.about(topic)) == [entry]
    assert list(AuditEntry.objects.about(consultation)) == []


def test_a_comment_with_entries_is_never_deleted_with_its_history(
    client, section, consultation, moderator, stakeholder
):
    comment = comment_on(section, consultation=consultation, author=stakeholder)
    quiet = comment_on(section, consultation=consultation, author=stakeholder)
    client.force_login(moderator)
    client.post(comment.moderation_url, {"action": "hide", "reason": "Rude"})
    assert [entry.action for entry in comment.audit_entries.all()] == ["hide"]

    with pytest.raises(ProtectedError):
        comment.delete()
    with pytest.raises(ProtectedError):
        Comment.objects.filter(pk=comment.pk).delete()
    assert AuditEntry.objects.filter(comment=comment).count() == 1
    quiet.delete()  # nothing recorded about it: nothing to keep


def test_the_moderation_pages_read_the_log_in_a_flat_number_of_queries(
    client, section, consultation, moderator, stakeholder
):
    """The log, an item's history and a participant's record: the same number of queries
    for a few entries and for many, about many contributions."""
    client.force_login(moderator)

    def moderate(count):
        for _ in range(count):
            comment = comment_on(section, consultation=consultation, author=stakeholder)
            client.post(comment.moderation_url, {"action": "hide", "reason": "Rude"})
            client.post(comment.moderation_url, {"action": "approve", "reason": ""})
        audit_record(actor=moderator, action="block", subject=stakeholder, reason="Spam")
        return comment

    def count_queries(url):
        client.get(url)  # warm per-process caches (content types)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    def queries(comment):
        urls = [
            "/consultation/moderation/log/",
            "/consultation/moderation/log/?action=hide",
            comment.moderation_url,
            f"/consultation/moderation/participants/{stakeholder.pk}/",
        ]
        return [count_queries(url) for url in urls]

    few = queries(moderate(1))
    many = queries(moderate(12))
    assert AuditEntry.objects.count() == 2 * 13 + 2
    assert many == few
