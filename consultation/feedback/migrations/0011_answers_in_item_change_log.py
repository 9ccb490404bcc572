"""The change log of feedback items also records the items whose questionnaire answers
changed (an option chosen or unchosen, an answer removed, a response submitted, deleted or
given to another person) and a comment given another author, so every process holds each
item's closed answers in its arrays beside its codes (consultation.search.backends
.item_changes, item_arrays) instead of reading them for every search."""

from django.db import migrations

from consultation.search.backends import item_changes


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0010_item_change_log_text"),
        ("questionnaires", "0001_questionnaires_and_responses"),
    ]

    operations = [
        # The items' own triggers again: the author is one of the columns now.
        migrations.RunPython(item_changes.recreate, item_changes.recreate),
        migrations.RunPython(item_changes.create_answers, item_changes.drop_answers),
    ]
