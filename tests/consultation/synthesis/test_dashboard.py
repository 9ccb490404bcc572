"""The working group's synthesis views through HTTP: themes by sector, region and stance
(counts and percentages, sortable by any column without JavaScript), the heat map of the
draft linking to each paragraph's items, volume per week, the charts (well-formed SVG,
labelled, hostile theme names escaped), every table's CSV, the printable report, and a
query count that does not grow with the number of items."""

import csv
import datetime
import io
import re

import pytest
from defusedxml.ElementTree import fromstring
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from consultation.feedback.models import FeedbackItem
from consultation.models import Status
from consultation.services.comments import comment_withdraw
from consultation.synthesis import charts, coding
from consultation.synthesis.models import ItemReview, Stance, Theme
from hub.accounts.models import Region, Sector
from hub.core.models import AuditEntry
from tests.support import factories
from tests.support.consultation_factories import comment_on, paragraph_ids
from tests.support.hostile import HOSTILE_MARKUP

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]
SVG = "{http://www.w3.org/2000/svg}"
FORMULA = '=HYPERLINK("http://evil.example","click")'


def dashboard_url(consultation, rest=""):
    return f"/synthesis/consultations/{consultation.slug}/dashboard/{rest}"


def person(sector, region):
    return factories.ProfileFactory(sector=sector, region=region).user


def add_items(section, consultation, count, *, sector, region, paragraph=0, when=None):
    """`count` comments by people of one sector and region on one paragraph; their items."""
    pid = paragraph_ids(section)[paragraph]
    author = person(sector, region)
    return [
        FeedbackItem.objects.get(
            comment=comment_on(
                section,
                consultation=consultation,
                author=author,
                paragraph_id=pid,
                created_at=when,
            )
        )
        for _ in range(count)
    ]


@pytest.fixture
def themes(consultation):
    workforce = Theme.objects.create(consultation=consultation, name="Workforce", sort_order=1)
    data = Theme.objects.create(consultation=consultation, name="Data", sort_order=2)
    Theme.objects.create(consultation=consultation, name="Skills", parent=workforce)
    return {"workforce": workforce, "data": data}


@pytest.fixture
def coded(section, consultation, themes, analyst):
    """Three clinicians in London and one carer in Wales on paragraph 1, two carers on
    paragraph 2; Workforce on the clinicians' and one carer's items, Data on the carers'."""
    week = timezone.now() - datetime.timedelta(days=21)
    clinicians = add_items(
        section, consultation, 3, sector=Sector.CLINICIAN, region=Region.LONDON, when=week
    )
    carers = add_items(section, consultation, 1, sector=Sector.PATIENT_CARER, region=Region.WALES)
    carers += add_items(
        section, consultation, 2, sector=Sector.PATIENT_CARER, region=Region.WALES, paragraph=1
    )
    coding.apply_themes(
        actor=analyst,
        consultation=consultation,
        item_ids=[item.pk for item in clinicians + carers[:1]],
        themes=[themes["workforce"]],
    )
    coding.apply_themes(
        actor=analyst,
        consultation=consultation,
        item_ids=[item.pk for item in carers],
        themes=[themes["data"]],
    )
    ItemReview.objects.create(item=clinicians[0], stance=Stance.SUPPORTS)
    ItemReview.objects.create(item=clinicians[1], stance=Stance.OPPOSES)
    return {"clinicians": clinicians, "carers": carers}


@pytest.fixture
def wg_client(client, analyst):
    client.force_login(analyst)
    return client


def table_rows(html, key):
    """The rows of one cross-tab: [theme, cell texts...]."""
    table = re.search(rf'id="table-{key}".*?</table>', html, re.S).group(0)
    body = re.search(r"<tbody.*?</tbody>", table, re.S).group(0)
    rows = []
    for row in re.findall(r"<tr.*?</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells])
    return rows


def svgs(html):
    return re.findall(
        r"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"hub-chart\".*?</svg>", html, re.S
    )


def test_themes_by_sector_with_counts_and_percentages(wg_client, consultation, coded):
    response = wg_client.get(dashboard_url(consultation))
    assert response.status_code == 200
    html = response.content.decode()
    rows = {row[0]: row[1:] for row in table_rows(html, "sectors")}
    assert set(rows) == {"Workforce", "Workforce: Skills", "Data"}
    sectors = [value for value, _ in Sector.choices]
    clinician = sectors.index(Sector.CLINICIAN)
    carer = sectors.index(Sector.PATIENT_CARER)
    # 3 of the 3 clinicians' items, 1 of the 3 carers' items.
    assert rows["Workforce"][clinician] == "3 (100.0%)"
    assert rows["Workforce"][carer] == "1 (33.3%)"
    assert rows["Workforce"][-1] == "4"
    assert rows["Data"][carer] == "3 (100.0%)"
    assert rows["Workforce: Skills"][-1] == "0"


def test_themes_by_region_and_stance_by_theme(wg_client, consultation, coded):
    html = wg_client.get(dashboard_url(consultation)).content.decode()
    regions = {row[0]: row[1:] for row in table_rows(html, "regions")}
    london = [value for value, _ in Region.choices].index(Region.LONDON)
    assert regions["Workforce"][london] == "3 (100.0%)"
    stance = {row[0]: row[1:] for row in table_rows(html, "stance")}
    # Stance percentages are of the theme's items: 1 of Workforce's 4 supports.
    assert stance["Workforce"][:2] == ["1 (25.0%)", "1 (25.0%)"]
    assert stance["Workforce"][-2] == "2 (50.0%)"  # not set
    assert stance["Data"][-2] == "3 (100.0%)"


def test_any_column_sorts_both_ways_without_javascript(wg_client, consultation, coded):
    html = wg_client.get(dashboard_url(consultation)).content.decode()
    assert [row[0] for row in table_rows(html, "sectors")] == [
        "Workforce",
        "Workforce: Skills",
        "Data",
    ]
    link = re.search(r'href="(\?[^"]*sectors_sort=total[^"]*)"', html).group(1)
    html = wg_client.get(dashboard_url(consultation) + link.replace("&amp;", "&")).content.decode()
    assert [row[0] for row in table_rows(html, "sectors")] == [
        "Workforce",
        "Data",
        "Workforce: Skills",
    ]
    assert 'aria-sort="descending"' in html
    # By a sector's column, ascending; and a nonsense column keeps the codebook order.
    url = dashboard_url(consultation) + f"?sectors_sort={Sector.PATIENT_CARER}&sectors_order=asc"
    html = wg_client.get(url).content.decode()
    assert [row[0] for row in table_rows(html, "sectors")][-1] == "Data"
    assert 'aria-sort="ascending"' in html
    html = wg_client.get(dashboard_url(consultation) + "?sectors_sort=%3Cx%3E").content.decode()
    assert table_rows(html, "sectors")[0][0] == "Workforce"


def test_charts_are_well_formed_labelled_svg(wg_client, consultation, coded):
    html = wg_client.get(dashboard_url(consultation)).content.decode()
    found = svgs(html)
    assert len(found) == 5  # items per theme, three cross-tabs, items per week
    for markup in found:
        svg = fromstring(markup)
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title.text and desc.text
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    totals = fromstring(found[0])
    texts = [element.text for element in totals.iter(f"{SVG}text")]
    assert "Workforce" in texts and "4 items" in texts


def test_hostile_theme_names_are_escaped_in_charts_tables_and_csv(
    wg_client, consultation, section, analyst
):
    names = [*(f"{markup[:100]} {n}" for n, markup in enumerate(HOSTILE_MARKUP[:8])), FORMULA]
    hostile = [Theme.objects.create(consultation=consultation, name=name) for name in names]
    items = add_items(section, consultation, 2, sector=Sector.CLINICIAN, region=Region.LONDON)
    coding.apply_themes(
        actor=analyst, consultation=consultation, item_ids=[i.pk for i in items], themes=hostile
    )
    html = wg_client.get(dashboard_url(consultation)).content.decode()
    for theme in hostile[:-1]:
        assert theme.name not in html  # written as text, never as markup
        assert escape(theme.name) in html
    drawn = set()
    for markup in svgs(html):
        svg = fromstring(markup)  # raises if a name broke out of its text
        drawn |= {element.text or "" for element in svg.iter(f"{SVG}text")}
    assert "<script>alert(1)</script> 0" in drawn  # the text itself, as text
    response = wg_client.get(dashboard_url(consultation, "sectors.csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert f"'{FORMULA}" in {row[0] for row in rows[1:-1]}  # never run as a formula


def test_heat_map_shades_each_paragraph_and_links_to_its_items(
    wg_client, consultation, section, coded
):
    html = wg_client.get(dashboard_url(consultation)).content.decode()
    pids = paragraph_ids(section)
    first = re.search(
        rf'<li class="hub-heat hub-heat--(\d)">\s*<a href="([^"]*paragraph={pids[0]})">'
        r"Paragraph 1: (\d+) items",
        html,
    )
    assert first is not None
    level, link, count = first.groups()
    assert (level, count) == ("4", "4")
    assert link.replace("&amp;", "&") == (
        f"/synthesis/?consultation={consultation.pk}&section={section.pk}&paragraph={pids[0]}"
    )
    assert re.search(r'hub-heat--(\d)">\s*<a [^>]*>Paragraph 2: 2 items', html).group(1) == "2"
    # The link finds exactly that paragraph's items.
    results = wg_client.get(link.replace("&amp;", "&")).content.decode()
    assert "4 results" in results or "4 items" in results


def test_volume_per_week_counts_every_week_including_empty_ones(wg_client, consultation, coded):
    html = wg_client.get(dashboard_url(consultation)).content.decode()
    response = wg_client.get(dashboard_url(consultation, "weeks.csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Week beginning", "Items"]
    counts = [int(row[1]) for row in rows[1:]]
    assert counts[0] == 3 and counts[-1] == 3 and sum(counts) == 6
    assert len(counts) in (4, 5)  # three weeks apart, Monday to Monday
    assert 0 in counts
    assert "Items per week" in html


def test_items_out_of_the_analysis_do_not_count(wg_client, consultation, section, coded):
    withdrawn = coded["clinicians"][0]
    comment_withdraw(author=withdrawn.author, comment=withdrawn.comment)
    assert FeedbackItem.objects.get(pk=withdrawn.pk).moderation_state == Status.WITHDRAWN
    html = wg_client.get(dashboard_url(consultation)).content.decode()
    rows = {row[0]: row[1:] for row in table_rows(html, "sectors")}
    assert rows["Workforce"][-1] == "3"


def test_every_table_downloads_as_csv_and_is_audited(wg_client, consultation, coded, analyst):
    for table in ("sectors", "regions", "stance", "paragraphs", "weeks", "quotes"):
        response = wg_client.get(dashboard_url(consultation, f"{table}.csv"))
        assert response.status_code == 200, table
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        assert next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sectors = list(
        csv.reader(
            io.StringIO(
                wg_client.get(dashboard_url(consultation, "sectors.csv")).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    workforce = next(row for row in sectors if row[0] == "Workforce")
    assert workforce[-1] == "4"
    assert sectors[-1][0] == "Items in the analysis" and sectors[-1][-1] == "6"
    assert AuditEntry.objects.filter(action="dashboard_downloaded", actor=analyst).count() == 7
    assert wg_client.get(dashboard_url(consultation, "secrets.csv")).status_code == 404


def test_the_printable_report_has_every_figure_and_a_print_stylesheet(
    wg_client, consultation, coded
):
    response = wg_client.get(f"/synthesis/consultations/{consultation.slug}/report/")
    html = response.content.decode()
    assert response.status_code == 200
    assert len(svgs(html)) == 5
    assert "synthesis.css" in html
    assert "Unpin" not in html and 'href="?sectors_sort' not in html
    with open(finders.find("consultation/synthesis.css"), encoding="utf-8") as stylesheet:
        assert "@media print" in stylesheet.read()


def test_query_count_does_not_grow_with_items(
    wg_client, consultation, section, themes, analyst, django_assert_max_num_queries
):
    def grow(count):
        """More coded items: a code changes the figures' version, so the next view counts."""
        items = add_items(
            section, consultation, count, sector=Sector.NURSE_AHP, region=Region.WALES
        )
        coding.apply_themes(
            actor=analyst,
            consultation=consultation,
            item_ids=[item.pk for item in items],
            themes=[themes["data"]],
        )

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert wg_client.get(url).status_code == 200
        return len(captured)

    grow(2)
    wg_client.get(dashboard_url(consultation))  # warm the session and caches
    grow(1)
    small = queries(dashboard_url(consultation))
    grow(40)
    with django_assert_max_num_queries(small):
        assert wg_client.get(dashboard_url(consultation)).status_code == 200
    grow(1)
    with django_assert_max_num_queries(small):
        assert (
            wg_client.get(f"/synthesis/consultations/{consultation.slug}/report/").status_code
            == 200
        )
    # Seen again with nothing changed, the counts are kept: fewer queries than counting.
    assert queries(dashboard_url(consultation)) < small


def test_a_bar_of_one_says_item_not_items():
    svg = fromstring(
        charts.bar_chart(
            chart_id="one",
            title="Items per theme",
            description="How many items each theme holds.",
            bars=[charts.Bar("Workforce", 1), charts.Bar("Data", 0), charts.Bar("Care", 2)],
        )
    )
    texts = [element.text for element in svg.iter(f"{SVG}text")]
    assert {"1 item", "0 items", "2 items"} <= set(texts)
