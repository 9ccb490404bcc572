"""axe-core's WCAG 2.0, 2.1 and 2.2 level A and AA rules, run in Chromium over the pages
people use: the public site, signing in, commenting, the questionnaire, the outcome page and
the Working group's workspace, with their forms sent back with errors. axe-core comes from
npm (pinned in package.json, never committed) and is read from node_modules as the tests
run. axe finds what a machine can (names, labels, ids, landmarks, contrast, ARIA, tables);
the rest of WCAG still needs a person.

The rows are made once for the module and served by a live server of its own, which shares
their transaction (tests/support/browser.py): pytest-django's `live_server` empties the
database after every test, so each page would make them again. No test changes a row that
another reads (a refused form writes nothing), and each is rolled back as ever."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from consultation.synthesis import outcomes
from consultation.synthesis.models import ThemeSuggestion
from hub.accounts.rules import EDITORS, WORKING_GROUP
from tests.conftest import make_home, make_site_tree
from tests.support.browser import live_server_of_the_module, shares_the_test_connection
from tests.support.clients import SignedInClient
from tests.support.consultation_factories import comment_on, consultation_on, paragraph_ids
from tests.support.factories import ProfileFactory, in_group, with_mfa
from tests.support.questionnaire_factories import questionnaire_on
from tests.support.shared_rows import rows_for_the_module
from tests.support.synthesis_factories import code, set_stance, theme

pytestmark = [pytest.mark.browser, pytest.mark.processes, pytest.mark.django_db]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# What the accessibility statement promises: WCAG 2.2 AA, which takes in 2.0 and 2.1.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}})
  .then((results) => results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    nodes: violation.nodes.map((node) => ({
      target: node.target.join(" "), html: node.html, summary: node.failureSummary,
    })),
  })))"""


def described(violations):
    """Every violation with its rule, impact and help, and each element it fails on."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"  at {node['target']}")
            lines.append(f"    {node['html'][:300]}")
            lines.extend(f"    {line}" for line in (node["summary"] or "").splitlines())
    return "\n".join(lines)


def session_of(user):
    """A session cookie value for `user`, with the second factor if they have one."""
    client = SignedInClient()
    client.force_login(user)
    return client.cookies["sessionid"].value


def make_rows():
    """An open consultation on a section with comments and a reply, a codebook with a
    sub-theme, a code, a stance, a theme suggestion, a published response and a
    questionnaire; a stakeholder and an analyst signed in."""
    section = make_site_tree(make_home())["section"]
    consultation = consultation_on(section, slug="draft", title="Draft strategy consultation")
    stakeholder = ProfileFactory(display_name="Stake Holder").user
    analyst = with_mfa(in_group(ProfileFactory(display_name="Ana Lyst").user, WORKING_GROUP))
    editor = with_mfa(in_group(ProfileFactory(display_name="Ed Itor").user, EDITORS))
    first, second = paragraph_ids(section)
    texts = ["Care staff need time to learn.", "Care data must stay private.", "Robots on wards."]
    comments = [
        comment_on(section, consultation=consultation, paragraph_id=first, text=text)
        for text in texts
    ]
    comment_on(section, consultation=consultation, parent=comments[0], text="Agreed, care.")
    comment_on(section, consultation=consultation, paragraph_id="", text="Care, all of it.")
    items = [comment.feedback_item for comment in comments]
    workforce = theme(consultation, "Workforce")
    theme(consultation, "Training", parent=workforce)
    data = theme(consultation, "Data")
    code(analyst, items[:1], workforce)
    set_stance(items[0], "supports")
    ThemeSuggestion.objects.create(
        consultation=consultation,
        item=items[1],
        theme=data,
        confidence=0.9,
        suggested=True,
        rank=1,
        computed_at=timezone.now(),
    )
    response = outcomes.response_save(
        actor=analyst,
        consultation=consultation,
        theme=workforce,
        section=section,
        heard="People asked for **staff** first.",
        changed="We added a paragraph on training.",
    )
    outcomes.response_publish(actor=editor, response=response)
    questionnaire_on(consultation, section=section)
    return {
        "section": section.url,
        "comment_page": f"/consultation/draft/sections/{section.pk}/comment/?paragraph={second}",
        "paragraph": second,
        "consultation": consultation.pk,
        "item": items[0].pk,
        "stakeholder": session_of(stakeholder),
        "analyst": session_of(analyst),
        "editor": session_of(editor),
    }


@pytest.fixture(scope="module")
def hub(django_db_setup, django_db_blocker):
    """The address of a live server serving the module's rows, and what the pages need."""
    if not shares_the_test_connection():
        # The PostgreSQL run of `make test`: the server could not see rows never committed,
        # and what axe reads does not depend on the database; the SQLite run checks it.
        pytest.skip("needs SQLite's in-memory test database")
    with rows_for_the_module(django_db_blocker):
        rows = make_rows()
        with live_server_of_the_module() as url:
            yield url, rows


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)")
    return AXE.read_text()


# -- the pages, each as a visit: (tab, server address, rows) ----------------------------


def signed_in_as(tab, url, session):
    tab.context.add_cookies([{"name": "sessionid", "value": session, "url": url}])


def at(path, *, who=None):
    """A visit to `path` (formatted with the rows), signed in as `who` or signed out."""

    def visit(tab, url, rows):
        if who:
            signed_in_as(tab, url, rows[who])
        tab.goto(url + path.format(**rows))

    return visit


def section_comments_open(tab, url, rows):
    tab.goto(url + rows["section"])
    tab.click("[data-hub-paragraph] summary")  # a paragraph's comments, shown


def section_comment_form_open(tab, url, rows):
    signed_in_as(tab, url, rows["stakeholder"])
    tab.goto(url + rows["section"])
    tab.click("[data-hub-paragraph] summary")
    tab.click(f"a[data-hub-comment='{rows['paragraph']}']")
    tab.locator(f"[data-hub-paragraph='{rows['paragraph']}'] textarea").wait_for()


def section_comment_refused_inline(tab, url, rows):
    section_comment_form_open(tab, url, rows)
    form = f"[data-hub-paragraph='{rows['paragraph']}'] [data-hub-form]"
    tab.fill(f"{form} textarea", " ")  # passes the browser's `required`, not the server
    tab.click(f"{form} button[type=submit]")
    tab.locator(f"[data-hub-paragraph='{rows['paragraph']}'] .nhsuk-error-message").wait_for()


def comment_page_refused(tab, url, rows):
    signed_in_as(tab, url, rows["stakeholder"])
    tab.goto(url + rows["comment_page"])
    tab.fill("textarea[name=body]", " ")
    tab.click("button:text('Post comment')")
    tab.locator(".nhsuk-error-summary").wait_for()


def sign_in_refused(tab, url, rows):
    tab.goto(url + "/accounts/login/")
    tab.fill("input[name=login]", "nobody@example.org")
    tab.fill("input[name=password]", "not the password")
    tab.click("main button[type=submit]")
    tab.locator(".nhsuk-error-summary").wait_for()


def questionnaire_page_refused(tab, url, rows):
    signed_in_as(tab, url, rows["stakeholder"])
    tab.goto(url + "/consultation/draft/questionnaire/about-you/")
    tab.get_by_label("As an individual").check()
    tab.get_by_role("button", name="Save and continue").click()
    tab.get_by_role("button", name="Save and continue").click()  # a required question unanswered
    tab.locator(".nhsuk-error-summary").wait_for()


def item_note_refused(tab, url, rows):
    signed_in_as(tab, url, rows["analyst"])
    tab.goto(f"{url}/synthesis/items/{rows['item']}/")
    tab.evaluate("document.querySelector('form[action$=\"/notes/\"]').noValidate = true")
    tab.locator("form[action$='/notes/'] button[type=submit]").click()
    tab.locator(".nhsuk-error-summary").wait_for()


def theme_form_refused(tab, url, rows):
    signed_in_as(tab, url, rows["analyst"])
    tab.goto(url + "/synthesis/codebook/draft/themes/new/")
    tab.evaluate("document.querySelector('main form').noValidate = true")
    tab.locator("main form button[type=submit]").click()
    tab.locator(".nhsuk-error-summary").wait_for()


PAGES = {
    "home": at("/"),
    # An editor sees Wagtail's user bar on the public pages.
    "section as an editor": at("{section}", who="editor"),
    "section, comments open": section_comments_open,
    "section, comment form open": section_comment_form_open,
    "section, inline comment refused": section_comment_refused_inline,
    "comment page refused": comment_page_refused,
    "sign in": at("/accounts/login/"),
    "sign in refused": sign_in_refused,
    "questionnaire start": at("/consultation/draft/questionnaire/", who="stakeholder"),
    "questionnaire page refused": questionnaire_page_refused,
    "outcome": at("/consultation/draft/outcome/"),
    "synthesis search": at("/synthesis/?q=care", who="analyst"),
    "synthesis search, one consultation": at(
        "/synthesis/?q=care&consultation={consultation}", who="analyst"
    ),
    "coding workspace": at("/synthesis/items/{item}/", who="analyst"),
    "coding workspace, note refused": item_note_refused,
    "codebook": at("/synthesis/codebook/draft/", who="analyst"),
    "new theme refused": theme_form_refused,
    "coding history": at("/synthesis/codebook/draft/history/", who="analyst"),
    "dashboard": at("/synthesis/consultations/draft/dashboard/", who="analyst"),
    "suggestions queue": at("/synthesis/suggestions/draft/", who="analyst"),
}
# The header's menu folds and touch targets matter most on a narrow screen (WCAG's 320 px).
NARROW = {"section at 320px, comment form open": section_comment_form_open}


def violations_on(browser, hub, axe_source, visit, **context_options):
    url, rows = hub
    context = browser.new_context(**context_options)
    try:
        tab = context.new_page()
        visit(tab, url, rows)
        assert tab.url.startswith(url), tab.url  # still on the site, not sent elsewhere
        tab.add_script_tag(content=axe_source)
        return tab.url, tab.evaluate(RUN_AXE, WCAG_AA)
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_no_wcag_violations(name, hub, browser, axe_source):
    where, violations = violations_on(browser, hub, axe_source, PAGES[name])
    if violations:
        pytest.fail(f"{name} ({where}):\n{described(violations)}", pytrace=False)


@pytest.mark.parametrize("name", NARROW)
def test_no_wcag_violations_on_a_narrow_screen(name, hub, browser, axe_source):
    narrow = {"viewport": {"width": 320, "height": 640}}
    where, violations = violations_on(browser, hub, axe_source, NARROW[name], **narrow)
    if violations:
        pytest.fail(f"{name} ({where}):\n{described(violations)}", pytrace=False)
