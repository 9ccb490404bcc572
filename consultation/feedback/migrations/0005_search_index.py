"""The facet bits of the items made so far, and the database's full-text index of items:
FTS5 with triggers on SQLite, a generated tsvector column with a GIN index on PostgreSQL
(consultation.search.backends.item_index)."""

from django.db import migrations

from consultation.feedback.facet_codes import fill_bits
from consultation.search.backends import item_index


def fill_facet_bits(apps, schema_editor):
    fill_bits(apps.get_model("feedback", "FeedbackItem"), apps.get_model("feedback", "FacetCode"))


def create_index(apps, schema_editor):
    for statement in item_index.create_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    for statement in item_index.drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0004_import_source_is_an_imported_response"),
    ]

    operations = [
        migrations.RunPython(fill_facet_bits, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
