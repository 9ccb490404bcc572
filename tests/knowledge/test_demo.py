"""The library's demo content: loads after the strategy (loaded once for the module), twice
without change, with facts from the seed articles, linked to the demo sections and
reachable from the navigation."""

import datetime
import io

import pytest
from wagtail.models import Page, Revision

from hub.pages import demo as pages_demo
from knowledge import demo as knowledge_demo
from knowledge.models import LibraryPage, ResourcePage, ResourceSection
from tests.support.shared_rows import rows_for_the_module

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_demo_strategy")]


@pytest.fixture(scope="module")
def _demo_strategy(django_db_setup, django_db_blocker):
    """The demo strategy the library links to, loaded once for the module (each test loads
    it again, which finds everything in place, and its changes are rolled back)."""
    with rows_for_the_module(django_db_blocker):
        pages_demo.load(io.StringIO())
        yield


def _load():
    out = io.StringIO()
    pages_demo.load(out)
    knowledge_demo.load(out)
    return out.getvalue()


def test_demo_library_loads_idempotently_with_evidence_links(client):
    assert "Library: 6 resources created." in _load()
    counts = (Page.objects.count(), Revision.objects.count(), ResourceSection.objects.count())
    assert "Library: 0 resources created." in _load()
    assert (Page.objects.count(), Revision.objects.count(), ResourceSection.objects.count()) == (
        counts
    )

    library = LibraryPage.objects.get()
    assert library.live and library.show_in_menus
    assert f'href="{library.url}"' in client.get("/").content.decode()

    resources = {r.slug: r for r in ResourcePage.objects.live()}
    assert len(resources) == 6
    evaluation = resources["evaluation-of-the-nhs-ai-lab"]
    assert evaluation.publication_date == datetime.date(2025, 4, 29)
    assert evaluation.publisher == "University of Edinburgh"
    assert "March 2024" in evaluation.summary
    # Titled as the seed articles name it ("the AI Council Roadmap").
    assert resources["ai-council-roadmap"].title == "AI Council Roadmap"
    database = resources["national-covid-19-chest-imaging-database"]
    assert database.resource_type == "dataset" and database.publisher == "NHSX"
    assert {r.resource_type for r in resources.values()} == {"report", "dataset", "video"}
    # The seeds give no web addresses: nothing is linked that cannot be sourced.
    assert all(r.reference_only and not r.external_url for r in resources.values())
    cited = {link.section.slug for link in evaluation.section_links.all()}
    assert cited == {"introduction", "regulation", "equity"}

    regulation = evaluation.section_links.get(section__slug="regulation").section
    html = client.get(regulation.url).content.decode()
    assert "Evidence for this section" in html and evaluation.title in html
    page = client.get(evaluation.url)
    assert page.status_code == 200
    assert regulation.title in page.content.decode()
    listing = client.get(library.url)
    assert listing.context["result_count"] == 6
    assert client.get(library.url, {"type": "video"}).context["result_count"] == 2
    assert client.get(library.url, {"year": "2025"}).context["result_count"] == 1
    search = client.get("/search/", {"q": "chest imaging", "type": "resource"})
    assert [hit.url for hit in search.context["search"].hits] == [database.url]


def test_demo_library_skips_links_to_missing_sections():
    out = io.StringIO()
    pages_demo.load(out)
    from hub.pages.models import SectionPage

    SectionPage.objects.get(slug="equity").delete()
    knowledge_demo.load(out)
    evaluation = ResourcePage.objects.get(slug="evaluation-of-the-nhs-ai-lab")
    assert {link.section.slug for link in evaluation.section_links.all()} == {
        "introduction",
        "regulation",
    }


def test_demo_library_loads_over_a_database_with_the_old_title():
    """A database loaded before the roadmap was retitled: resources are found by slug, so
    loading again adds no second roadmap and changes nothing."""
    _load()
    roadmap = ResourcePage.objects.get(slug="ai-council-roadmap")
    roadmap.title = "AI Roadmap"
    roadmap.save_revision().publish()
    counts = (Page.objects.count(), Revision.objects.count(), ResourceSection.objects.count())

    assert "Library: 0 resources created." in _load()
    assert (Page.objects.count(), Revision.objects.count(), ResourceSection.objects.count()) == (
        counts
    )
    assert list(ResourcePage.objects.filter(publisher="UK AI Council").values_list("title")) == [
        ("AI Roadmap",)
    ]
