"""PostgreSQL keeps each item's tsvector in its row, uncompressed where it fits, so ranking a
common word does not decompress thousands of vectors (item_index.storage_sql). Nothing
changes on SQLite; the rows already there keep their storage until they are next written."""

from django.db import migrations

from consultation.search.backends import item_index


def keep_in_row(apps, schema_editor):
    for statement in item_index.storage_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0011_answers_in_item_change_log"),
    ]

    operations = [
        migrations.RunPython(keep_in_row, migrations.RunPython.noop),
    ]
