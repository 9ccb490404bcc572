"""One feedback item for every comment, reply and discussion post written before items
existed, made as the services make them (consultation.feedback.sync.comment_fields reads
only the comment's own columns, so it works on the historical model)."""

from django.db import migrations

from consultation.feedback.sync import comment_fields

BATCH = 2_000


def items_for_existing_comments(apps, schema_editor):
    Comment = apps.get_model("consultation", "Comment")
    FeedbackItem = apps.get_model("feedback", "FeedbackItem")
    have = set(FeedbackItem.objects.filter(comment__isnull=False).values_list("comment_id", flat=True))
    batch = []
    for comment in Comment.objects.order_by("pk").iterator(chunk_size=BATCH):
        if comment.pk not in have:
            batch.append(FeedbackItem(**comment_fields(comment)))
        if len(batch) >= BATCH:
            FeedbackItem.objects.bulk_create(batch)
            batch = []
    FeedbackItem.objects.bulk_create(batch)


def remove_items(apps, schema_editor):
    apps.get_model("feedback", "FeedbackItem").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_feedback_item"),
    ]

    operations = [migrations.RunPython(items_for_existing_comments, remove_items)]
