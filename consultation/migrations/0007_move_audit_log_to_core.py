"""Move the consultation's audit log into the one audit log of hub.core.

Every entry is copied with its id, action, actor, subject, reason and time, its comment
becoming a generic target; ids are kept, so the reports a decision or a withdrawal closed
(Flag.resolution) point at the same entries in the new table, and the order of entries
written in the same instant stays the same. The copy counts what it wrote and stops the
migration if any entry is missing. Then Flag.resolution follows the entries and the old
table goes. (Flag.resolution loses its database constraint while the rows move, so the
migration can be undone with data in place too.)"""

from django.core.management.color import no_style
from django.db import migrations, models
import django.db.models.deletion

FIELDS = ("id", "actor_id", "action", "subject_id", "reason", "created_at")


def _reset_sequence(schema_editor, model):
    """After rows were written with their ids, the next id must follow them (PostgreSQL)."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def copy_to_core(apps, schema_editor):
    Old = apps.get_model("consultation", "AuditEntry")
    New = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    comment_type, _ = ContentType.objects.get_or_create(app_label="consultation", model="comment")
    copied = 0
    rows = Old.objects.order_by("pk").values(*FIELDS, "comment_id")
    batch = []
    for row in rows.iterator(chunk_size=2000):
        comment_id = row.pop("comment_id")
        batch.append(
            New(
                **row,
                target_type_id=comment_type.pk if comment_id else None,
                target_id=comment_id,
                data={},
            )
        )
        if len(batch) == 2000:
            copied += len(New.objects.bulk_create(batch))
            batch = []
    copied += len(New.objects.bulk_create(batch))
    expected = Old.objects.count()
    kept = New.objects.filter(pk__in=Old.objects.values("pk")).count()
    if copied != expected or kept != expected:
        raise RuntimeError(
            f"The audit log was not moved whole: {expected} entries, {copied} copied, "
            f"{kept} found in the new log."
        )
    _reset_sequence(schema_editor, New)


def copy_back(apps, schema_editor):
    """Undo: the entries about comments (or about nobody's comment) go back, with their ids."""
    Old = apps.get_model("consultation", "AuditEntry")
    New = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    comment_type = ContentType.objects.filter(app_label="consultation", model="comment").first()
    about = models.Q(target_type__isnull=True)
    if comment_type is not None:
        about |= models.Q(target_type=comment_type)
    moved = New.objects.filter(about).order_by("pk")
    Old.objects.bulk_create(
        Old(**{field: getattr(entry, field) for field in FIELDS}, comment_id=entry.target_id)
        for entry in moved
    )
    moved.delete()
    _reset_sequence(schema_editor, Old)


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0006_flag_resolution"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_audit_log"),
    ]

    operations = [
        migrations.AlterField(
            model_name="flag",
            name="resolution",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="resolved_flags",
                to="consultation.auditentry",
            ),
        ),
        migrations.RunPython(copy_to_core, copy_back),
        migrations.AlterField(
            model_name="flag",
            name="resolution",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="resolved_flags",
                to="core.auditentry",
            ),
        ),
        migrations.DeleteModel(name="AuditEntry"),
    ]
