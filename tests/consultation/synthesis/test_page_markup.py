"""The markup of the working group's pages, as assistive technology reads them: a page sent
back with an error says so in its title, every link of an error summary lands on a field
of the page, headings go down one level at a time and each group of controls sits under
a heading of its own."""

import re
from itertools import pairwise

import pytest
from django.urls import reverse
from django.utils import timezone

from consultation.synthesis import coding
from consultation.synthesis.models import ThemeSuggestion
from tests.support import factories
from tests.support.clients import SignedInClient
from tests.support.consultation_factories import comment_on
from tests.support.markup import (
    contrast,
    first_text_in_main,
    id_problems,
    inside,
    painted,
    soup_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

HEADING = re.compile(r"^h[1-6]$")


def title_of(html):
    return soup_of(html).title.get_text(strip=True)


def heading_above(html, text, *, tag):
    """The text of the last heading above the first `tag` of the main content whose text
    holds `text`: the heading a reader moving by headings finds it under."""
    main = soup_of(html).find("main")
    target = main.find(lambda found: found.name == tag and text in found.get_text())
    return target.find_previous(HEADING).get_text(" ", strip=True)


def test_an_item_page_sent_back_with_an_error_says_so_in_its_title(wg_client, feedback):
    item = feedback[0]
    fresh = wg_client.get(f"/synthesis/items/{item.pk}/").content.decode()
    assert title_of(fresh).startswith("Feedback item")
    for rest, data in (
        ("notes/", {"text": ""}),
        ("themes/", {}),
        ("stance/", {"stance": "nonsense"}),
        ("assignee/", {"assignee": "999999"}),
    ):
        response = wg_client.post(f"/synthesis/items/{item.pk}/{rest}", data)
        html = response.content.decode()
        assert response.status_code == 400, rest
        assert "nhsuk-error-summary" in html, rest
        # The title is the first thing a screen reader says of the page it lands on.
        assert title_of(html).startswith("Error: Feedback item"), rest
        assert id_problems(html) == [], rest


def test_an_items_theme_suggestions_have_a_heading_of_their_own(wg_client, feedback, codebook):
    item = feedback[0]
    for rank, theme in enumerate((codebook["data"], codebook["trust"]), start=1):
        ThemeSuggestion.objects.create(
            consultation=item.consultation,
            item=item,
            theme=theme,
            confidence=0.9 / rank,
            suggested=rank == 1,
            rank=rank,
            computed_at=timezone.now(),
        )
    html = wg_client.get(f"/synthesis/items/{item.pk}/").content.decode()
    # Read by headings, Accept and Reject are under "Theme suggestions", not under the
    # analysts' notes the list follows.
    assert heading_above(html, "Accept", tag="button") == "Theme suggestions"
    ThemeSuggestion.objects.all().delete()
    html = wg_client.get(f"/synthesis/items/{item.pk}/").content.decode()
    assert heading_above(html, "No theme suggestions are waiting", tag="p") == "Theme suggestions"


def summary_targets(soup):
    """The element each link of the error summary jumps to (None where nothing has its id)."""
    return {
        link.get_text(strip=True): soup.find(id=link["href"][1:])
        for link in soup.select(".nhsuk-error-summary a[href^='#']")
    }


@pytest.mark.parametrize(
    ("do", "themes", "items", "message"),
    [
        ("apply-selection", ["data"], 0, "Tick at least one result, or choose every result."),
        ("nonsense", ["data"], 2, "Choose what to do."),
        ("apply-selection", [], 2, "Choose at least one theme."),
    ],
)
def test_every_link_of_the_bulk_coding_errors_lands_on_a_field_of_the_page(
    wg_client, consultation, codebook, feedback, do, themes, items, message
):
    data = {
        "consultation": consultation.pk,
        "search": "q=care",
        "do": do,
        "themes": [codebook[name].pk for name in themes],
        "items": [item.pk for item in feedback[:items]],
    }
    response = wg_client.post("/synthesis/coding/bulk/", data)
    html = response.content.decode()
    assert response.status_code == 400
    soup = soup_of(html)
    targets = summary_targets(soup)
    assert message in targets
    for text, target in targets.items():
        assert target is not None and target.name == "input", text
        assert target.find_parent("form") is soup.find("main").find("form"), text
    assert id_problems(html) == []


def test_the_bulk_coding_error_page_lets_one_choose_every_result(
    wg_client, consultation, codebook, feedback
):
    data = {"consultation": consultation.pk, "search": "q=care", "do": "apply-selection",
            "themes": [codebook["data"].pk]}  # fmt: skip
    html = wg_client.post("/synthesis/coding/bulk/", data).content.decode()
    form = soup_of(html).find("main").find("form")
    # What "choose every result" asks for is on the page: the choice, as radios in a
    # fieldset with its legend, beside the themes already ticked.
    choice = form.find("input", attrs={"name": "do", "value": "apply-search"})
    assert choice["type"] == "radio" and choice.find_parent("fieldset").legend is not None
    sent = {
        field["name"]: field["value"]
        for field in form.find_all("input", attrs={"type": "hidden"})
        if field["name"] in ("consultation", "search")
    }
    again = wg_client.post(
        "/synthesis/coding/bulk/", {**sent, "do": "apply-search", "themes": [codebook["data"].pk]}
    )
    assert again.status_code == 200
    assert "Apply 1 theme to every result of this search?" in again.content.decode()


def heading_levels(html):
    """(level, text) of every heading of the main content, in order."""
    main = soup_of(html).find("main")
    return [(int(h.name[1]), h.get_text(" ", strip=True)) for h in main.find_all(HEADING)]


def skipped_levels(html):
    """Headings that go down more than one level from the one before them."""
    levels = heading_levels(html)
    return [(before, after) for before, after in pairwise(levels) if after[0] > before[0] + 1]


def test_changing_a_published_response_keeps_the_heading_levels(
    wg_client, consultation, section, codebook, analyst
):
    from consultation.synthesis import outcomes

    response = outcomes.response_save(
        actor=analyst,
        consultation=consultation,
        theme=codebook["data"],
        section=section,
        heard="People asked for their data to stay private.",
        changed="",
    )
    response.published_at = timezone.now()
    response.save(update_fields=["published_at"])
    url = f"/synthesis/consultations/{consultation.slug}/responses/{response.pk}/"
    html = wg_client.get(url).content.decode()
    assert "Important: Published" in [text for _level, text in heading_levels(html)]
    assert skipped_levels(html) == []


def grid_cells(html):
    """(number written, its colour, the colour of its cell) for every cell of the grid
    charts (their shaded <rect>, then the <text> of its number)."""
    found = []
    for svg in soup_of(html).find_all("svg", class_="hub-chart"):
        for rect in svg.find_all("rect", attrs={"fill-opacity": True}):
            text = rect.find_next_sibling("text")
            cell = painted(rect["fill"], float(rect["fill-opacity"]))
            found.append((text.get_text(), text["fill"], cell))
    return found


def test_every_number_in_a_grid_chart_is_readable_on_its_cell(
    wg_client, section, consultation, codebook, analyst
):
    # Themes by sector with counts from 1 to 7, so that cells are shaded from light to
    # dark through the middle, where neither white nor dark text is readable on every shade.
    items = []
    for count, sector in enumerate(("clinician", "nurse_ahp", "patient_carer", "industry",
                                    "academia", "charity", "government"), start=1):  # fmt: skip
        author = factories.ProfileFactory(sector=sector).user
        items += [
            comment_on(section, consultation=consultation, author=author).feedback_item
            for _ in range(count)
        ]
    coding.apply_themes(
        actor=analyst, consultation=consultation, item_ids=[i.pk for i in items],
        themes=[codebook["workforce"]],
    )  # fmt: skip
    html = wg_client.get(f"/synthesis/consultations/{consultation.slug}/dashboard/").content
    cells = grid_cells(html.decode())
    assert {"1", "4", "5", "7"} <= {number for number, _ink, _cell in cells}
    low = [
        (number, ink, cell, round(contrast(ink, cell), 2))
        for number, ink, cell in cells
        if contrast(ink, cell) < 4.5
    ]
    assert low == []


FOCUSABLE = ("a", "button", "input", "select", "textarea")


def scrolling_boxes(html):
    """The boxes that scroll a table of their own, with what a keyboard needs of each: can
    it be focused (to scroll with the arrow keys), and the name it is announced by."""
    soup = soup_of(html)
    found = []
    for box in soup.select(".hub-table-scroll"):
        named_by = [soup.find(id=ref) for ref in box.get("aria-labelledby", "").split()]
        found.append(
            {
                "focusable": box.get("tabindex") == "0" or bool(box.find(FOCUSABLE)),
                "role": box.get("role"),
                "name": " ".join(tag.get_text(" ", strip=True) for tag in named_by if tag),
            }
        )
    return found


def test_tables_that_scroll_on_their_own_can_be_scrolled_from_the_keyboard(
    client, wg_client, consultation, section, codebook, analyst
):
    from consultation.synthesis import outcomes
    from tests.support.questionnaire_factories import answered, questionnaire_on

    response = outcomes.response_save(
        actor=analyst, consultation=consultation, theme=codebook["data"], section=section,
        heard="People asked for their data to stay private.", changed="",
    )  # fmt: skip
    response.published_at = timezone.now()
    response.save(update_fields=["published_at"])
    questionnaire = questionnaire_on(consultation)
    answered(questionnaire, factories.ProfileFactory().user)
    slug = consultation.slug
    pages = {
        "outcome (public)": client.get(f"/consultation/{slug}/outcome/"),
        "report": wg_client.get(f"/synthesis/consultations/{slug}/report/"),
        "answers summary": wg_client.get(
            reverse("consultation:questionnaires:summary_staff", args=[slug])
        ),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        boxes = scrolling_boxes(page.content.decode())
        assert boxes, name
        for box in boxes:
            # A box wider than the screen scrolls only for a mouse unless it takes focus;
            # once focused, it says which table it holds.
            assert box["focusable"], (name, box)
            assert box["role"] == "region" and box["name"], (name, box)


def test_a_date_the_search_could_not_read_is_marked_at_its_own_fields(wg_client, feedback):
    typed = "date_from-day=31&date_from-month=2&date_from-year=2026"
    page = soup_of(wg_client.get(f"/synthesis/?q=care&{typed}").content.decode())
    wrong = page.find("input", attrs={"name": "date_from-day"}).find_parent("fieldset")
    right = page.find("input", attrs={"name": "date_to-day"}).find_parent("fieldset")
    # The fields say what is wrong with them, in the words and the format of the fields,
    # and keep what was typed, so it can be corrected rather than typed again.
    said = [page.find(id=ref) for ref in wrong["aria-describedby"].split()]
    errors = [tag for tag in said if "nhsuk-error-message" in tag.get("class", [])]
    assert len(errors) == 1 and errors[0].find_parent("fieldset") is wrong
    assert "Sent on or after" in errors[0].get_text() and "31 3 2027" in errors[0].get_text()
    assert [field.get("value") for field in wrong.find_all("input")] == ["31", "2", "2026"]
    assert all("nhsuk-input--error" in field["class"] for field in wrong.find_all("input"))
    assert not right.select(".nhsuk-error-message, .nhsuk-input--error")
    assert id_problems(str(page)) == []
    # As on every page with an error message: "Error:" in the title, and a summary first
    # in the main content whose link lands on the date's first field.
    title = title_of(str(page))
    assert title.startswith("Error: care") and "Search feedback" in title
    assert inside(first_text_in_main(str(page)), "nhsuk-error-summary")
    assert summary_targets(page) == {
        errors[0].get_text(" ", strip=True).removeprefix("Error: "): wrong.find("input")
    }
    assert page.select_one(".nhsuk-error-summary")["data-module"] == "nhsuk-error-summary"


def test_every_error_summary_takes_the_focus_when_its_page_loads(
    wg_client, consultation, section, codebook, analyst, editor
):
    from consultation.synthesis import outcomes

    response = outcomes.response_save(
        actor=analyst, consultation=consultation, theme=codebook["data"], section=section,
        heard="People asked for their data to stay private.", changed="",
    )  # fmt: skip
    editor_client = SignedInClient()
    editor_client.force_login(editor)
    publish = f"/synthesis/consultations/{consultation.slug}/responses/{response.pk}/publish/"
    pages = {
        "suggestions of an unknown theme": wg_client.get(
            f"/synthesis/suggestions/{consultation.slug}/?theme=99999"
        ),
        "publishing without saying what to do": editor_client.post(publish, {"action": "nonsense"}),
    }
    for name, page in pages.items():
        html = page.content.decode()
        summaries = soup_of(html).select(".nhsuk-error-summary")
        assert title_of(html).startswith("Error:") and len(summaries) == 1, name
        # The design system's script moves the focus to a summary it is told about
        # (data-module), so a screen reader reads the problem first; role="alert" sits on
        # an inner element, as the design system has it.
        summary = summaries[0]
        assert summary.get("data-module") == "nhsuk-error-summary", name
        assert summary.get("tabindex") == "-1" and "role" not in summary.attrs, name
        assert summary.find(attrs={"role": "alert"}) is not None, name
