"""Bulk coding from the working group's search page through HTTP, without JavaScript: tick
results and apply or remove themes, or do it to every result of the search after a page
that shows the count; one atomic action with one audit entry holding the search; the
history page (who, when, themes, scope, count, the search as a link) and undo as a whole;
clear errors with nothing written; hostile search strings; and a search of over a thousand
items coded, and undone, in a number of queries that does not grow with them."""

import re
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages

from bench import builders
from consultation.feedback.models import FeedbackItem
from consultation.feedback.sync import comments_created
from consultation.models import Comment
from consultation.synthesis import coding
from consultation.synthesis.models import Coding, CodingAction, Theme
from hub.core.models import AuditEntry
from tests.support import factories
from tests.support.consultation_factories import ConsultationFactory, comment_on
from tests.support.hostile import HOSTILE_QUERIES
from tests.support.markup import id_problems
from tests.support.shared_rows import each_case_rolled_back

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]
BULK = "/synthesis/coding/bulk/"


def codes():
    return set(Coding.objects.values_list("item_id", "theme__name"))


def bulk(client, consultation, do, themes, *, search="q=care", items=(), confirmed=None):
    data = {
        "consultation": consultation.pk,
        "search": search,
        "do": do,
        "themes": [theme.pk for theme in themes],
        "items": [item.pk for item in items],
    }
    if confirmed is not None:
        data["confirmed"] = confirmed
    return client.post(BULK, data)


def test_the_search_page_offers_checkboxes_and_the_bulk_form(
    wg_client, consultation, codebook, feedback
):
    html = wg_client.get("/synthesis/", {"q": "care"}).content.decode()
    assert not id_problems(html)
    for item in feedback[:3]:
        assert f'name="items" type="checkbox" value="{item.pk}" form="bulk-coding"' in html
    assert f'name="items" type="checkbox" value="{feedback[3].pk}"' not in html
    form = re.search(r'<form id="bulk-coding" method="post".*?</form>', html, re.S).group(0)
    assert "csrfmiddlewaretoken" in form
    assert f'name="consultation" value="{consultation.pk}"' in form
    assert 'name="search" value="q=care"' in form
    assert "Apply themes to every result of this search (3 items)" in html
    assert f'id="bulk-theme-{codebook["training"].pk}"' in html and "Workforce: Training" in html


def test_results_from_several_consultations_ask_for_one_first(wg_client, section, feedback):
    other = ConsultationFactory(slug="other")
    comment_on(section, consultation=other, text="Care elsewhere.")
    html = wg_client.get("/synthesis/", {"q": "care"}).content.decode()
    assert "To code these results, filter them to one consultation." in html
    assert 'form="bulk-coding"' not in html


def test_ticked_results_are_coded_at_once_and_undone_as_a_whole(
    wg_client, consultation, codebook, feedback, analyst
):
    response = bulk(
        wg_client, consultation, "apply-selection", [codebook["data"], codebook["trust"]],
        items=feedback[:2],
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == f"/synthesis/?q=care&consultation={consultation.pk}"
    assert codes() == {(i.pk, t) for i in feedback[:2] for t in ("Data", "Trust")}
    action = CodingAction.objects.get()
    assert (action.scope, action.item_count, action.changed_count) == ("selection", 2, 4)
    assert action.search == f"q=care&consultation={consultation.pk}"
    (entry,) = AuditEntry.objects.filter(action="themes_applied")
    assert entry.actor == analyst and entry.data["items"] == 2
    message = next(str(m) for m in get_messages(response.wsgi_request))
    assert message.startswith("Applied Data, Trust to 2 items (4 codes changed).")

    history = f"/synthesis/codebook/{consultation.slug}/history/"
    html = wg_client.get(history).content.decode()
    row = re.search(rf'id="action-{action.pk}".*?</tr>', html, re.S).group(0)
    assert "Ana Lyst" in row and "Selected items" in row and "Applied themes" in row
    assert f'href="/synthesis/?q=care&amp;consultation={consultation.pk}"' in row
    assert ">2 <span" in row and "Data" in row and "Trust" in row
    response = wg_client.post(f"/synthesis/coding/actions/{action.pk}/undo/")
    assert response.status_code == 302 and response["Location"] == history
    assert not Coding.objects.exists()
    html = wg_client.get(history).content.decode()
    assert "Undone: applied themes on 2 items." in html
    row = re.search(rf'id="action-{action.pk}".*?</tr>', html, re.S).group(0)
    assert "Undone</strong>" in row and "by Ana Lyst" in row and "<button" not in row
    # Undoing twice says so and changes nothing.
    response = wg_client.post(f"/synthesis/coding/actions/{action.pk}/undo/", follow=True)
    assert "This action has already been undone." in response.content.decode()
    assert AuditEntry.objects.filter(action="coding_undone").count() == 1


def test_every_result_of_a_search_after_a_page_showing_the_count(
    wg_client, consultation, codebook, feedback, section
):
    response = bulk(wg_client, consultation, "apply-search", [codebook["workforce"]])
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>3 items</strong>" in html and "Apply to 3 items" in html
    assert not Coding.objects.exists()  # nothing yet
    # A new matching item arrives before the confirmation: asked again with the new count.
    comment_on(section, consultation=consultation, text="Care homes too.")
    response = bulk(wg_client, consultation, "apply-search", [codebook["workforce"]], confirmed=3)
    html = response.content.decode()
    assert "The number of results changed" in html and "Apply to 4 items" in html
    assert not Coding.objects.exists()
    response = bulk(wg_client, consultation, "apply-search", [codebook["workforce"]], confirmed=4)
    assert response.status_code == 302
    assert Coding.objects.count() == 4
    action = CodingAction.objects.get()
    assert (action.scope, action.item_count) == ("search", 4)
    assert AuditEntry.objects.about(action).get().data["search"] == action.search
    # Removing from the whole search, then undoing that, brings the codes back as they were.
    before = set(Coding.objects.values_list("item_id", "theme_id", "coded_at", "action_id"))
    bulk(wg_client, consultation, "remove-search", [codebook["workforce"]], confirmed=4)
    assert not Coding.objects.exists()
    removal = CodingAction.objects.get(kind="remove")
    wg_client.post(f"/synthesis/coding/actions/{removal.pk}/undo/")
    assert set(Coding.objects.values_list("item_id", "theme_id", "coded_at", "action_id")) == (
        before
    )


@pytest.mark.parametrize(
    ("do", "themes", "items", "message"),
    [
        ("apply-selection", [], 2, "Choose at least one theme."),
        ("apply-selection", ["data"], 0, "Tick at least one result, or choose every result."),
        ("nonsense", ["data"], 2, "Choose what to do."),
        ("apply-search", ["foreign"], 0, "Choose themes of this consultation"),
    ],
)
def test_bad_bulk_requests_get_clear_errors_and_write_nothing(
    wg_client, consultation, codebook, feedback, do, themes, items, message
):
    foreign = Theme.objects.create(consultation=ConsultationFactory(slug="x"), name="Foreign")
    chosen = [foreign if name == "foreign" else codebook[name] for name in themes]
    response = bulk(wg_client, consultation, do, chosen, items=feedback[:items])
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and "nhsuk-error-summary" in html
    assert html.index("nhsuk-error-summary") < html.index("<h1")
    assert not CodingAction.objects.exists() and not Coding.objects.exists()


def test_ticked_items_of_another_consultation_are_refused(
    wg_client, consultation, codebook, feedback, section
):
    stranger = comment_on(section, consultation=ConsultationFactory(slug="y")).feedback_item
    data = {"consultation": consultation.pk, "search": "", "do": "apply-selection",
            "themes": [codebook["data"].pk], "items": [feedback[0].pk, stranger.pk]}  # fmt: skip
    response = wg_client.post(BULK, data)
    assert response.status_code == 400
    assert "Some of the chosen items are not in this consultation." in response.content.decode()
    for bad in (["abc"], ["1" * 30]):
        response = wg_client.post(BULK, {**data, "items": bad})
        assert response.status_code == 400
        assert "Some of the ticked results are not items." in response.content.decode()
    assert wg_client.post(BULK, {**data, "consultation": "999999"}).status_code == 404
    assert not CodingAction.objects.exists()


def test_hostile_searches_are_read_as_the_search_page_reads_them(
    wg_client, consultation, codebook, feedback
):
    def check(text):
        search = urlencode({"q": text, "sector": text, "page": text})
        response = bulk(wg_client, consultation, "apply-search", [codebook["data"]], search=search)
        assert response.status_code == 200
        html = response.content.decode()
        count = int(re.search(r"<strong>(\d+) items?</strong>", html).group(1))
        assert "<script>alert(1)</script>" not in html
        stored = re.search(r'name="search" value="([^"]*)"', html).group(1)
        assert f"consultation={consultation.pk}" in stored
        if count:
            response = bulk(
                wg_client, consultation, "apply-search", [codebook["data"]], search=search,
                confirmed=count,
            )  # fmt: skip
            assert response.status_code == 302
            assert CodingAction.objects.get().item_count == count

    # Each search is rolled back before the next, as if it were a test of its own.
    each_case_rolled_back(HOSTILE_QUERIES, check)


@pytest.fixture
def many_items(section, consultation):
    people = [factories.ProfileFactory().user for _ in range(5)]
    make = builders.comment_maker(
        section, consultation, people, [f"Care at home, number {n}." for n in range(10)]
    )
    made = Comment.objects.bulk_create(make(n) for n in range(1_200))
    comments_created(made)
    return FeedbackItem.objects.filter(consultation=consultation)


def test_coding_and_undoing_a_search_of_over_a_thousand_items_asks_few_queries(
    wg_client, consultation, codebook, many_items, django_assert_max_num_queries
):
    assert many_items.count() == 1_200
    with django_assert_max_num_queries(60):
        response = bulk(wg_client, consultation, "apply-search", [codebook["data"]])
    assert "<strong>1200 items</strong>" in response.content.decode()
    with django_assert_max_num_queries(60):
        response = bulk(
            wg_client, consultation, "apply-search", [codebook["data"], codebook["trust"]],
            confirmed=1_200,
        )  # fmt: skip
    assert response.status_code == 302
    assert Coding.objects.count() == 2_400
    action = CodingAction.objects.get()
    assert AuditEntry.objects.about(action).count() == 1
    with django_assert_max_num_queries(60):
        wg_client.post(f"/synthesis/coding/actions/{action.pk}/undo/")
    assert not Coding.objects.exists()
    with django_assert_max_num_queries(60):
        response = bulk(
            wg_client, consultation, "remove-search", [codebook["data"]], confirmed=1_200
        )
    assert response.status_code == 302


def test_the_search_page_shows_each_results_themes_in_few_queries(
    wg_client, consultation, codebook, many_items, analyst, django_assert_max_num_queries
):
    ids = list(many_items.values_list("pk", flat=True))
    coding.apply_themes(
        actor=analyst, consultation=consultation, item_ids=ids[:3],
        themes=[codebook["data"]],
    )  # fmt: skip
    with django_assert_max_num_queries(40) as few:
        wg_client.get("/synthesis/", {"q": "care", "per_page": "10"})
    first = len(few.captured_queries)
    coding.apply_themes(
        actor=analyst, consultation=consultation, item_ids=ids,
        themes=list(codebook.values()),
    )  # fmt: skip
    with django_assert_max_num_queries(first):
        html = wg_client.get("/synthesis/", {"q": "care", "per_page": "100"}).content.decode()
    assert html.count("Workforce: Training</strong>") == 100
