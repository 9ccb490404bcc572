"""The markup of the working group's pages, as assistive technology reads them: a page sent
back with an error says so in its title, every link of an error summary lands on a field
of the page, headings go down one level at a time and each group of controls sits under
a heading of its own."""

import pytest

from tests.support.markup import id_problems, soup_of

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

def title_of(html):
    return soup_of(html).title.get_text(strip=True)


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
