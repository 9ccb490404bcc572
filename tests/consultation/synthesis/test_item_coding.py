"""Coding one item on its page through HTTP: adding and removing themes (each one coding
action, undoable), stance, assignment to a Working group member (no one else), notes kept
as plain text and shown escaped with author and time, errors first on the page and
nothing half-saved, CSRF, the audit log, and query counts that do not grow."""

import re

import pytest

from consultation.synthesis.models import AnalystNote, Coding, CodingAction, ItemReview, Theme
from hub.core.models import AuditEntry
from tests.support import factories
from tests.support.clients import SignedInClient
from tests.support.consultation_factories import ConsultationFactory
from tests.support.hostile import HOSTILE_MARKUP
from tests.support.inert_html import problems_in_page, tag_counts
from tests.support.markup import id_problems
from tests.support.shared_rows import each_case_rolled_back

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


def page(item, rest=""):
    return f"/synthesis/items/{item.pk}/{rest}"


def test_adding_and_removing_themes_on_an_item(wg_client, feedback, codebook, analyst):
    item = feedback[0]
    html = wg_client.get(page(item)).content.decode()
    assert "No themes yet." in html and 'name="themes"' in html
    assert not id_problems(html)
    response = wg_client.post(
        page(item, "themes/"), {"themes": [codebook["data"].pk, codebook["training"].pk]}
    )
    assert response.status_code == 302 and response["Location"] == page(item)
    assert set(Coding.objects.values_list("item_id", "theme__name")) == {
        (item.pk, "Data"), (item.pk, "Training"),
    }  # fmt: skip
    action = CodingAction.objects.get()
    assert (action.scope, action.item_count, action.actor) == ("item", 1, analyst)
    html = wg_client.get(page(item)).content.decode()
    assert "Coded with Data, Workforce: Training." in html
    assert "Workforce: Training" in html and "Coded by an analyst, Ana Lyst" in html
    # Themes already on the item are not offered again.
    assert f'value="{codebook["data"].pk}"' not in re.search(
        r'action="/synthesis/items/\d+/themes/".*?</form>', html, re.S
    ).group(0)
    response = wg_client.post(page(item, f"themes/{codebook['data'].pk}/remove/"))
    assert response.status_code == 302
    assert list(Coding.objects.values_list("theme__name", flat=True)) == ["Training"]
    assert CodingAction.objects.filter(kind="remove", scope="item").count() == 1


def test_themes_of_another_consultation_or_none_are_refused(wg_client, feedback, codebook, section):
    other = Theme.objects.create(consultation=ConsultationFactory(slug="x"), name="Elsewhere")
    for data in ({"themes": [other.pk]}, {}, {"themes": ["nope"]}):
        response = wg_client.post(page(feedback[0], "themes/"), data)
        html = response.content.decode()
        assert response.status_code == 400
        assert "nhsuk-error-summary" in html
        assert html.index("nhsuk-error-summary") < html.index("<h1")
    assert not Coding.objects.exists()
    assert wg_client.post(page(feedback[0], f"themes/{other.pk}/remove/")).status_code == 404
    assert wg_client.get(page(feedback[0], "themes/")).status_code == 405


def test_stance_is_set_changed_and_cleared(wg_client, feedback, analyst):
    item = feedback[1]
    html = wg_client.get(page(item)).content.decode()
    assert "Now: <strong>Not set</strong>" in html
    for value in ("supports", "opposes", "mixed", "neutral"):
        assert wg_client.post(page(item, "stance/"), {"stance": value}).status_code == 302
        assert ItemReview.objects.get(item=item).stance == value
    html = wg_client.get(page(item)).content.decode()
    assert "Now: <strong>Neutral</strong>" in html
    assert wg_client.post(page(item, "stance/"), {"stance": ""}).status_code == 302
    review = ItemReview.objects.get(item=item)
    assert (review.stance, review.stance_by) == ("", None)
    response = wg_client.post(page(item, "stance/"), {"stance": "<b>furious</b>"})
    assert response.status_code == 400
    assert "Choose supports, opposes, mixed, neutral or not set." in response.content.decode()
    assert ItemReview.objects.get(item=item).stance == ""
    entries = AuditEntry.objects.about(item).filter(action="stance_set")
    assert entries.count() == 5 and entries.first().actor == analyst


def test_items_are_assigned_to_working_group_members_only(wg_client, feedback, analyst):
    item = feedback[2]
    stranger = factories.ProfileFactory(display_name="Not In Group").user
    html = wg_client.get(page(item)).content.decode()
    assert "Ana Lyst" in html and "Not In Group" not in html
    response = wg_client.post(page(item, "assignee/"), {"assignee": str(stranger.pk)})
    assert response.status_code == 400
    assert "Choose a member of the Working group." in response.content.decode()
    assert not ItemReview.objects.exists()
    assert wg_client.post(page(item, "assignee/"), {"assignee": str(analyst.pk)}).status_code == 302
    assert ItemReview.objects.get(item=item).assignee == analyst
    entry = AuditEntry.objects.about(item).get(action="item_assigned")
    assert entry.subject == analyst
    html = wg_client.get(page(item)).content.decode()
    assert "Assigned to Ana Lyst." in html
    assert wg_client.post(page(item, "assignee/"), {"assignee": ""}).status_code == 302
    assert ItemReview.objects.get(item=item).assignee is None


def test_notes_are_listed_with_author_and_time(wg_client, feedback, analyst):
    item = feedback[0]
    response = wg_client.post(page(item, "notes/"), {"text": "  Strong on consent.\r\nSee p.2 "})
    assert response.status_code == 302
    note = AnalystNote.objects.get()
    assert (note.text, note.author) == ("Strong on consent.\nSee p.2", analyst)
    assert AuditEntry.objects.about(item).filter(action="note_added").exists()
    html = wg_client.get(page(item)).content.decode()
    assert re.search(r"<strong>Ana Lyst</strong>, <time datetime=", html)
    assert "Strong on consent.<br>See p.2" in html
    for text, message in (("", "Write the note."), ("\u200b \u200b", "Write the note."),
                          ("x" * 5001, "at most 5,000 characters")):  # fmt: skip
        response = wg_client.post(page(item, "notes/"), {"text": text})
        assert response.status_code == 400 and message in response.content.decode()
    assert AnalystNote.objects.count() == 1


def test_hostile_notes_are_plain_text_shown_escaped(wg_client, feedback):
    item = feedback[0]
    # Every note is rolled back before the next, so one baseline serves them all.
    baseline = tag_counts(wg_client.get(page(item)).content.decode())

    def check(text):
        wg_client.post(page(item, "notes/"), {"text": text})
        shown = wg_client.get(page(item))
        assert shown.status_code == 200  # still signed in: the rollback keeps the session
        html = shown.content.decode()
        assert not problems_in_page(html, baseline)
        assert not id_problems(html)

    each_case_rolled_back(HOSTILE_MARKUP, check)


def test_every_form_needs_its_csrf_token(feedback, codebook, analyst, consultation):
    item = feedback[0]
    browser = SignedInClient(enforce_csrf_checks=True)
    browser.force_login(analyst)
    posts = [
        (page(item, "themes/"), {"themes": [codebook["data"].pk]}),
        (page(item, f"themes/{codebook['data'].pk}/remove/"), {}),
        (page(item, "stance/"), {"stance": "supports"}),
        (page(item, "assignee/"), {"assignee": str(analyst.pk)}),
        (page(item, "notes/"), {"text": "Hi"}),
        ("/synthesis/coding/bulk/", {"consultation": consultation.pk, "do": "apply-search",
                                     "themes": [codebook["data"].pk]}),
        (f"/synthesis/codebook/{consultation.slug}/themes/new/",
         {"name": "New", "colour": "#005eb8"}),
        (f"/synthesis/codebook/{consultation.slug}/themes/{codebook['trust'].pk}/delete/", {}),
    ]  # fmt: skip
    for url, data in posts:
        assert browser.post(url, data).status_code == 403, url
    assert not Coding.objects.exists() and not ItemReview.objects.exists()
    assert not AnalystNote.objects.exists()
    # With the token the page gives, the same post works.
    html = browser.get(page(item)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = browser.post(page(item, "notes/"), {"text": "Hi", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_the_item_page_asks_few_queries_however_much_it_holds(
    wg_client, feedback, codebook, analyst, django_assert_max_num_queries
):
    item = feedback[0]
    with django_assert_max_num_queries(40) as few:
        wg_client.get(page(item))
    first = len(few.captured_queries)  # the log is cleared at the next request
    for n in range(15):
        wg_client.post(page(item, "notes/"), {"text": f"Note {n}"})
    wg_client.post(page(item, "themes/"), {"themes": [t.pk for t in codebook.values()]})
    wg_client.post(page(item, "stance/"), {"stance": "mixed"})
    wg_client.post(page(item, "assignee/"), {"assignee": str(analyst.pk)})
    with django_assert_max_num_queries(first):
        html = wg_client.get(page(item)).content.decode()
    assert html.count('class="hub-analyst-note"') == 15
