"""Bulk coding in a real browser, with JavaScript and without: search the feedback, tick two
results, tick a theme, apply it; the results show it; the coding history undoes it. (Owned
by the synthesis workspace; it lives here to share the one Chromium these fixtures start.)"""

import pytest

from consultation.synthesis.models import Coding, CodingAction, Theme
from hub.accounts.rules import WORKING_GROUP
from tests.support.browser import signed_in
from tests.support.consultation_factories import ConsultationFactory, comment_on
from tests.support.factories import ProfileFactory, in_group, with_mfa

pytestmark = [pytest.mark.browser, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def analyst(site_tree):
    return with_mfa(in_group(ProfileFactory(display_name="Bea Browser").user, WORKING_GROUP))


@pytest.fixture
def items(site_tree):
    section = site_tree["section"]
    consultation = ConsultationFactory(slug="draft")
    consultation.sections.add(section)
    Theme.objects.create(consultation=consultation, name="Workforce")
    texts = ["Care staff need time to learn.", "Care homes need examples.", "Robots on wards."]
    return [comment_on(section, consultation=consultation, text=t).feedback_item for t in texts]


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without"])
def test_search_select_apply_a_theme_and_undo_it(
    client, live_server, page, no_js_page, analyst, items, javascript
):
    tab = signed_in(page if javascript else no_js_page, client, live_server, analyst)
    tab.goto(live_server.url + "/synthesis/?q=care")
    tab.get_by_label(f"Select item {items[0].pk}").check()
    tab.get_by_label(f"Select item {items[1].pk}").check()
    tab.get_by_label("Workforce", exact=True).check()
    tab.get_by_role("button", name="Apply themes to selected").click()
    assert "Applied Workforce to 2 items (2 codes changed)." in tab.content()
    assert set(Coding.objects.values_list("item_id", flat=True)) == {items[0].pk, items[1].pk}
    assert tab.locator(".hub-feedback-result .hub-theme-tag").count() == 2

    tab.get_by_role("link", name="Coding history (undo)").click()
    tab.get_by_role("button", name="Undo").click()
    assert "Undone: applied themes on 2 items." in tab.content()
    assert not Coding.objects.exists()
    assert CodingAction.objects.get().is_undone
    if javascript:
        assert page.js_errors == []
