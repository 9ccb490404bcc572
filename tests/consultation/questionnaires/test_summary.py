"""The summary of the closed questions: counts and percentages of each option among the
submitted responses, overall and by sector or region, as accessible tables; for the
working group (with a second factor) at any time, for the public once the consultation
has closed and an editor published it. Its queries do not grow with responses."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.support import factories
from tests.support.markup import soup_of
from tests.support.questionnaire_factories import answered, questionnaire_on

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

STAFF = "/consultation/moderation/questionnaires/draft/summary/"
PUBLIC = "/consultation/draft/questionnaire/summary/"


@pytest.fixture
def questionnaire(consultation, section):
    return questionnaire_on(consultation, section=section)


def person(sector="clinician", region="london"):
    return factories.ProfileFactory(sector=sector, region=region).user


def table_of(html, number):
    table = soup_of(html).find("table", id=f"question-{number}")
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in table.find_all("tr")
    ]


def close(consultation):
    consultation.opens_at = timezone.now() - datetime.timedelta(days=10)
    consultation.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    consultation.save()


def test_counts_and_percentages_overall(client, questionnaire, analyst):
    answered(questionnaire, person(), clear="Yes", areas=("Data", "Skills"))
    answered(questionnaire, person(), clear="Yes", areas=("Data",))
    answered(questionnaire, person(), clear="No", areas=("Funding",), safety="")
    answered(questionnaire, person(), clear="No", submit=False)  # a draft is not counted
    client.force_login(analyst)
    html = client.get(STAFF).content.decode()
    assert "3 submitted responses" in html
    assert table_of(html, 1) == [
        ["Answer", "All respondents (3 answered)"],
        ["Yes", "2 (66.7%)"],
        ["No", "1 (33.3%)"],
        ["Not sure", "0 (0.0%)"],
    ]
    assert table_of(html, 2)[1] == ["Data", "2 (66.7%)"]
    assert table_of(html, 3)[0] == ["Answer", "All respondents (2 answered)"]
    assert "more than one option" in html
    assert soup_of(html).find("table", id="question-4") is None  # free text is not counted
    table = soup_of(html).find("table", id="question-1")
    assert table.caption.get_text(strip=True) == "1. Is the vision clear?"
    assert {th["scope"] for th in table.find_all("th")} == {"col", "row"}


def test_by_sector_and_by_region(client, questionnaire, analyst):
    answered(questionnaire, person("clinician", "london"), clear="Yes")
    answered(questionnaire, person("clinician", "wales"), clear="No")
    answered(questionnaire, person("charity", "wales"), clear="Yes")
    client.force_login(analyst)
    by_sector = table_of(client.get(STAFF + "?by=sector").content.decode(), 1)
    assert by_sector[0] == [
        "Answer",
        "All respondents (3 answered)",
        "Clinician (2 answered)",
        "Charity (1 answered)",
    ]
    assert by_sector[1] == ["Yes", "2 (66.7%)", "1 (50.0%)", "1 (100.0%)"]
    by_region = table_of(client.get(STAFF + "?by=region").content.decode(), 1)
    assert by_region[0][2:] == ["London (1 answered)", "Wales (2 answered)"]
    assert client.get(STAFF + "?by=<script>").status_code == 200


def test_queries_do_not_grow_with_responses(
    client, questionnaire, analyst, django_assert_max_num_queries
):
    answered(questionnaire, person(), clear="Yes")
    client.force_login(analyst)
    with CaptureQueriesContext(connection) as few:
        assert client.get(STAFF + "?by=sector").status_code == 200
    for n in range(12):
        answered(questionnaire, person(("industry", "academia", "nurse_ahp")[n % 3]))
    with django_assert_max_num_queries(len(few)):
        assert client.get(STAFF + "?by=sector").status_code == 200


def test_the_public_summary_needs_the_close_and_an_editors_choice(
    client, questionnaire, consultation
):
    answered(questionnaire, person(), clear="Yes")
    assert client.get(PUBLIC).status_code == 404
    questionnaire.publish_summary = True
    questionnaire.save()
    assert client.get(PUBLIC).status_code == 404  # still open
    close(consultation)
    page = client.get(PUBLIC)
    assert page.status_code == 200
    # one respondent: the public table does not say how they answered (small counts)
    assert table_of(page.content.decode(), 1)[1] == ["Yes", "fewer than 5"]
    assert PUBLIC in client.get("/consultation/draft/questionnaire/").content.decode()
    questionnaire.publish_summary = False
    questionnaire.save()
    assert client.get(PUBLIC).status_code == 404


def test_the_start_page_links_the_working_group_to_the_summary(client, questionnaire, analyst):
    assert STAFF not in client.get("/consultation/draft/questionnaire/").content.decode()
    client.force_login(analyst)
    assert STAFF in client.get("/consultation/draft/questionnaire/").content.decode()


def test_the_public_summary_withholds_small_counts_and_the_cells_that_give_them_back(
    client, questionnaire, consultation, analyst
):
    """Six clinicians in London and one charity worker in Wales answered: the public table
    by sector must not tell how the charity worker answered, neither by their own cell nor
    by the total minus the clinicians' cell; the working group still sees every count."""
    for _ in range(4):
        answered(questionnaire, person("clinician", "london"), clear="Yes")
    for _ in range(2):
        answered(questionnaire, person("clinician", "london"), clear="No")
    answered(questionnaire, person("charity", "wales"), clear="No")
    questionnaire.publish_summary = True
    questionnaire.save()
    close(consultation)

    public = client.get(PUBLIC + "?by=sector").content.decode()
    table = table_of(public, 1)
    assert table[0] == [
        "Answer",
        "All respondents (7 answered)",
        "Clinician (6 answered)",
        "Charity (fewer than 5 answered)",
    ]
    assert table[1] == ["Yes", "fewer than 5", "fewer than 5", "0 (0.0%)"]
    assert table[2] == ["No", "fewer than 5", "fewer than 5", "fewer than 5"]
    assert table[3] == ["Not sure", "0 (0.0%)", "0 (0.0%)", "0 (0.0%)"]
    assert "count below 5" in public

    client.force_login(analyst)
    staff = table_of(client.get(STAFF + "?by=sector").content.decode(), 1)
    assert staff[2] == ["No", "3 (42.9%)", "2 (33.3%)", "1 (100.0%)"]
