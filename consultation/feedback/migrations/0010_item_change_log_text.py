"""The change log of feedback items also records a change of an item's text: every process
keeps each item's length in tokens beside its facets, for SQLite's relevance ranking
(consultation.search.backends.fts5_rank)."""

from django.db import migrations

from consultation.search.backends import item_changes


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0009_item_change_log"),
    ]

    operations = [
        migrations.RunPython(item_changes.recreate, item_changes.recreate),
    ]
