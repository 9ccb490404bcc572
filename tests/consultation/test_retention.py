"""The retention rule: a withdrawn text is kept for the audit trail for the configured
period, then `manage.py purge_withdrawn` removes it and its earlier versions."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from consultation.models import CommentEdit, Status
from hub.core.models import AuditEntry
from tests.support.consultation_factories import comment_on

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


def withdrawn(section, consultation, *, days_ago, body):
    comment = comment_on(section, consultation=consultation, body=body, status=Status.WITHDRAWN)
    comment.withdrawn_at = timezone.now() - datetime.timedelta(days=days_ago)
    comment.save()
    CommentEdit.objects.create(
        comment=comment, body="<p>Earlier</p>", written_at=comment.created_at,
        replaced_at=comment.created_at,
    )  # fmt: skip
    return comment


def test_purge_removes_text_after_the_period_only(
    client, section, consultation, moderator, settings
):
    settings.CONSULTATION_WITHDRAWN_RETENTION_DAYS = 30
    old = withdrawn(section, consultation, days_ago=31, body="<p>Old words</p>")
    recent = withdrawn(section, consultation, days_ago=29, body="<p>Recent words</p>")
    output = io.StringIO()
    call_command("purge_withdrawn", stdout=output)
    assert "Removed the text of 1 withdrawn contribution (retention period: 30 days)" in (
        output.getvalue()
    )
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.body, old.title) == ("", "") and old.purged_at
    assert recent.body == "<p>Recent words</p>" and recent.purged_at is None
    assert not CommentEdit.objects.filter(comment=old).exists()
    assert CommentEdit.objects.filter(comment=recent).exists()
    entry = AuditEntry.objects.get(action="purge")
    assert entry.target == old and entry.actor is None

    call_command("purge_withdrawn", stdout=io.StringIO())
    assert AuditEntry.objects.filter(action="purge").count() == 1

    client.force_login(moderator)
    item = client.get(f"/consultation/moderation/items/{old.pk}/").content.decode()
    assert "removed by the retention rule" in item and "Old words" not in item


def test_retention_period_is_configurable(section, consultation, settings):
    settings.CONSULTATION_WITHDRAWN_RETENTION_DAYS = 7
    comment = withdrawn(section, consultation, days_ago=8, body="<p>Gone soon</p>")
    call_command("purge_withdrawn", stdout=io.StringIO())
    comment.refresh_from_db()
    assert comment.body == ""
