"""The dashboard keeps its counts per consultation until something they count changes:
seen twice with nothing changed it counts once (fewer queries the second time), and after
each kind of change (a code applied, removed or undone, a stance set, a new item, an item
withdrawn) the next view shows the new counts, never the kept ones."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultation.feedback.models import FeedbackItem
from consultation.services.comments import comment_withdraw
from consultation.synthesis.models import CodingAction, Stance, Theme
from hub.accounts.models import Region, Sector
from tests.consultation.synthesis.test_dashboard import add_items, dashboard_url, table_rows

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]
CLINICIAN = [value for value, _ in Sector.choices].index(Sector.CLINICIAN)
SUPPORTS = [value for value, _ in Stance.choices].index(Stance.SUPPORTS)


@pytest.fixture
def data(consultation):
    return Theme.objects.create(consultation=consultation, name="Data", sort_order=1)


@pytest.fixture
def items(section, consultation):
    return add_items(section, consultation, 3, sector=Sector.CLINICIAN, region=Region.LONDON)


def sectors(wg_client, consultation):
    """{theme: (clinicians' cell, total)} of the dashboard's themes-by-sector table."""
    html = wg_client.get(dashboard_url(consultation)).content.decode()
    return {row[0]: (row[1 + CLINICIAN], row[-1]) for row in table_rows(html, "sectors")}


def stance(wg_client, consultation):
    html = wg_client.get(dashboard_url(consultation)).content.decode()
    return {row[0]: row[1 + SUPPORTS] for row in table_rows(html, "stance")}


def code(wg_client, item, theme):
    response = wg_client.post(f"/synthesis/items/{item.pk}/themes/", {"themes": [theme.pk]})
    assert response.status_code == 302


def queries(wg_client, url):
    with CaptureQueriesContext(connection) as captured:
        assert wg_client.get(url).status_code == 200
    return len(captured)


def test_a_second_view_reads_the_kept_counts(wg_client, consultation, data, items):
    code(wg_client, items[0], data)
    wg_client.get("/synthesis/consultations/")  # the session, warmed
    first = queries(wg_client, dashboard_url(consultation))
    second = queries(wg_client, dashboard_url(consultation))
    assert second < first  # the arrays and the paragraphs are not read again
    report = queries(wg_client, f"/synthesis/consultations/{consultation.slug}/report/")
    assert report == second  # the report draws the same kept counts
    assert sectors(wg_client, consultation)["Data"] == ("1 (33.3%)", "1")


def test_a_code_applied_removed_and_undone_shows_at_once(wg_client, consultation, data, items):
    assert sectors(wg_client, consultation)["Data"] == ("0 (0.0%)", "0")
    code(wg_client, items[0], data)
    assert sectors(wg_client, consultation)["Data"] == ("1 (33.3%)", "1")
    code(wg_client, items[1], data)
    assert sectors(wg_client, consultation)["Data"] == ("2 (66.7%)", "2")
    response = wg_client.post(f"/synthesis/items/{items[0].pk}/themes/{data.pk}/remove/")
    assert response.status_code == 302
    assert sectors(wg_client, consultation)["Data"] == ("1 (33.3%)", "1")
    removal = CodingAction.objects.filter(kind=CodingAction.Kind.REMOVE).get()
    assert wg_client.post(f"/synthesis/coding/actions/{removal.pk}/undo/").status_code == 302
    assert sectors(wg_client, consultation)["Data"] == ("2 (66.7%)", "2")


def test_a_stance_set_shows_at_once(wg_client, consultation, data, items):
    code(wg_client, items[0], data)
    assert stance(wg_client, consultation)["Data"] == "0 (0.0%)"
    response = wg_client.post(f"/synthesis/items/{items[0].pk}/stance/", {"stance": "supports"})
    assert response.status_code == 302
    assert stance(wg_client, consultation)["Data"] == "1 (100.0%)"
    wg_client.post(f"/synthesis/items/{items[0].pk}/stance/", {"stance": ""})
    assert stance(wg_client, consultation)["Data"] == "0 (0.0%)"


def test_a_new_item_and_an_item_withdrawn_show_at_once(
    wg_client, consultation, section, data, items
):
    code(wg_client, items[0], data)
    assert sectors(wg_client, consultation)["Data"] == ("1 (33.3%)", "1")
    # A new clinician's comment: the share of the clinicians' items falls.
    (new,) = add_items(section, consultation, 1, sector=Sector.CLINICIAN, region=Region.LONDON)
    assert sectors(wg_client, consultation)["Data"] == ("1 (25.0%)", "1")
    # The coded comment withdrawn by its author: out of the analysis, out of the counts.
    comment_withdraw(author=items[0].author, comment=items[0].comment)
    assert not FeedbackItem.objects.get(pk=items[0].pk).in_analysis
    assert sectors(wg_client, consultation)["Data"] == ("0 (0.0%)", "0")
    assert new.pk  # counted among the three clinicians' items left
