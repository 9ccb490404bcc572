"""Site search through HTTP: result types, highlighting, type filter, paging, promoted
results, the query log, hostile queries and query counts. Runs on the database backend
(SQLite FTS5 here, PostgreSQL full-text under tests/with_postgres.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import PageViewRestriction

from knowledge.search import clean_query, highlight, snippet
from tests.support import factories
from tests.support.hostile import HOSTILE_QUERIES
from tests.support.knowledge_factories import ResourcePageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


@pytest.fixture
def corpus(site_tree, library):
    """A page of each kind that mentions 'procurement'."""
    section = site_tree["section"]
    section.title = "Regulation and procurement"
    section.save_revision().publish()
    update = factories.UpdatePageFactory(
        parent=site_tree["updates"],
        title="Evaluation published",
        summary="Procurement pathways were uncertain.",
    )
    resource = ResourcePageFactory(
        parent=library,
        title="Evaluation of the AI Lab",
        summary="Scaling proved difficult, partly because of uncertainty about procurement.",
        publisher="University of Edinburgh",
    )
    standard = factories.StandardPageFactory(
        parent=site_tree["home"],
        slug="about-procurement",
        title="About <procurement> & buying",
        intro="How procurement works here.",
    )
    factories.UpdatePageFactory(
        parent=site_tree["updates"], title="Hidden procurement draft", live=False
    )
    return {"section": section, "update": update, "resource": resource, "standard": standard}


def _hits(response):
    return response.context["search"].hits


def test_search_is_reachable_from_every_page(client, site_tree):
    html = client.get("/").content.decode()
    assert 'action="/search/" method="get"' in html and 'name="q"' in html
    assert client.get("/search/").status_code == 200


def test_finds_every_kind_with_its_label_and_highlights_safely(client, corpus):
    response = client.get("/search/", {"q": "procurement"})
    assert response.status_code == 200
    hits = _hits(response)
    kinds = {hit.kind.label for hit in hits}
    assert kinds == {"Section", "Update", "Resource", "Page"}
    assert response.context["search"].total == 4
    html = response.content.decode()
    assert "Hidden procurement draft" not in html
    assert "4 results for “procurement”" in html
    # The title is escaped first, then the match is marked.
    assert "About &lt;<mark>procurement</mark>&gt; &amp; buying" in html
    assert "<mark>Procurement</mark> pathways were uncertain." in html
    resource_hit = next(hit for hit in hits if hit.kind.label == "Resource")
    assert resource_hit.url == corpus["resource"].url
    assert resource_hit.detail == "Report"


def test_filter_by_type(client, corpus):
    for kind in ("section", "update", "resource", "page"):
        response = client.get("/search/", {"q": "procurement", "type": kind})
        hits = _hits(response)
        assert [hit.kind.slug for hit in hits] == [kind], kind
        assert hits[0].url == corpus["standard" if kind == "page" else kind].url
        assert response.context["search"].total == 1
        assert f'<option value="{kind}" selected>' in response.content.decode()

    response = client.get("/search/", {"q": "procurement", "type": "<script>"})
    assert response.status_code == 200
    assert response.context["search"].total == 4
    assert "all types are shown" in response.content.decode()


def test_every_word_must_match(client, corpus):
    assert len(_hits(client.get("/search/", {"q": "procurement scaling"}))) == 1
    assert _hits(client.get("/search/", {"q": "procurement zzyzx"})) == []
    html = client.get("/search/", {"q": "zzyzx"}).content.decode()
    assert "0 results for “zzyzx”" in html and "Nothing matched" in html


def test_paging_keeps_query_and_type(client, site_tree):
    for number in range(13):
        factories.UpdatePageFactory(
            parent=site_tree["updates"], title=f"Quarterly report {number}", summary="Quarterly."
        )
    response = client.get("/search/", {"q": "quarterly", "type": "update"})
    assert response.context["search"].total == 13
    assert len(_hits(response)) == 10
    assert "q=quarterly&amp;type=update&amp;page=2" in response.content.decode()
    second = client.get("/search/", {"q": "quarterly", "type": "update", "page": "2"})
    assert len(_hits(second)) == 3
    assert client.get("/search/", {"q": "quarterly", "page": "junk"}).status_code == 200
    assert client.get("/search/", {"q": "quarterly", "page": "999"}).status_code == 200


def test_promoted_results_come_first_labelled_and_are_not_repeated(client, corpus, site_tree):
    query = Query.get("Procurement")
    SearchPromotion.objects.create(
        query=query, page=corpus["resource"], sort_order=0, description="Start with this."
    )
    SearchPromotion.objects.create(
        query=query,
        external_link_url="https://example.org/buying-guide",
        external_link_text="Buying guide",
        sort_order=1,
    )
    draft = factories.StandardPageFactory(parent=site_tree["home"], slug="draft", live=False)
    SearchPromotion.objects.create(query=query, page=draft, sort_order=2)

    response = client.get("/search/", {"q": "  PROCUREMENT "})
    search = response.context["search"]
    assert [hit.title for hit in search.promotions] == ["Evaluation of the AI Lab", "Buying guide"]
    assert all(hit.promoted for hit in search.promotions)
    assert corpus["resource"].url not in [hit.url for hit in search.hits]
    html = response.content.decode()
    assert html.index("Buying guide") < html.index("Regulation and")
    assert "Recommended</strong>" in html
    assert "Start with this." in html

    # Filtered by type, only promotions of that type are shown.
    sections_only = client.get("/search/", {"q": "procurement", "type": "section"})
    assert sections_only.context["search"].promotions == []
    resources_only = client.get("/search/", {"q": "procurement", "type": "resource"})
    assert len(resources_only.context["search"].promotions) == 1
    # Later pages do not repeat them.
    assert (
        client.get("/search/", {"q": "procurement", "page": "2"}).context["search"].promotions == []
    )


def test_promotions_never_show_pages_under_a_view_restriction(client, corpus, site_tree):
    private = factories.StandardPageFactory(
        parent=site_tree["home"], slug="members", title="Members' procurement notes"
    )
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    below_private = factories.StandardPageFactory(
        parent=private, slug="inner", title="Inner procurement notes"
    )
    query = Query.get("procurement")
    SearchPromotion.objects.create(query=query, page=private, sort_order=0)
    SearchPromotion.objects.create(query=query, page=below_private, sort_order=1)
    SearchPromotion.objects.create(query=query, page=corpus["resource"], sort_order=2)

    for params in ({"q": "procurement"}, {"q": "procurement", "type": "page"}):
        response = client.get("/search/", params)
        html = response.content.decode()
        assert "procurement notes" not in html, params
        assert private.url not in html and below_private.url not in html, params
    everything = client.get("/search/", {"q": "procurement"}).context["search"]
    assert [hit.url for hit in everything.promotions] == [corpus["resource"].url]


def test_view_restricted_pages_are_never_search_results(client, corpus, site_tree, user):
    private = factories.StandardPageFactory(
        parent=site_tree["home"], slug="members", title="Members' procurement notes"
    )
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    factories.StandardPageFactory(parent=private, slug="inner", title="Inner procurement notes")
    restricted_resource = ResourcePageFactory(
        parent=corpus["resource"].get_parent(), title="Restricted procurement review"
    )
    PageViewRestriction.objects.create(
        page=restricted_resource, restriction_type="password", password="secret"
    )

    for signed_in in (False, True):
        if signed_in:
            client.force_login(user)
        for kind in ("", "page", "resource"):
            response = client.get("/search/", {"q": "procurement", "type": kind})
            html = response.content.decode()
            assert "procurement notes" not in html, (signed_in, kind)
            assert "Restricted procurement review" not in html, (signed_in, kind)
        assert client.get("/search/", {"q": "procurement"}).context["search"].total == 4


@pytest.mark.parametrize("page", ["junk", "01", "", "0", "-3", " 1 "])
def test_a_page_number_that_means_the_first_page_is_the_first_page(client, corpus, page):
    SearchPromotion.objects.create(
        query=Query.get("procurement"), page=corpus["resource"], description="Start here."
    )
    response = client.get("/search/", {"q": "procurement", "page": page})
    assert response.status_code == 200
    search = response.context["search"]
    assert [hit.url for hit in search.promotions] == [corpus["resource"].url]
    assert search.page.number == 1
    assert "Start here." in response.content.decode()
    assert Query.objects.get(query_string="procurement").hits == 1


def test_promoted_pages_are_left_out_of_every_page_of_results(client, site_tree):
    updates = [
        factories.UpdatePageFactory(
            parent=site_tree["updates"], title=f"Quarterly report {number}", summary="Quarterly."
        )
        for number in range(12)
    ]
    promoted = updates[5]
    SearchPromotion.objects.create(query=Query.get("quarterly"), page=promoted)

    first = client.get("/search/", {"q": "quarterly"}).context["search"]
    second = client.get("/search/", {"q": "quarterly", "page": "2"}).context["search"]
    assert first.total == second.total == 11
    listed = [hit.url for hit in first.hits] + [hit.url for hit in second.hits]
    assert len(listed) == len(set(listed)) == 11
    assert promoted.url not in listed
    assert [hit.url for hit in first.promotions] == [promoted.url]
    assert second.promotions == []


def test_searches_are_logged_for_editors(client, corpus):
    client.get("/search/", {"q": "Procurement"})
    client.get("/search/", {"q": "procurement "})
    client.get("/search/", {"q": "procurement", "page": "2"})  # paging is not a new search
    assert Query.objects.get(query_string="procurement").hits == 2


def test_hostile_queries_never_error_and_are_escaped(client, corpus, caplog):
    for query in HOSTILE_QUERIES:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200, repr(query)
        html = response.content.decode()
        assert "<script>alert" not in html, repr(query)
        assert "<img src=x" not in html, repr(query)
        assert "\x00" not in html, repr(query)
        assert not response.context["search"].failed, repr(query)
    # Nothing failed quietly either (the search and the query log catch and log errors).
    assert not [record for record in caplog.records if record.levelname == "ERROR"]
    assert Query.objects.filter(query_string="i\u0307" * 100).exists()
    # Search syntax is plain text: these still find what their words say.
    plain_words = ["procurement AND", "-procurement", "procurement*", '"procurement']
    for query in [*plain_words, "procurement\x00", "(procurement)", "procurement:"]:
        assert client.get("/search/", {"q": query}).context["search"].total == 4, query


def test_long_queries_are_cut_with_a_message(client, corpus):
    response = client.get("/search/", {"q": "procurement " + "x" * 10_000})
    assert response.status_code == 200
    assert "shortened to its first 200 characters" in response.content.decode()
    assert len(response.context["search"].query.text) == 200


def test_query_count_does_not_grow_with_results(client, site_tree, django_assert_max_num_queries):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/search/", {"q": "budget"}).status_code == 200
        return len(queries)

    for number in range(2):
        factories.UpdatePageFactory(parent=site_tree["updates"], title=f"Budget {number}")
    client.get("/search/", {"q": "budget"})
    few = count()
    for number in range(2, 12):
        factories.UpdatePageFactory(parent=site_tree["updates"], title=f"Budget {number}")
    factories.StandardPageFactory(parent=site_tree["home"], title="Budget page")
    # New pages end what was worked out once for the whole site (menus, breadcrumbs):
    # the first request after them works it out again, like the warm-up above.
    client.get("/search/", {"q": "budget"})
    many = count()
    assert many <= few + 1  # one more page type among the results: one more query
    with django_assert_max_num_queries(30):
        client.get("/search/", {"q": "budget"})


def test_clean_query_keeps_only_words():
    cleaned = clean_query('  "AI"  (strategy) AND\x00 data\u202e  ai ')
    assert cleaned.terms == ("ai", "strategy", "data")
    assert clean_query("the and").terms == ("the", "and")  # nothing but common words
    assert "\x00" not in cleaned.text and "\u202e" not in cleaned.text
    assert not clean_query("!!! *** ---")
    assert clean_query("x" * 500).truncated


def test_highlight_escapes_every_piece():
    assert highlight("<b>AI</b> & aims", ("ai",)) == (
        "&lt;b&gt;<mark>AI</mark>&lt;/b&gt; &amp; <mark>aims</mark>"
    )
    assert highlight("Fish &amp; chips", ("amp",)) == "Fish &amp;<mark>amp</mark>; chips"
    assert highlight("no match", ()) == "no match"
    text = "word " * 100 + "needle " + "word " * 100
    extract = snippet(text, ("needle",))
    assert "<mark>needle</mark>" in extract
    assert extract.startswith("… ") and extract.endswith(" …")
    assert len(extract) < 320


# -- only what a reader sees is indexed --------------------------------------------------


def _blocks_within(block):
    yield block
    children = getattr(block, "child_blocks", None) or {}
    for child in children.values():
        yield from _blocks_within(child)
    if getattr(block, "child_block", None) is not None:
        yield from _blocks_within(block.child_block)


def test_block_settings_readers_never_see_are_left_out_of_the_index():
    from wagtail import blocks
    from wagtail.fields import StreamField
    from wagtail.models import get_page_models

    settings_blocks = (blocks.ChoiceBlock, blocks.MultipleChoiceBlock, blocks.BooleanBlock)
    found = []
    for model in get_page_models():
        for model_field in model._meta.get_fields():
            if isinstance(model_field, StreamField):
                for block in _blocks_within(model_field.stream_block):
                    if isinstance(block, settings_blocks):
                        found.append((model.__name__, model_field.name, block.name))
                        assert not block.search_index, found[-1]
    assert found  # the heading's level, at least


def test_a_block_label_does_not_make_a_page_match(client, site_tree):
    factories.StandardPageFactory(
        parent=site_tree["home"],
        slug="aims",
        title="Our plans",
        intro="",
        body=[
            {"type": "heading", "value": {"text": "Our aims", "level": "h2"}},
            {"type": "paragraph", "value": "<p>We will write the strategy openly.</p>"},
        ],
    )
    assert _hits(client.get("/search/", {"q": "heading"})) == []
    assert [hit.title for hit in _hits(client.get("/search/", {"q": "aims"}))] == ["Our plans"]


@pytest.mark.parametrize("query", ["AND(", "AND OR NOT", "(NOT)", "NEAR("])
def test_a_query_of_operators_alone_searches_for_nothing_and_says_so(
    client, corpus, library, query
):
    response = client.get("/search/", {"q": query})
    html = response.content.decode()
    assert response.context["search"].total == 0 and _hits(response) == []
    assert "Enter words or numbers to search for." in html
    assert "You do not need AND, OR or NOT" in html
    assert "results-heading" not in html

    response = client.get(library.url, {"q": query})
    html = response.content.decode()
    assert "Enter words or numbers to search the library." in html
    assert "matching" not in html.split('id="results-heading"')[1].split("</h2>")[0]


def test_operators_beside_words_are_left_out_and_explained(client, corpus):
    response = client.get("/search/", {"q": "procurement AND"})
    assert len(_hits(response)) == 4
    assert "You do not need AND, OR or NOT" in response.content.decode()
    # In lower case they are words (common ones), as before.
    assert clean_query("and or").terms == ("and", "or")
    assert clean_query("AND( procurement").terms == ("procurement",)
