"""PostgreSQL: a table of how often each lexeme occurs in each item, kept in step by
triggers, from which a search for one word reads its matches and their relevance
(consultation.search.backends.item_terms). Nothing on SQLite, whose FTS5 index holds the
same counts."""

from django.db import migrations

from consultation.search.backends import item_terms


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0012_search_vector_kept_in_the_row"),
    ]

    operations = [
        migrations.RunPython(item_terms.create, item_terms.drop),
    ]
