"""The consultation's audit log moves into hub.core's one log with nothing lost: every
entry, its time, its order, what it is about and the reports it closed."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from consultation.models import Comment, Flag
from hub.core.audit import audit_record
from hub.core.models import AuditEntry

BEFORE = [("consultation", "0006_flag_resolution")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_log(apps):
    """Entries in the old table as a moderation day leaves them: a decision and a flag on
    one post written in the same instant, a block (about nobody's post), a withdrawal."""
    User = apps.get_model("accounts", "User")
    Consultation = apps.get_model("consultation", "Consultation")
    Topic = apps.get_model("consultation", "Topic")
    Old = apps.get_model("consultation", "AuditEntry")
    OldFlag = apps.get_model("consultation", "Flag")
    OldComment = apps.get_model("consultation", "Comment")
    now = timezone.now()
    moderator = User.objects.create(email="mod@example.org")
    author = User.objects.create(email="author@example.org")
    consultation = Consultation.objects.create(
        title="Old", slug="old", opens_at=now, closes_at=now + datetime.timedelta(days=1)
    )
    topic = Topic.objects.create(consultation=consultation, title="Topic")
    post = OldComment.objects.create(
        consultation=consultation, kind="post", topic=topic, title="A post", author=author,
        body="<p>Words</p>", created_at=now,
    )  # fmt: skip
    same_instant = now - datetime.timedelta(hours=2)
    flag_entry = Old.objects.create(action="flag", actor=moderator, comment=post, subject=author)
    decision = Old.objects.create(
        action="hide", actor=moderator, comment=post, subject=author, reason="Rude"
    )
    Old.objects.create(action="block", actor=moderator, subject=author, reason="Spam")
    Old.objects.create(action="purge", comment=post, subject=author, reason="Retention")
    # auto_now_add set the times: give two the same instant, as in a busy minute.
    Old.objects.filter(pk__in=[flag_entry.pk, decision.pk]).update(created_at=same_instant)
    OldFlag.objects.create(
        comment=post, flagged_by=moderator, reason="abuse", resolved_at=now, resolution=decision
    )
    return {
        "post": post.pk,
        "entries": list(
            Old.objects.order_by("-created_at", "-pk").values_list(
                "pk", "action", "actor_id", "subject_id", "reason", "created_at", "comment_id"
            )
        ),
        "decision": decision.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_every_audit_entry_moves_to_the_one_log():
    old = _old_log(_migrate(BEFORE))
    assert len(old["entries"]) == 4

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    moved = list(AuditEntry.objects.all())  # newest first, as the log pages list them
    assert [
        (
            e.pk,
            e.action,
            e.actor_id,
            e.subject_id,
            e.reason,
            e.created_at,
            e.target_id if e.target_type_id else None,
        )
        for e in moved
    ] == old["entries"]
    post = Comment.objects.get(pk=old["post"])
    assert all(e.target == post for e in moved if e.action != "block")
    assert next(e for e in moved if e.action == "block").target is None
    assert set(post.audit_entries.values_list("action", flat=True)) == {"flag", "hide", "purge"}
    assert AuditEntry.objects.filter(comment=post).count() == 3

    # The report the decision closed still names it, and its reporter is still told.
    flag = Flag.objects.get()
    assert flag.resolution_id == old["decision"] and flag.resolution.action == "hide"
    assert flag.outcome.startswith("A moderator hid it")

    # New entries follow the moved ones.
    newest = audit_record(actor=None, action="unblock", reason="Later")
    assert newest.pk > max(entry[0] for entry in old["entries"])
