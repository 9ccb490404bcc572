"""The markup of the working group's pages, as assistive technology reads them: a page sent
back with an error says so in its title, every link of an error summary lands on a field
of the page, headings go down one level at a time and each group of controls sits under
a heading of its own."""

import re

import pytest
from django.utils import timezone

from consultation.synthesis.models import ThemeSuggestion
from tests.support.markup import id_problems, soup_of

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
