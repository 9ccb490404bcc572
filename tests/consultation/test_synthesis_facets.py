"""The synthesis facets of the working group's search page, through HTTP: themes (a parent
finds its sub-themes' items, "No theme"), stance ("Not set"), channel and questionnaire
answers as checkboxes that work without JavaScript, their labels escaped (a hostile theme
name), the CSV download honouring them, and query counts that do not grow with codes."""

import csv
import io
import re

import pytest

from consultation.feedback.models import FeedbackItem
from consultation.questionnaires.structure import questions_of
from hub.accounts.models import Region, Sector
from tests.support import factories
from tests.support import synthesis_factories as coded
from tests.support.consultation_factories import comment_on
from tests.support.hostile import HOSTILE_QUERIES
from tests.support.questionnaire_factories import answered, questionnaire_on

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]
SEARCH = "/synthesis/"
DOWNLOAD = "/synthesis/download/"


def person():
    return factories.ProfileFactory(sector=Sector.CLINICIAN, region=Region.LONDON).user


@pytest.fixture
def wg_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def analysed(section, consultation, analyst):
    """Four comments: one coded with a sub-theme (and opposing), one with the hostile theme
    (supporting), two uncoded, one of them by a person who answered the questionnaire."""
    respondent = person()
    items = [
        comment_on(section, consultation=consultation, author=author, text=text).feedback_item
        for author, text in (
            (person(), "Robots need trained staff."),
            (person(), "Robots and trust."),
            (respondent, "Robots should be audited."),
            (person(), "Nothing about machines."),
        )
    ]
    workforce = coded.theme(consultation, "Workforce")
    training = coded.theme(consultation, "Training", parent=workforce)
    hostile = coded.theme(consultation, coded.HOSTILE_THEME)
    coded.code(analyst, [items[0]], training)
    coded.code(analyst, [items[1]], hostile)
    coded.set_stance(items[0], "opposes")
    coded.set_stance(items[1], "supports")
    questionnaire = questionnaire_on(consultation, section=section)
    answered(questionnaire, respondent, clear="Yes", areas=("Data",), text="")
    single = questions_of(questionnaire)[0]
    yes = next(f"{single.id}:{pk}" for pk, label in single.choices if label == "Yes")
    return {
        "items": items,
        "themes": {"workforce": workforce, "training": training, "hostile": hostile},
        "yes": yes,
    }


def status_text(html):
    return re.search(r'role="status"[^>]*>(.*?)</p>', html, re.S).group(1)


def checkbox(html, name, value):
    """(checked, label text) of the checkbox `name`=`value`, or None when not listed."""
    found = re.search(
        rf'name="{name}" type="checkbox" value="{re.escape(value)}"( checked)?>\s*'
        r"<label[^>]*>(.*?) <span",
        html,
        re.S,
    )
    return None if found is None else (bool(found.group(1)), found.group(2))


def test_the_new_facets_are_checkboxes_with_escaped_labels_and_counts(wg_client, analysed):
    html = wg_client.get(SEARCH).content.decode()
    themes = analysed["themes"]
    assert checkbox(html, "theme", str(themes["workforce"].pk)) == (False, "Workforce")
    assert checkbox(html, "theme", str(themes["training"].pk)) == (False, "Workforce: Training")
    assert checkbox(html, "theme", "none") == (False, "No theme")
    assert checkbox(html, "stance", "none") == (False, "Not set")
    assert checkbox(html, "stance", "opposes") == (False, "Opposes")
    assert checkbox(html, "channel", "website") == (False, "This website")
    assert checkbox(html, "answer", analysed["yes"]) == (False, "Q1 Yes: Is the vision clear?")
    # The hostile name is shown as text, never as markup.
    escaped = (
        "&lt;script&gt;alert(&quot;theme&quot;)&lt;/script&gt; &amp; &quot;Trust&quot; &lt;b&gt;"
    )
    assert checkbox(html, "theme", str(themes["hostile"].pk)) == (False, escaped)
    assert "<script>alert(" not in html
    assert re.search(r"No theme <span[^>]*>\(2\)</span>", html)
    assert re.search(r"Workforce <span[^>]*>\(1\)</span>", html)
    assert 'aria-describedby="facet-theme-hint"' in html
    assert re.search(r'id="facet-theme-hint">A theme finds the items coded with it or', html)
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "ids must be unique"


def test_ticking_a_parent_theme_finds_its_sub_themes_items(wg_client, analysed):
    items, themes = analysed["items"], analysed["themes"]
    html = wg_client.get(SEARCH, {"theme": themes["workforce"].pk}).content.decode()
    assert "1 result" in status_text(html)
    assert f'href="/synthesis/items/{items[0].pk}/"' in html
    assert checkbox(html, "theme", str(themes["workforce"].pk))[0] is True
    # Its own facet keeps the other choices open; stance narrows to the Workforce item.
    assert re.search(r"No theme <span[^>]*>\(2\)</span>", html)
    assert checkbox(html, "stance", "supports") is None
    assert checkbox(html, "stance", "opposes") == (False, "Opposes")


def test_no_theme_not_set_and_an_answer_filter_together(wg_client, analysed):
    items = analysed["items"]
    html = wg_client.get(SEARCH, {"theme": "none", "stance": "none"}).content.decode()
    linked = {int(n) for n in re.findall(r'href="/synthesis/items/(\d+)/"', html)}
    assert linked == {items[2].pk, items[3].pk}
    answered_only = wg_client.get(SEARCH, {"theme": "none", "answer": analysed["yes"]})
    linked = {
        int(n)
        for n in re.findall(r'href="/synthesis/items/(\d+)/"', answered_only.content.decode())
    }
    assert linked == {items[2].pk}


def test_the_download_honours_the_new_filters(wg_client, analysed):
    items, themes = analysed["items"], analysed["themes"]
    cases = [
        ({"theme": themes["workforce"].pk}, {items[0].pk}),
        ({"theme": ["none", themes["hostile"].pk]}, {items[1].pk, items[2].pk, items[3].pk}),
        ({"stance": "supports"}, {items[1].pk}),
        ({"answer": analysed["yes"]}, {items[2].pk}),
        ({"channel": "email"}, set()),
        ({"q": "robots", "stance": "none"}, {items[2].pk}),
    ]
    for params, expected in cases:
        response = wg_client.get(DOWNLOAD, params)
        body = b"".join(response.streaming_content).decode("utf-8")
        rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
        assert {int(row["item_id"]) for row in rows} == expected, params


@pytest.mark.parametrize("text", HOSTILE_QUERIES[:12])
def test_hostile_values_of_the_new_filters_are_answered(wg_client, analysed, text):
    response = wg_client.get(
        SEARCH, {"theme": text, "stance": text, "channel": text, "answer": text}
    )
    assert response.status_code == 200
    assert re.search(r"\d+ results?", status_text(response.content.decode()))


def test_a_value_a_filter_cannot_have_is_ignored_with_a_note(wg_client, analysed):
    html = wg_client.get(SEARCH, {"theme": "Workforce", "answer": "q3 agree"}).content.decode()
    assert "4 results" in status_text(html)
    assert "Theme: a value this filter does not have was ignored." in html
    assert "Questionnaire answer: a value this filter does not have was ignored." in html


def test_query_counts_do_not_grow_with_codes_and_answers(
    wg_client, analysed, section, consultation, analyst, django_assert_max_num_queries
):
    params = {"theme": ["none", analysed["themes"]["workforce"].pk], "per_page": "100"}
    with django_assert_max_num_queries(40) as few:
        wg_client.get(SEARCH, params)
    more = [comment_on(section, consultation=consultation).feedback_item for _ in range(30)]
    coded.code(analyst, more[:20], analysed["themes"]["training"])
    for item in more[10:]:
        coded.set_stance(item, "mixed")
    questionnaire = consultation.questionnaire
    for item in more[:5]:
        answered(questionnaire, FeedbackItem.objects.get(pk=item.pk).author, text="")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = wg_client.get(SEARCH, params).content.decode()
    assert "33 results" in status_text(html)
