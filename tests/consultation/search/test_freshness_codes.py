"""The database search counts themes and stances from the process's arrays, which the change
log keeps fresh: a code applied, removed or undone, a stance set or cleared (through the
services, or written directly), a sub-theme moved to another parent and a theme deleted
are each in the very next search's counts and filters; a code written in a transaction
that rolled back never is."""

import pytest
from django.db import connection, transaction

from consultation.search import run
from consultation.search.backends import item_changes
from consultation.search.types import NONE, FeedbackQuery
from consultation.synthesis import codebook, coding, review
from consultation.synthesis.models import Stance
from tests.support.consultation_factories import comment_on
from tests.support.synthesis_factories import code, set_stance, theme

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


@pytest.fixture(autouse=True)
def _database_backend(settings):
    settings.ELASTICSEARCH_URL = None


@pytest.fixture
def items(section, consultation):
    from consultation.feedback.models import FeedbackItem

    return [
        FeedbackItem.objects.get(comment=comment_on(section, consultation=consultation))
        for _ in range(3)
    ]


def counts(facet, **filters):
    results = run(FeedbackQuery(page_size=100, filters=tuple(filters.items())))
    return {count.value: count.count for count in results.facet(facet).values}


def test_codes_are_in_the_very_next_search(consultation, items, analyst):
    data = theme(consultation, "Data")
    assert counts("theme") == {NONE: 3}  # the arrays are loaded now, before any code
    applied = code(analyst, items[:2], data)
    assert counts("theme") == {str(data.pk): 2, NONE: 1}
    assert counts("theme", theme=(str(data.pk),)) == {str(data.pk): 2, NONE: 1}
    coding.remove_themes(
        actor=analyst, consultation=consultation, item_ids=[items[0].pk], themes=[data]
    )
    assert counts("theme") == {str(data.pk): 1, NONE: 2}
    coding.undo(actor=analyst, action=applied)
    assert counts("theme") == {NONE: 3}


def test_a_sub_theme_moved_and_a_theme_deleted_are_in_the_next_search(consultation, items, analyst):
    data, trust = theme(consultation, "Data"), theme(consultation, "Trust")
    consent = theme(consultation, "Consent", parent=data)
    code(analyst, items[:1], consent)
    assert counts("theme")[str(data.pk)] == 1  # a parent counts its sub-themes' items
    consent.parent = trust
    consent.save()
    found = counts("theme")
    assert str(data.pk) not in found and found[str(trust.pk)] == 1
    codebook.theme_delete(actor=analyst, theme=trust)
    assert counts("theme") == {NONE: 3}


def test_stances_are_in_the_very_next_search(items, analyst):
    assert counts("stance") == {NONE: 3}
    review.stance_set(actor=analyst, item=items[0], stance=Stance.SUPPORTS)
    assert counts("stance") == {Stance.SUPPORTS: 1, NONE: 2}
    set_stance(items[1], Stance.OPPOSES)  # a review row written directly: logged too
    assert counts("stance", stance=(Stance.OPPOSES,)) == {
        Stance.SUPPORTS: 1,
        Stance.OPPOSES: 1,
        NONE: 1,
    }
    review.stance_set(actor=analyst, item=items[0], stance="")
    assert counts("stance") == {Stance.OPPOSES: 1, NONE: 2}


def test_a_code_rolled_back_is_never_counted(consultation, items, analyst):
    data = theme(consultation, "Data")
    assert counts("theme") == {NONE: 3}
    with pytest.raises(RuntimeError), transaction.atomic():
        code(analyst, items, data)
        assert counts("theme") == {str(data.pk): 3}  # this transaction sees its codes
        raise RuntimeError("undo it all")
    assert counts("theme") == {NONE: 3}


def test_every_trigger_that_logs_codes_is_there_after_the_migrations():
    """A later migration that makes SQLite copy the codes', reviews' or themes' table drops
    their triggers: this says so, rather than a search quietly counting old codes."""
    expected = {
        statement.split('"')[1]
        for statement in item_changes.synthesis_create_sql(connection.vendor)
        if "CREATE TRIGGER" in statement
    }
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        assert expected <= {name for (name,) in cursor.fetchall()}
