"""The working group's feedback search at /synthesis/, through HTTP: the form, checkbox
filters with counts that work without JavaScript, highlighted results linking to each item
in its context, the count announced to screen readers, paging that keeps the filters, the
item page, the streamed CSV of the whole result set (audited, formulas neutralised), every
hostile query answered, the search engine's fallback, and query counts that do not grow
with the results."""

import csv
import io
import re
import socket
from html.parser import HTMLParser

import pytest
from django.core.cache import cache

from consultation.feedback import export
from consultation.feedback.models import FeedbackItem
from consultation.models import AuditAction
from hub.accounts.models import Region, Sector
from hub.accounts.rules import WORKING_GROUP
from hub.core.models import AuditEntry
from tests.support import factories
from tests.support.consultation_factories import comment_on, paragraph_ids
from tests.support.hostile import HOSTILE_MARKUP, HOSTILE_QUERIES

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]
SEARCH = "/synthesis/"
DOWNLOAD = "/synthesis/download/"


def person(sector, region, organisation=""):
    return factories.ProfileFactory(sector=sector, region=region, organisation=organisation).user


@pytest.fixture
def items(section, consultation):
    """Five comments from people of two sectors and regions, one of them hostile."""
    clinician = person(Sector.CLINICIAN, Region.LONDON, "Example Trust")
    carer = person(Sector.PATIENT_CARER, Region.WALES)
    pids = paragraph_ids(section)
    texts = [
        (clinician, "Robots should never replace nurses on a ward."),
        (clinician, "Robotic surgery needs evidence before it spreads."),
        (carer, "Carers need a say in social care technology."),
        (carer, '=HYPERLINK("http://evil.example","click") robots'),
        (carer, "<script>alert(1)</script> robots are scary"),
    ]
    return [
        comment_on(
            section, consultation=consultation, author=author, text=text, paragraph_id=pids[0]
        )
        for author, text in texts
    ]


@pytest.fixture
def wg_client(client, analyst):
    client.force_login(analyst)
    return client


class Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = []

    def handle_starttag(self, tag, attrs):
        self.ids += [value for name, value in attrs if name == "id"]


def ids_of(html):
    parser = Ids()
    parser.feed(html)
    return parser.ids


def status_text(html):
    return re.search(r'role="status"[^>]*>(.*?)</p>', html, re.S).group(1)


def test_the_empty_form_lists_everything_with_facets(wg_client, items):
    response = wg_client.get(SEARCH)
    html = response.content.decode()
    assert response.status_code == 200
    assert "5 results" in status_text(html)
    assert 'name="q"' in html and 'type="submit"' in html
    assert '<details class="nhsuk-details" id="feedback-syntax">' in html
    # Checkboxes per facet value, with counts, inside the GET form.
    assert re.search(r'name="sector" type="checkbox" value="clinician"', html)
    assert re.search(r"Clinician <span[^>]*>\(2\)</span>", html)
    assert re.search(r"Patient or carer <span[^>]*>\(3\)</span>", html)
    ids = ids_of(html)
    assert len(ids) == len(set(ids)), "ids must be unique"


def test_words_are_highlighted_and_each_result_links_to_its_context(wg_client, items):
    html = wg_client.get(SEARCH, {"q": "robot*"}).content.decode()
    assert "4 results" in status_text(html)
    assert "<mark>Robots</mark>" in html
    assert f'href="{items[0].get_absolute_url()}"' in html  # the comment's permalink
    assert f'href="/synthesis/items/{items[0].feedback_item.pk}/"' in html
    # What a participant typed is shown as text (or left out of the extract), never run.
    assert "<script>alert(1)</script>" not in html
    assert "scary" in html


def test_ticking_a_filter_narrows_the_results_and_keeps_the_other_counts(wg_client, items):
    html = wg_client.get(SEARCH, {"q": "robots", "sector": "clinician"}).content.decode()
    assert "2 results" in status_text(html)  # robots, and robotic (the same stem)
    assert re.search(r'value="clinician" checked', html)
    assert re.search(r"Patient or carer <span[^>]*>\(2\)</span>", html)  # its own count stays


def test_paging_links_keep_the_search_and_the_filters(wg_client, section, consultation):
    carer = person(Sector.PATIENT_CARER, Region.WALES)
    for n in range(12):
        comment_on(section, consultation=consultation, author=carer, text=f"Consent {n}")
    html = wg_client.get(
        SEARCH, {"q": "consent", "sector": "patient_carer", "per_page": "10"}
    ).content.decode()
    assert "12 results" in status_text(html)
    (next_link,) = re.findall(r'nhsuk-pagination__link--next" href="([^"]+)"', html)
    next_link = next_link.replace("&amp;", "&")
    for part in ("q=consent", "sector=patient_carer", "per_page=10", "page=2"):
        assert part in next_link
    second = wg_client.get(next_link).content.decode()
    assert "page 2 of 2" in status_text(second)
    assert second.count('class="hub-feedback-result"') == 2


def test_notes_about_the_input_are_shown(wg_client, items):
    html = wg_client.get(SEARCH, {"q": '"unbalanced robots', "sector": "nonsense!"}).content
    html = html.decode()
    assert "A quotation mark without a partner was ignored." in html
    assert "a value this filter does not have was ignored" in html


@pytest.mark.parametrize("text", HOSTILE_QUERIES + HOSTILE_MARKUP[:10])
def test_every_hostile_query_is_answered(wg_client, items, text):
    response = wg_client.get(SEARCH, {"q": text, "page": text, "sector": text, "sort": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"\d+ results?", status_text(html))
    assert "<script>alert(1)</script>" not in html


def test_the_download_holds_every_result_with_links_and_no_formulas(
    wg_client, items, analyst, settings
):
    settings.SITE_URL = "https://hub.example.org"
    response = wg_client.get(DOWNLOAD, {"q": "robots", "per_page": "10"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="feedback-')
    body = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 4  # robots and robotic, whatever the page size
    assert list(rows[0]) == list(export.COLUMNS)
    by_id = {int(row["item_id"]): row for row in rows}
    formula = by_id[items[3].feedback_item.pk]
    assert formula["text"].startswith("'=HYPERLINK")
    first = by_id[items[0].feedback_item.pk]
    assert first["link"] == f"https://hub.example.org{items[0].get_absolute_url()}"
    assert first["item_page"] == f"https://hub.example.org/synthesis/items/{first['item_id']}/"
    assert (first["sector"], first["region"], first["organisation"]) == (
        "Clinician", "London", "Example Trust",
    )  # fmt: skip
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == analyst
    assert entry.data["count"] == 4 and entry.data["format"] == "csv"
    assert ["q", "robots"] in entry.data["query"]


def test_the_download_is_not_cut_at_one_page(wg_client, section, consultation):
    author = person(Sector.CLINICIAN, Region.LONDON)
    for n in range(25):
        comment_on(section, consultation=consultation, author=author, text=f"Idea {n}")
    response = wg_client.get(DOWNLOAD, {"per_page": "10"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert len(list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))) == 25


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("safe = text", "safe = text"),
        (3, 3),
    ],
)
def test_formula_cells_are_neutralised(value, written):
    assert export.neutralise(value) == written


def test_the_item_page_shows_text_escaped_facets_and_source(wg_client, items):
    item = items[4].feedback_item
    response = wg_client.get(f"/synthesis/items/{item.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "Patient or carer" in html and "Wales" in html
    assert f'href="{items[4].get_absolute_url()}"' in html
    assert wg_client.get("/synthesis/items/999999/").status_code == 404


def test_superusers_may_search_and_moderators_may_not(client, items, moderator):
    superuser = factories.with_mfa(factories.ProfileFactory().user)
    superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)
    assert client.get(SEARCH).status_code == 200
    client.force_login(moderator)
    assert client.get(SEARCH).status_code == 403


def test_the_working_group_needs_a_second_factor(client, items):
    member = factories.in_group(factories.ProfileFactory().user, WORKING_GROUP)
    client.force_login(member)
    response = client.get(SEARCH)
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]


def test_query_counts_do_not_grow_with_results(
    wg_client, section, consultation, django_assert_max_num_queries
):
    author = person(Sector.CLINICIAN, Region.LONDON)
    for n in range(3):
        comment_on(section, consultation=consultation, author=author, text=f"Care {n}")
    # The first search also makes the connection's temporary tables and tokenizes the
    # words (SQLite: fts5_rank), a fixed number more.
    with django_assert_max_num_queries(41) as few:
        wg_client.get(SEARCH, {"q": "care", "per_page": "100"})
    for n in range(40):
        comment_on(section, consultation=consultation, author=author, text=f"Care more {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = wg_client.get(SEARCH, {"q": "care", "per_page": "100"}).content.decode()
    assert "43 results" in status_text(html)


def test_the_download_reads_a_chunk_at_a_time(
    wg_client, section, consultation, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(export, "CHUNK_SIZE", 10)
    author = person(Sector.CLINICIAN, Region.LONDON)
    for n in range(30):
        comment_on(section, consultation=consultation, author=author, text=f"Row {n}")
    response = wg_client.get(DOWNLOAD)
    with django_assert_max_num_queries(3):  # three chunks of ten
        body = b"".join(response.streaming_content).decode("utf-8")
    assert body.count("\n") == 31


def test_an_unreachable_engine_answers_from_the_database_with_a_notice(wg_client, items, settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{port}"
    cache.clear()
    response = wg_client.get(SEARCH, {"q": "robots"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "4 results" in status_text(html)
    assert "nhsuk-warning-callout" in html and "search engine is unavailable" in html.lower()


def test_every_item_of_the_search_is_one_the_database_holds(wg_client, items):
    html = wg_client.get(SEARCH).content.decode()
    linked = {int(n) for n in re.findall(r'href="/synthesis/items/(\d+)/"', html)}
    assert linked == set(FeedbackItem.objects.values_list("pk", flat=True))


def test_paragraphs_are_named_by_section_and_number_not_by_their_ids(wg_client, items, section):
    first = paragraph_ids(section)[0]
    html = wg_client.get(SEARCH, {"q": "robots"}).content.decode()
    assert f"{section.title}, paragraph 1" in html
    label = re.search(rf'value="{first}"[^>]*>\s*<label[^>]*>(.*?)</label>', html, re.S)
    assert label is None or first not in label.group(1)
