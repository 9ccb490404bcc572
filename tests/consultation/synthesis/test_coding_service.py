"""The one writer of codes (consultation.synthesis.coding): themes applied and removed as
one action, atomic, audited with the search that chose the items, and undone as a whole."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from consultation.feedback.models import FeedbackItem
from consultation.synthesis import coding
from consultation.synthesis.models import CodeSource, Coding, CodingAction, Theme
from hub.core.models import AuditEntry
from tests.support.consultation_factories import comment_on, consultation_on

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


@pytest.fixture
def items(section, consultation):
    return [
        FeedbackItem.objects.get(comment=comment_on(section, consultation=consultation))
        for _ in range(4)
    ]


@pytest.fixture
def themes(consultation):
    return [
        Theme.objects.create(consultation=consultation, name=name)
        for name in ("Workforce", "Data", "Trust")
    ]


def codes():
    return set(Coding.objects.values_list("item_id", "theme__name"))


def test_apply_codes_every_item_once_and_keeps_earlier_codes(
    items, themes, consultation, admin_user
):
    first = coding.apply_themes(
        actor=admin_user, consultation=consultation, item_ids=[items[0].pk], themes=themes[:1]
    )
    action = coding.apply_themes(
        actor=admin_user,
        consultation=consultation,
        item_ids=[item.pk for item in items],
        themes=themes[:2],
        scope=CodingAction.Scope.SEARCH,
        search="q=data&sector=nhs",
    )
    assert action.changed_count == 7  # item 0 already had Workforce
    assert Coding.objects.get(item=items[0], theme=themes[0]).action == first
    entry = AuditEntry.objects.about(action).get()
    assert entry.action == "themes_applied"
    assert entry.actor == admin_user
    assert entry.data["search"] == "q=data&sector=nhs"
    assert entry.data["items"] == 4
    assert FeedbackItem.objects.filter(needs_indexing=True).count() == 4

    coding.undo(actor=admin_user, action=action)
    assert codes() == {(items[0].pk, "Workforce")}
    with pytest.raises(PermissionDenied):
        coding.undo(actor=admin_user, action=action)


def test_remove_is_undone_by_restoring_the_codes_as_they_were(
    items, themes, consultation, admin_user
):
    ids = [item.pk for item in items]
    coding.apply_themes(
        actor=admin_user,
        consultation=consultation,
        item_ids=ids,
        themes=themes[:1],
        source=CodeSource.IMPORTED,
    )
    before = set(Coding.objects.values_list("item_id", "theme_id", "source", "coded_at"))
    removal = coding.remove_themes(
        actor=admin_user, consultation=consultation, item_ids=ids[:3], themes=themes
    )
    assert removal.changed_count == 3
    assert codes() == {(ids[3], "Workforce")}
    coding.undo(actor=admin_user, action=removal)
    assert set(Coding.objects.values_list("item_id", "theme_id", "source", "coded_at")) == before


def test_items_or_themes_of_another_consultation_are_refused_and_nothing_is_written(
    items, themes, consultation, section, admin_user
):
    other = consultation_on(section, slug="other")
    foreign_item = FeedbackItem.objects.get(comment=comment_on(section, consultation=other))
    foreign_theme = Theme.objects.create(consultation=other, name="Elsewhere")
    for item_ids, chosen in (
        ([items[0].pk, foreign_item.pk], themes[:1]),
        ([items[0].pk], [foreign_theme]),
        ([], themes[:1]),
        ([items[0].pk], []),
    ):
        with pytest.raises(ValidationError):
            coding.apply_themes(
                actor=admin_user, consultation=consultation, item_ids=item_ids, themes=chosen
            )
    assert not Coding.objects.exists()
    assert not CodingAction.objects.exists()
