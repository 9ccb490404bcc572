"""The channel joins the facet bits (consultation.feedback.facet_codes: the choices take
20 bits, the paragraph and organisation codes 21 each), so every item's bits are written
again in the new layout."""

from django.db import migrations

from consultation.feedback.facet_codes import fill_bits


def fill_facet_bits(apps, schema_editor):
    fill_bits(apps.get_model("feedback", "FeedbackItem"), apps.get_model("feedback", "FacetCode"))


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0007_deleted_items"),
    ]

    operations = [
        migrations.RunPython(fill_facet_bits, migrations.RunPython.noop),
    ]
