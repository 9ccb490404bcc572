"""The library index through HTTP: filters, sort, paging, keyword search, bad values and
query counts, and that it is reachable from the navigation."""

import datetime
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import nested_form_data

from knowledge.models import DatePrecision, LibraryPage, ResourceType
from tests.support.hostile import HOSTILE_QUERIES
from tests.support.knowledge_factories import ResourcePageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


def _titles(response):
    return [resource.title for resource in response.context["resources"]]


@dataclass(frozen=True)
class Control:
    name: str
    id: str


class FilterForm(HTMLParser):
    """The parts of the library's filter form a visitor without JavaScript relies on."""

    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.method = action, False, None
        self.controls, self.labels, self.legends, self.submit_buttons = [], {}, [], []
        self._text_for = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("action") == self.action:
            self.inside, self.method = True, attrs.get("method")
        if not self.inside:
            return
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.controls.append(Control(attrs.get("name"), attrs.get("id")))
        elif tag == "label":
            self._text_for = ("label", attrs.get("for"))
            self.labels[attrs.get("for")] = ""
        elif tag == "legend":
            self._text_for = ("legend", None)
            self.legends.append("")
        elif tag == "button" and attrs.get("type") == "submit":
            self._text_for = ("button", None)
            self.submit_buttons.append("")

    def handle_endtag(self, tag):
        if tag in ("label", "legend", "button"):
            self._text_for = None
        elif tag == "form":
            self.inside = False

    def handle_data(self, data):
        if not self._text_for:
            return
        kind, target = self._text_for
        if kind == "label":
            self.labels[target] = (self.labels[target] + data).strip()
        else:
            found = self.legends if kind == "legend" else self.submit_buttons
            found[-1] = (found[-1] + data).strip()


def _filter_form(html, action):
    form = FilterForm(action)
    form.feed(html)
    return form


@pytest.fixture
def shelf(library, site_tree):
    """Five resources of different types, topics and years, one unpublished, one private."""
    section = site_tree["section"]
    made = {
        "strategy": ResourcePageFactory(
            parent=library,
            title="National AI Strategy",
            resource_type=ResourceType.REPORT,
            publication_date=datetime.date(2021, 1, 1),
            date_precision=DatePrecision.YEAR,
            topics=["Policy"],
            sections=[section],
        ),
        "evaluation": ResourcePageFactory(
            parent=library,
            title="Evaluation of the AI Lab",
            resource_type=ResourceType.REPORT,
            publication_date=datetime.date(2025, 4, 29),
            summary="Scaling AI technologies has proved difficult.",
            topics=["Evaluation", "Policy"],
        ),
        "database": ResourcePageFactory(
            parent=library,
            title="Chest imaging database",
            resource_type=ResourceType.DATASET,
            publication_date=None,
            summary="Chest X-ray, CT and MRI images.",
            topics=["Imaging"],
        ),
        "interview": ResourcePageFactory(
            parent=library,
            title="An interview about the strategy",
            resource_type=ResourceType.VIDEO,
            external_url="",
            reference_only=True,
            publication_date=datetime.date(2021, 6, 1),
            date_precision=DatePrecision.MONTH,
        ),
        "draft": ResourcePageFactory(parent=library, title="Unpublished draft", live=False),
    }
    private = ResourcePageFactory(parent=library, title="Private resource")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    return made


def test_library_is_in_the_navigation_and_lists_live_public_resources(client, shelf, library):
    home = client.get("/")
    assert f'href="{library.url}"' in home.content.decode()

    response = client.get(library.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["result_count"] == 4
    assert "4 resources" in html
    assert "Unpublished draft" not in html
    assert "Private resource" not in html
    # Newest first; undated resources last.
    assert _titles(response) == [
        "Evaluation of the AI Lab",
        "An interview about the strategy",
        "National AI Strategy",
        "Chest imaging database",
    ]
    # Dates are shown only as precisely as the source gives them.
    assert '<time datetime="2021">2021</time>' in html
    assert '<time datetime="2021-06">June 2021</time>' in html
    assert '<time datetime="2025-04-29">29 April 2025</time>' in html
    # The form works without JavaScript: a GET form back to the library, every control
    # labelled, the checkboxes and radios grouped under a legend, and a submit button.
    form = _filter_form(html, library.url)
    assert form.method == "get"
    assert form.legends == ["Type", "Sort by"]
    assert {control.name for control in form.controls} == {"q", "type", "topic", "year", "sort"}
    assert len([c for c in form.controls if c.name == "type"]) == len(ResourceType.choices)
    unlabelled = [c for c in form.controls if not c.id or not form.labels.get(c.id)]
    assert not unlabelled, unlabelled
    assert form.labels["library-q"] == "Search the library"
    assert form.labels["type-report"] == "Report"
    assert form.labels["sort-title"] == "Title (A to Z)"
    assert form.submit_buttons == ["Apply filters"]
    assert "Clear filters" not in html  # nothing to clear yet


def test_filter_by_type_topic_and_year(client, shelf, library):
    response = client.get(library.url, {"type": ["report", "dataset"]})
    assert set(_titles(response)) == {
        "National AI Strategy",
        "Evaluation of the AI Lab",
        "Chest imaging database",
    }
    html = response.content.decode()
    assert 'value="report" checked' in html and 'value="dataset" checked' in html
    assert "Clear filters" in html

    response = client.get(library.url, {"topic": "policy"})
    assert set(_titles(response)) == {"National AI Strategy", "Evaluation of the AI Lab"}
    assert '<option value="policy" selected>Policy</option>' in response.content.decode()

    response = client.get(library.url, {"year": "2021"})
    assert set(_titles(response)) == {"National AI Strategy", "An interview about the strategy"}

    response = client.get(library.url, {"year": "2021", "topic": "policy", "type": "report"})
    assert _titles(response) == ["National AI Strategy"]
    assert "1 resource" in response.content.decode()

    response = client.get(library.url, {"topic": "imaging", "type": "video"})
    assert response.context["result_count"] == 0
    assert "No resources match" in response.content.decode()


def test_sort_by_title(client, shelf, library):
    response = client.get(library.url, {"sort": "title"})
    assert _titles(response) == sorted(_titles(response))
    assert 'value="title" checked' in response.content.decode()


def test_keyword_search_in_the_library(client, shelf, library):
    response = client.get(library.url, {"q": "scaling"})
    assert _titles(response) == ["Evaluation of the AI Lab"]
    html = response.content.decode()
    assert "matching “scaling”" in html
    assert 'value="relevance" checked' in html  # best match is the default when searching

    response = client.get(library.url, {"q": "imaging", "type": "report"})
    assert response.context["result_count"] == 0

    response = client.get(library.url, {"q": "chest", "sort": "title", "type": "dataset"})
    assert _titles(response) == ["Chest imaging database"]


def test_paging_keeps_the_filters(client, library, home):
    for number in range(23):
        ResourcePageFactory(parent=library, title=f"Paper {number:02d}", resource_type="paper")
    response = client.get(library.url, {"type": "paper", "sort": "title"})
    assert response.context["result_count"] == 23
    assert len(_titles(response)) == 10
    html = response.content.decode()
    assert "type=paper&amp;sort=title&amp;page=2" in html

    second = client.get(library.url, {"type": "paper", "sort": "title", "page": "2"})
    assert _titles(second)[0] == "Paper 10"
    # A page past the end shows the last page; a page that is not a number shows the first.
    assert _titles(client.get(library.url, {"sort": "title", "page": "99"}))[0] == "Paper 20"
    assert _titles(client.get(library.url, {"sort": "title", "page": "x"}))[0] == "Paper 00"


BAD_VALUES = [
    {"type": "<script>alert(1)</script>"},
    {"type": ["report", "nonsense"]},
    {"topic": "no-such-topic"},
    {"topic": "' OR 1=1 --"},
    {"year": "abc"},
    {"year": "99999999999999999999"},
    {"year": "1800"},
    {"sort": "-title; DROP TABLE wagtailcore_page"},
    {"page": "-1"},
    {"page": "1e9"},
    {"q": "\x00"},
    {"q": '"unbalanced (quote'},
    {"q": "x" * 10_000},
    {"topic": "policy\x00"},
]


@pytest.mark.parametrize("params", BAD_VALUES, ids=lambda params: repr(params)[:40])
def test_bad_filter_values_are_ignored_never_an_error(client, library, params):
    ResourcePageFactory(parent=library, title="Only resource", topics=["Policy"])
    response = client.get(library.url, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "\x00" not in html


def test_unknown_values_are_reported(client, library):
    ResourcePageFactory(parent=library, title="Only resource")
    response = client.get(library.url, {"year": "abc", "topic": "nope", "type": "report"})
    html = response.content.decode()
    assert "The “Year published” filter had a value we do not know" in html
    assert "The “Topic” filter had a value we do not know" in html
    assert _titles(response) == ["Only resource"]  # the valid type filter still applies

    response = client.get(library.url, {"q": "word " * 100})
    assert "shortened to their first 200 characters" in response.content.decode()


def test_an_unknown_type_leaves_the_known_types_filtering(client, shelf, library):
    response = client.get(library.url, {"type": ["report", "nonsense"]})
    assert set(_titles(response)) == {"National AI Strategy", "Evaluation of the AI Lab"}
    assert response.context["result_count"] == 2
    html = response.content.decode()
    assert "The “Type” filter had a value we do not know, so that value was ignored." in html
    assert 'value="report" checked' in html and "nonsense" not in html
    assert "type=report" in response.context["query_prefix"]
    assert "nonsense" not in response.context["query_prefix"]

    only_unknown = client.get(library.url, {"type": ["<script>", "nonsense"]})
    assert only_unknown.context["result_count"] == 4  # nothing known: no type filter
    assert "The “Type” filter had a value we do not know" in only_unknown.content.decode()


def test_hostile_search_words_never_break_the_library(client, shelf, library, caplog):
    for query in HOSTILE_QUERIES:
        response = client.get(library.url, {"q": query})
        assert response.status_code == 200, repr(query)
        html = response.content.decode()
        assert "<script>alert" not in html, repr(query)
        assert "<img src=x" not in html, repr(query)
        assert "\x00" not in html, repr(query)
        assert not response.context["search_failed"], repr(query)
        if response.context["query"].text and not response.context["query"]:
            assert "Enter words or numbers to search the library." in html, repr(query)
    assert not [record for record in caplog.records if record.levelname == "ERROR"]
    # Search syntax is plain text: these still find what their words say.
    for query in ('"scaling', "scaling AND", "-scaling", "(scaling)", "scaling\x00"):
        assert _titles(client.get(library.url, {"q": query})) == ["Evaluation of the AI Lab"]


def _make_shelf(library, sections, count, start):
    for number in range(start, start + count):
        ResourcePageFactory(
            parent=library,
            title=f"Resource {number}",
            topics=[f"Topic {number}", "Shared"],
            sections=sections,
            publication_date=datetime.date(2020 + number % 5, 1, 1),
        )


def test_query_count_does_not_grow_with_resources(
    client, library, site_tree, django_assert_max_num_queries
):
    sections = [site_tree["section"]]
    _make_shelf(library, sections, 2, 0)
    client.get(library.url)  # warm the caches (site root paths, content types)

    def count(params):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(library.url, params).status_code == 200
        return len(queries)

    few = count({"sort": "title"}), count({"topic": "shared", "q": "resource", "year": "2021"})
    _make_shelf(library, sections, 10, 2)
    # New pages end what was worked out once for the whole site (menus, breadcrumbs):
    # the first request after them works it out again, like the warm-up above.
    client.get(library.url)
    many = count({"sort": "title"}), count({"topic": "shared", "q": "resource", "year": "2021"})
    assert many == few
    with django_assert_max_num_queries(25):
        response = client.get(library.url, {"type": "report", "topic": "shared"})
    assert response.context["result_count"] == 12


def test_a_library_an_editor_adds_is_in_the_navigation(editor_client, site_tree):
    url = f"/admin/pages/add/knowledge/librarypage/{site_tree['home'].pk}/"
    form = editor_client.get(url)
    assert form.status_code == 200
    (checkbox,) = re.findall(r"<input[^>]*name=\"show_in_menus\"[^>]*>", form.content.decode())
    assert " checked" in checkbox  # ticked from the start

    response = editor_client.post(
        url,
        nested_form_data(
            {
                "title": "Evidence library",
                "slug": "evidence",
                "intro": "What the strategy rests on.",
                "show_in_menus": "on",  # what the browser sends for the ticked box
                "action-publish": "action-publish",
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    library = LibraryPage.objects.get()
    assert library.live and library.show_in_menus
    editor_client.logout()  # what every visitor sees
    assert f'href="{library.url}"' in editor_client.get("/").content.decode()
