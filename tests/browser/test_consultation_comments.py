"""Commenting in a real browser: inline and without a page jump with JavaScript, through
plain form pages and anchors without it. (Owned by the consultation app; it lives here to
share the one Chromium these fixtures start.)"""

from pathlib import Path

import pytest

from consultation.models import Comment, Reaction
from tests.support.browser import signed_in
from tests.support.consultation_factories import ConsultationFactory, comment_on, paragraph_ids
from tests.support.factories import ProfileFactory

pytestmark = [pytest.mark.browser, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def section(site_tree):
    return site_tree["section"]


@pytest.fixture
def consultation(section):
    consultation = ConsultationFactory(slug="draft")
    consultation.sections.add(section)
    return consultation


def test_comment_reply_and_react_inline(client, live_server, page, section, consultation):
    pid, empty_pid = paragraph_ids(section)
    other = comment_on(section, consultation=consultation, paragraph_id=pid, body="<p>Earlier</p>")
    signed_in(page, client, live_server, ProfileFactory(display_name="Jay Browser").user)
    url = live_server.url + section.url
    page.goto(url)

    empty_tools = f"[data-hub-paragraph='{empty_pid}']"
    empty_note = page.locator(f"{empty_tools} .hub-comments-empty")
    assert empty_note.is_visible() and empty_note.inner_text().startswith("No comments yet")
    page.click(f"a[data-hub-comment='{empty_pid}']")
    textarea = page.locator(f"{empty_tools} textarea")
    textarea.wait_for()
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    textarea.fill("Typed **inline**")
    page.click(f"{empty_tools} [data-hub-form] button[type=submit]")
    page.wait_for_selector("strong:text('inline')")
    assert page.url == url  # no page jump, no reload
    assert page.locator(f"{empty_tools} [data-hub-count]").inner_text() == "1 comment"
    assert not page.locator(f"{empty_tools} .hub-comments-empty").is_visible()
    assert Comment.objects.filter(body="<p>Typed <strong>inline</strong></p>").count() == 1

    page.click(f"[data-hub-paragraph='{pid}'] summary")  # open the paragraph's comments
    page.click(f"#comment-{other.pk} a[data-hub-reply]")
    reply_box = page.locator(f"#comment-{other.pk} textarea")
    reply_box.wait_for()
    reply_box.fill("A reply")
    page.click(f"#comment-{other.pk} [data-hub-form] button[type=submit]")
    page.wait_for_selector("text=A reply")
    assert Comment.objects.get(body="<p>A reply</p>").parent_id == other.pk
    assert page.locator(f"[data-hub-paragraph='{pid}'] [data-hub-count]").inner_text() == (
        "2 comments"
    )
    assert page.url == url
    assert page.js_errors == []


def test_reactions_inline(client, live_server, page, section, consultation):
    other = comment_on(section, consultation=consultation, body="<p>Earlier</p>")
    signed_in(page, client, live_server, ProfileFactory().user)
    url = live_server.url + section.url
    page.goto(url)
    agree = f"#reactions-{other.pk} button[data-hub-reaction=agree]"
    page.click(f"[data-hub-paragraph='{other.paragraph_id}'] summary")

    # The request is held back for a moment: meanwhile the buttons cannot be pressed again.
    held = []

    def hold(route):
        held.append(route)

    page.route("**/react/", hold)
    page.click(agree)
    page.wait_for_function(f"document.querySelector('{agree}').disabled")
    assert page.locator(f"#reactions-{other.pk} button[data-hub-reaction=disagree]").is_disabled()
    held[0].continue_()
    page.unroute("**/react/")
    page.wait_for_selector(f"{agree}[aria-pressed=true][value=none]:not([disabled])")
    assert page.locator(agree).inner_text().endswith("1")
    assert Reaction.objects.get(comment=other).value == "agree"
    assert page.evaluate("document.activeElement.dataset.hubReaction") == "agree"

    # Pressed again, it takes the reaction back; the other button changes it.
    page.click(agree)
    page.wait_for_selector(f"{agree}[aria-pressed=false][value=agree]")
    assert not Reaction.objects.filter(comment=other).exists()
    page.dblclick(f"#reactions-{other.pk} button[data-hub-reaction=disagree]")
    page.wait_for_selector(
        f"#reactions-{other.pk} button[data-hub-reaction=disagree][aria-pressed=true]"
    )
    page.wait_for_load_state("networkidle")
    assert list(Reaction.objects.filter(comment=other).values_list("value", flat=True)) == [
        "disagree"
    ]
    assert page.url == url
    assert page.js_errors == []


def test_comment_without_javascript(client, live_server, no_js_page, section, consultation):
    pid = paragraph_ids(section)[1]
    signed_in(no_js_page, client, live_server, ProfileFactory().user)
    no_js_page.goto(live_server.url + section.url)
    no_js_page.click(f"a[data-hub-comment='{pid}']")
    assert "/comment/?paragraph=" in no_js_page.url
    no_js_page.fill("textarea[name=body]", "Without script")
    no_js_page.click("button:text('Post comment')")
    assert no_js_page.url.endswith(f"{section.url}?paragraph={pid}#p-{pid}")
    assert no_js_page.locator(f"#p-{pid} >> text=Without script").is_visible()
    assert no_js_page.locator("text=Your comment has been posted.").is_visible()


CHECKS = Path(__file__).parent / "checks"


def check(page, name, *args):
    """Run the page check in checks/<name>.js (a function) in the page."""
    return page.evaluate((CHECKS / f"{name}.js").read_text(), *args)


def test_every_text_in_the_comments_meets_contrast(
    client, live_server, page, section, consultation
):
    from consultation.models import Status

    pid = paragraph_ids(section)[0]
    author = ProfileFactory(display_name="Pat Author").user
    published = comment_on(section, consultation=consultation, paragraph_id=pid)
    for status in (Status.WITHDRAWN, Status.HIDDEN):
        gone = comment_on(section, consultation=consultation, paragraph_id=pid, status=status)
        comment_on(section, consultation=consultation, parent=gone)
    own = comment_on(
        section, consultation=consultation, paragraph_id=pid, author=author, status=Status.HIDDEN
    )
    own.status_reason = "Off topic"
    own.save()
    comment_on(
        section, consultation=consultation, paragraph_id=pid, author=author, status=Status.PENDING
    )
    signed_in(page, client, live_server, author)
    # Highlighted as the target of a link, too.
    for target in ("", f"#{published.anchor}", f"#{own.anchor}"):
        page.goto(f"{live_server.url}{section.url}?paragraph={pid}{target}")
        found = check(page, "contrast", ".hub-comment")
        texts = " ".join(item["text"] for item in found).lower()
        assert "withdrawn by its author" in texts and "hidden by a moderator" in texts
        low = [item for item in found if item["ratio"] < 4.5]
        assert not low, (target, low)


def test_forms_opened_inline_have_ids_of_their_own(
    client, live_server, page, section, consultation
):
    first, second = paragraph_ids(section)
    other = comment_on(section, consultation=consultation, paragraph_id=first)
    signed_in(page, client, live_server, ProfileFactory().user)
    page.goto(live_server.url + section.url)
    for pid in (first, second):
        page.click(f"a[data-hub-comment='{pid}']")
        page.locator(f"[data-hub-paragraph='{pid}'] textarea").wait_for()
    page.click("a[data-hub-comment='']")
    page.locator("#section-comments textarea").wait_for()
    page.click(f"[data-hub-paragraph='{first}'] summary")
    page.click(f"#comment-{other.pk} a[data-hub-reply]")
    page.locator(f"#comment-{other.pk} textarea").wait_for()
    problems = check(page, "form_ids")
    assert problems == [4, []]
    # A label takes the reader to its own form's text box.
    page.click(f"#comment-{other.pk} label")
    assert page.evaluate("document.activeElement.closest('[data-comment-id]').id") == (
        f"comment-{other.pk}"
    )
    assert page.js_errors == []
