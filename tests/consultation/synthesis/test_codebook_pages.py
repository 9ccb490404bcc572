"""The codebook pages through HTTP: themes and sub-themes with their coded counts, adding,
changing and deleting a theme with clear errors (a name taken in any case, a sub-theme of a
sub-theme, a theme with sub-themes made one), hostile names shown as text, deleting a
theme with codes after a page saying how many go, the audit log, coded and uncoded counts
per consultation and per analyst, and query counts that do not grow with items."""

import re

import pytest

from consultation.synthesis import coding, review
from consultation.synthesis.models import Coding, Theme
from hub.core.models import AuditEntry
from tests.support import factories
from tests.support.consultation_factories import ConsultationFactory, comment_on
from tests.support.hostile import HOSTILE_MARKUP
from tests.support.inert_html import problems_in_page, tag_counts
from tests.support.markup import id_problems
from tests.support.shared_rows import each_case_rolled_back

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


def url(consultation, rest=""):
    return f"/synthesis/codebook/{consultation.slug}/{rest}"


def test_the_codebook_lists_themes_with_sub_themes_and_counts(
    wg_client, consultation, codebook, feedback, analyst
):
    coding.apply_themes(
        actor=analyst,
        consultation=consultation,
        item_ids=[item.pk for item in feedback[:2]],
        themes=[codebook["training"]],
    )
    html = wg_client.get(url(consultation)).content.decode()
    assert "2 of 4 items coded</strong> (50%), 2 uncoded" in html
    training = codebook["training"].pk
    row = re.search(rf'<tr[^>]*id="theme-{training}".*?</tr>', html, re.S).group(0)
    assert "hub-codebook__sub-theme" in row and "Sub-theme: </span>" in row
    assert re.search(r">2<span[^>]*> items coded Training", row)
    # Sub-themes follow their theme.
    assert html.index(f'id="theme-{codebook["workforce"].pk}"') < html.index(
        f'id="theme-{codebook["training"].pk}"'
    )
    # The analyst's row: two codes applied by them.
    analyst_row = re.search(r"Ana Lyst</th>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r">(\d+)</td>", analyst_row) == ["2", "0", "0", "0"]
    index = wg_client.get("/synthesis/codebook/").content.decode()
    assert consultation.title in index and url(consultation) in index


def test_adding_a_theme_and_a_sub_theme(wg_client, consultation, analyst):
    response = wg_client.post(
        url(consultation, "themes/new/"),
        {"name": "  Equity  ", "description": "Fair access.", "colour": "#330072", "parent": ""},
    )
    assert response.status_code == 302
    equity = Theme.objects.get(name="Equity")
    assert (equity.description, equity.colour, equity.parent) == ("Fair access.", "#330072", None)
    entry = AuditEntry.objects.about(equity).get()
    assert entry.action == "theme_created" and entry.actor == analyst
    wg_client.post(
        url(consultation, "themes/new/"),
        {"name": "Rural areas", "colour": "#005eb8", "parent": str(equity.pk)},
    )
    assert Theme.objects.get(name="Rural areas").parent == equity
    page = wg_client.get(response["Location"]).content.decode()
    assert "“Equity” is added to the codebook." in page


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "workforce"}, "This codebook already has a theme called “workforce”."),
        ({"name": ""}, "Enter a name for the theme."),
        ({"name": "\u200b\u202e "}, "Enter a name for the theme."),
        ({"name": "x" * 121}, "at most 120 characters"),
        ({"name": "Deeper", "parent": "{training}"}, "a sub-theme cannot have sub-themes"),
        ({"name": "Odd", "colour": "#ffffff"}, "Choose one of the colours listed."),
    ],
)
def test_bad_themes_get_clear_errors_and_nothing_is_saved(
    wg_client, consultation, codebook, values, message
):
    before = Theme.objects.count()
    data = {"colour": "#005eb8", "parent": "", **values}
    data["parent"] = data["parent"].format(training=codebook["training"].pk)
    response = wg_client.post(url(consultation, "themes/new/"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in html and message in html
    assert html.index("nhsuk-error-summary") < html.index("<h1")
    assert Theme.objects.count() == before


def test_editing_a_theme_and_the_rules_of_the_tree(wg_client, consultation, codebook):
    workforce, data = codebook["workforce"], codebook["data"]
    response = wg_client.post(
        url(consultation, f"themes/{data.pk}/"),
        {"name": "Data and privacy", "colour": "#7c2855", "parent": ""},
    )
    assert response.status_code == 302
    data.refresh_from_db()
    assert (data.name, data.colour) == ("Data and privacy", "#7c2855")
    assert AuditEntry.objects.about(data).filter(action="theme_changed").exists()
    # A theme with sub-themes cannot become one.
    html = wg_client.post(
        url(consultation, f"themes/{workforce.pk}/"),
        {"name": "Workforce", "colour": "#005eb8", "parent": str(data.pk)},
    ).content.decode()
    assert "A theme with sub-themes cannot become one." in html
    # Nor can a theme be its own parent (it is not offered).
    html = wg_client.post(
        url(consultation, f"themes/{data.pk}/"),
        {"name": "Data", "colour": "#005eb8", "parent": str(data.pk)},
    ).content.decode()
    assert "a sub-theme cannot have sub-themes" in html
    # Another consultation's theme is not found here.
    other = ConsultationFactory(slug="another")
    theme = Theme.objects.create(consultation=other, name="Elsewhere")
    assert wg_client.get(url(consultation, f"themes/{theme.pk}/")).status_code == 404


def test_hostile_theme_names_are_stored_as_text_and_shown_escaped(
    wg_client, consultation, feedback, analyst
):
    pages = [
        url(consultation),
        f"/synthesis/items/{feedback[0].pk}/",
        url(consultation, "history/"),
        "/synthesis/?q=care",
    ]
    # Every name is rolled back before the next, so one baseline serves them all.
    baseline = {page: tag_counts(wg_client.get(page).content.decode()) for page in pages}

    def check(name):
        response = wg_client.post(
            url(consultation, "themes/new/"),
            {"name": name, "description": name, "colour": "#005eb8", "parent": ""},
        )
        theme = Theme.objects.filter(consultation=consultation).first()
        if theme is None:  # nothing visible was left, or a null character: refused, saying why
            assert "nhsuk-error-summary" in response.content.decode()
            return
        assert "<" not in theme.name
        coding.apply_themes(
            actor=analyst, consultation=consultation, item_ids=[feedback[0].pk], themes=[theme]
        )
        for page in pages:
            shown = wg_client.get(page)
            assert shown.status_code == 200, page  # still signed in: the rollback keeps the session
            html = shown.content.decode()
            assert not problems_in_page(html, baseline[page]), page
            assert not id_problems(html), page

    each_case_rolled_back(HOSTILE_MARKUP, check)


def test_deleting_a_theme_with_codes_asks_first_and_says_how_many_go(
    wg_client, consultation, codebook, feedback, analyst
):
    ids = [item.pk for item in feedback]
    coding.apply_themes(
        actor=analyst, consultation=consultation, item_ids=ids[:3], themes=[codebook["workforce"]]
    )
    coding.apply_themes(
        actor=analyst, consultation=consultation, item_ids=ids[2:], themes=[codebook["training"]]
    )
    page = url(consultation, f"themes/{codebook['workforce'].pk}/delete/")
    html = wg_client.get(page).content.decode()
    assert "Deleting it removes 5 codes from 4 items, and its 1 sub-theme" in html
    assert Coding.objects.count() == 5  # asking changed nothing
    response = wg_client.post(page)
    assert response.status_code == 302
    assert not Theme.objects.filter(name__in=["Workforce", "Training"]).exists()
    assert not Coding.objects.exists()
    entry = AuditEntry.objects.get(action="theme_deleted")
    assert entry.data["codes"] == 5 and entry.data["sub_themes"] == 1
    html = wg_client.get(url(consultation, f"themes/{codebook['data'].pk}/delete/"))
    assert "No item is coded with it" in html.content.decode()


def test_counts_per_analyst_and_my_assigned_items(
    wg_client, consultation, codebook, feedback, analyst
):
    colleague = factories.with_mfa(
        factories.in_group(factories.ProfileFactory(display_name="Col League").user,
                           "Working group")
    )  # fmt: skip
    for item in feedback[:3]:
        review.assign(actor=analyst, item=item, assignee=analyst)
    review.assign(actor=analyst, item=feedback[3], assignee=colleague)
    coding.apply_themes(
        actor=colleague, consultation=consultation, item_ids=[feedback[0].pk],
        themes=[codebook["data"], codebook["trust"]],
    )  # fmt: skip
    html = wg_client.get(url(consultation)).content.decode()
    mine = re.search(r"Ana Lyst</th>(.*?)</tr>", html, re.S).group(1)
    theirs = re.search(r"Col League</th>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r">(\d+)</td>", mine) == ["0", "3", "1", "2"]
    assert re.findall(r">(\d+)</td>", theirs) == ["2", "1", "0", "1"]
    html = wg_client.get("/synthesis/my-items/").content.decode()
    assert "3 items assigned to you</strong>: 1 coded, 2 uncoded" in html
    assert html.count("Not coded") == 2
    assert f"/synthesis/items/{feedback[3].pk}/" not in html


def test_query_counts_do_not_grow_with_items_or_themes(
    wg_client, section, consultation, codebook, analyst, django_assert_max_num_queries
):
    def grow(count):
        items = [
            comment_on(section, consultation=consultation, text=f"Care {n}").feedback_item
            for n in range(count)
        ]
        coding.apply_themes(
            actor=analyst, consultation=consultation, item_ids=[i.pk for i in items],
            themes=[codebook["data"]],
        )  # fmt: skip
        for item in items:
            review.assign(actor=analyst, item=item, assignee=analyst)

    grow(2)
    pages = [url(consultation), "/synthesis/codebook/", "/synthesis/my-items/",
             url(consultation, "history/")]  # fmt: skip
    counted = {}
    for page in pages:
        with django_assert_max_num_queries(40) as few:
            assert wg_client.get(page).status_code == 200
        counted[page] = len(few.captured_queries)
    grow(30)
    Theme.objects.bulk_create(
        Theme(consultation=consultation, name=f"Extra {n}") for n in range(20)
    )
    for page in pages:
        with django_assert_max_num_queries(counted[page]):
            assert wg_client.get(page).status_code == 200
