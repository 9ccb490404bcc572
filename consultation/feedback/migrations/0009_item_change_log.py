"""The change log of feedback items, written by triggers on the item table, from which
every process brings its in-memory search arrays up to date
(consultation.search.backends.item_changes, item_arrays)."""

from django.db import migrations

from consultation.search.backends import item_changes


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0008_channel_in_facet_bits"),
    ]

    operations = [
        migrations.RunPython(item_changes.create, item_changes.drop),
    ]
