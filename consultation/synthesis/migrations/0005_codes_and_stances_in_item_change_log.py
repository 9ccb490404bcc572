"""Codes, stances and theme parents written log their items in the feedback item change
log, so the search's per-process arrays re-read those items' themes and stance
(consultation.search.backends.item_changes, item_arrays)."""

from django.db import migrations

from consultation.search.backends import item_changes


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0009_item_change_log"),
        ("synthesis", "0004_campaign_groups_and_code_imports"),
    ]

    operations = [
        migrations.RunPython(item_changes.create_synthesis, item_changes.drop_synthesis),
    ]
