"""The timeline has exactly one current phase, however its page is saved: in the Wagtail
admin (the editor sees why) and in code (a revision with two current phases is refused).
Each phase says when it starts and ends: past dates as facts, dates to come as expected,
unknown ones as to be confirmed; a phase cannot end before it starts."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from hub.pages.models import Phase, TimelinePage

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


@pytest.fixture
def timeline(site_tree):
    return site_tree["timeline"]


def _phase_form(phase, *, is_current):
    return {
        "id": str(phase.pk),
        "kind": phase.kind,
        "title": phase.title,
        "period": phase.period,
        "starts_on": phase.starts_on.isoformat() if phase.starts_on else "",
        "ends_on": phase.ends_on.isoformat() if phase.ends_on else "",
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


def _publish_phase_forms(client, timeline, forms):
    data = nested_form_data(
        {
            "title": timeline.title,
            "slug": timeline.slug,
            "intro": rich_text("<p>How the strategy is written.</p>"),
            "phases": inline_formset(forms, initial=len(forms)),
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


def _dated(timeline):
    """Research ran from 90 to 21 days ago; engagement started 21 days ago and is expected
    to end in 40 days; futures has no dates yet."""
    today = timezone.localdate()
    research, engagement = timeline.phases.order_by("sort_order", "pk")
    # Orders given as the admin gives them: rows with no order have none between them (and
    # PostgreSQL and SQLite place such rows differently).
    Phase.objects.filter(pk=research.pk).update(
        starts_on=today - datetime.timedelta(days=90),
        ends_on=today - datetime.timedelta(days=21),
        sort_order=0,
    )
    Phase.objects.filter(pk=engagement.pk).update(
        starts_on=today - datetime.timedelta(days=21),
        ends_on=today + datetime.timedelta(days=40),
        sort_order=1,
    )
    Phase.objects.create(
        page=timeline, kind="futures", title="Futures", summary="Next.", sort_order=2
    )
    return today


def _timing_lines(html):
    """Each phase's timing lines, as text, in page order."""
    lists = re.findall(r'<ul class="[^"]*hub-timeline__dates">(.*?)</ul>', html, re.S)
    return [
        [
            " ".join(re.sub("<[^>]+>", "", item).split())
            for item in re.findall(r"<li>(.*?)</li>", block, re.S)
        ]
        for block in lists
    ]


def test_each_phase_says_when_it_starts_and_ends(client, timeline):
    from hub.core.dates import human_date

    today = _dated(timeline)
    html = client.get(timeline.url).content.decode()
    days = {n: human_date(today + datetime.timedelta(days=n)) for n in (-90, -21, 40)}
    assert _timing_lines(html) == [
        [f"Started {days[-90]}", f"Ended {days[-21]}"],
        [f"Started {days[-21]}", f"Expected to end {days[40]}"],
        ["Start date to be confirmed", "End date to be confirmed"],
    ]
    expected_end = (today + datetime.timedelta(days=40)).isoformat()
    assert f'Expected to end <time datetime="{expected_end}">{days[40]}</time>' in html


def test_the_home_page_says_when_the_current_phase_ends(client, site_tree, timeline):
    from hub.core.dates import human_date

    today = _dated(timeline)
    Phase.objects.filter(page=timeline).update(is_current=False)
    Phase.objects.filter(page=timeline, kind="engagement").update(is_current=True)
    html = client.get(site_tree["home"].url).content.decode()
    assert (
        f'Expected to end <time datetime="{(today + datetime.timedelta(days=40)).isoformat()}">'
        in html
    )
    assert human_date(today + datetime.timedelta(days=40)) in html


def test_the_admin_sets_a_phases_dates(editor_client, timeline):
    research, engagement = timeline.phases.order_by("sort_order", "pk")
    research.starts_on, research.ends_on = datetime.date(2026, 9, 1), datetime.date(2026, 10, 9)
    forms = [_phase_form(research, is_current=True), _phase_form(engagement, is_current=False)]
    response = _publish_phase_forms(editor_client, timeline, forms)
    assert response.status_code == 302, response.content.decode()[:3000]
    research.refresh_from_db()
    assert (research.starts_on, research.ends_on) == (
        datetime.date(2026, 9, 1),
        datetime.date(2026, 10, 9),
    )


def test_a_phase_cannot_end_before_it_starts(editor_client, timeline):
    research, engagement = timeline.phases.order_by("sort_order", "pk")
    research.starts_on, research.ends_on = datetime.date(2026, 10, 9), datetime.date(2026, 9, 1)
    forms = [_phase_form(research, is_current=True), _phase_form(engagement, is_current=False)]
    response = _publish_phase_forms(editor_client, timeline, forms)
    assert response.status_code == 200
    assert "A phase cannot end before it starts." in response.content.decode()
    assert Phase.objects.get(pk=research.pk).starts_on is None
    # The database holds the same rule.
    with pytest.raises(IntegrityError), transaction.atomic():
        Phase.objects.filter(pk=research.pk).update(
            starts_on=datetime.date(2026, 10, 9), ends_on=datetime.date(2026, 9, 1)
        )
