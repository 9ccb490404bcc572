"""The timeline has exactly one current phase, however its page is saved: in the Wagtail
admin (the editor sees why) and in code (a revision with two current phases is refused)."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from hub.pages.models import Phase, TimelinePage
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def timeline(site_tree):
    return site_tree["timeline"]


@pytest.fixture
def editor_client(client):
    editor = factories.UserFactory(is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=editor, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(editor)
    return client


def _phase_form(phase, *, is_current):
    return {
        "id": str(phase.pk),
        "kind": phase.kind,
        "title": phase.title,
        "period": phase.period,
        "summary": phase.summary,
        "is_current": "on" if is_current else "",
        "ORDER": str(phase.sort_order or 0),
        "DELETE": "",
    }


def _post(client, timeline, current, *, new=(), delete=()):
    """Publish the timeline from the admin with `current` marking which phases are current,
    `new` phase forms added after them and the phases numbered in `delete` deleted."""
    phases = list(timeline.phases.order_by("sort_order", "pk"))
    forms = [
        {**_phase_form(phase, is_current=flag), "DELETE": "1" if n in delete else ""}
        for n, (phase, flag) in enumerate(zip(phases, current, strict=True))
    ]
    data = nested_form_data(
        {
            "title": timeline.title,
            "slug": timeline.slug,
            "intro": rich_text("<p>How the strategy is written.</p>"),
            "phases": inline_formset([*forms, *new], initial=len(phases)),
            "action-publish": "action-publish",
        }
    )
    return client.post(f"/admin/pages/{timeline.pk}/edit/", data)


def _current_titles(timeline):
    return list(
        Phase.objects.filter(page=timeline, is_current=True).values_list("title", flat=True)
    )


def test_the_admin_moves_the_current_phase(editor_client, timeline):
    assert _current_titles(timeline) == ["Research"]
    response = _post(editor_client, timeline, [False, True])
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _current_titles(timeline) == ["Engagement"]


def test_the_admin_adds_a_new_current_phase_and_deletes_one(editor_client, timeline):
    futures = {
        "id": "",
        "kind": "futures",
        "title": "Futures",
        "period": "",
        "summary": "Possible futures.",
        "is_current": "on",
        "ORDER": "3",
        "DELETE": "",
    }
    response = _post(editor_client, timeline, [False, False], new=[futures], delete={0})
    assert response.status_code == 302, response.content.decode()[:3000]
    titles = list(Phase.objects.filter(page=timeline).values_list("title", flat=True))
    assert sorted(titles) == ["Engagement", "Futures"]
    assert _current_titles(timeline) == ["Futures"]


def test_deleting_the_current_phase_needs_another(editor_client, timeline):
    response = _post(editor_client, timeline, [True, False], delete={0})
    assert response.status_code == 200
    assert "Mark one phase as the current phase." in response.content.decode()
    assert Phase.objects.filter(page=timeline).count() == 2


@pytest.mark.parametrize(
    ("current", "message"),
    [
        ([True, True], "Only one phase can be the current phase."),
        ([False, False], "Mark one phase as the current phase."),
    ],
)
def test_the_admin_explains_a_timeline_without_one_current_phase(
    editor_client, timeline, current, message
):
    response = _post(editor_client, timeline, current)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _current_titles(timeline) == ["Research"]


def test_the_admin_repairs_a_timeline_saved_without_a_current_phase(editor_client, timeline):
    # Rows written straight to the database, as before the rule was the model's.
    Phase.objects.filter(page=timeline).update(is_current=False)
    response = _post(editor_client, timeline, [True, False])
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _current_titles(timeline) == ["Research"]


@pytest.mark.parametrize("current", [(True, True), (False, False)])
def test_a_revision_without_exactly_one_current_phase_is_refused(timeline, current):
    page = TimelinePage.objects.get(pk=timeline.pk)
    page.phases = [
        Phase(kind=phase.kind, title=phase.title, summary=phase.summary, is_current=flag)
        for phase, flag in zip(timeline.phases.order_by("sort_order", "pk"), current, strict=True)
    ]
    with pytest.raises(ValidationError, match="current phase"):
        page.save_revision()


def test_a_timeline_without_phases_is_fine(site_tree):
    timeline = site_tree["timeline"]
    Phase.objects.filter(page=timeline).delete()
    page = TimelinePage.objects.get(pk=timeline.pk)
    page.save_revision().publish()
    assert page.live
