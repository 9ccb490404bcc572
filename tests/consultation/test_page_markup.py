"""The markup of the commenting pages, as assistive technology reads it: every id unique
with several comment and reply forms open on one page, labels and hints pointing at their
own form's field, the error summary first in the main content, no form inside another, a
quoted comment without controls that would leave the form, and reactions that come back to
the page they were on (never to an address that takes only POST)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from consultation.models import Comment
from tests.support.consultation_factories import comment_on, paragraph_ids
from tests.support.factories import ProfileFactory
from tests.support.markup import first_text_in_main, id_problems, inside, soup_of

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

FRAGMENT = {"HTTP_X_HUB_FRAGMENT": "1"}


def form_url(consultation, section, paragraph="section"):
    url = reverse(
        "consultation:comment_create", kwargs={"slug": consultation.slug, "section_id": section.pk}
    )
    return f"{url}?paragraph={paragraph}"


@pytest.fixture
def comments(section, consultation, other_stakeholder):
    first, second = paragraph_ids(section)
    return [
        comment_on(section, consultation=consultation, author=other_stakeholder, paragraph_id=pid)
        for pid in (first, second)
    ]


def test_several_open_forms_on_one_page_have_ids_of_their_own(
    client, section, consultation, stakeholder, comments
):
    client.force_login(stakeholder)
    page = client.get(section.url).content.decode()
    # What the page script puts in place when a reader opens every form it offers: a
    # comment form under each paragraph and for the whole section, a reply form under
    # each comment, one of them sent empty and back with its errors.
    urls = [form_url(consultation, section, pid) for pid in paragraph_ids(section)]
    urls += [form_url(consultation, section), *(comment.reply_url for comment in comments)]
    fragments = [client.get(url, **FRAGMENT) for url in urls]
    assert [fragment.status_code for fragment in fragments] == [200] * len(urls)
    errors = client.post(comments[0].reply_url, {"body": ""}, **FRAGMENT)
    assert errors.status_code == 422
    opened = [fragment.content.decode() for fragment in fragments[:-2]]
    opened += [errors.content.decode(), fragments[-1].content.decode()]
    html = page.replace("</main>", "".join(opened) + "</main>")

    assert id_problems(html) == []
    soup = soup_of(html)
    textareas = soup.find_all("textarea", attrs={"name": "body"})
    assert len(textareas) == len(urls)
    for textarea in textareas:
        form = textarea.find_parent("form")
        label = soup.find("label", attrs={"for": textarea["id"]})
        assert label is not None and label.find_parent("form") is form
        for ref in textarea["aria-describedby"].split():
            assert soup.find(id=ref).find_parent("form") is form
    # The error summary of the form sent back links to that form's field.
    summary = soup_of(errors.content.decode()).select_one(".nhsuk-error-summary a")
    assert summary["href"] == f"#reply-{comments[0].pk}-body"
    assert soup.find(id=f"reply-{comments[0].pk}-body").name == "textarea"


def pages_without_javascript(client, section, consultation, topic, comment, stakeholder):
    """Every page of the commenting journey a reader without JavaScript goes through, with
    the form pages sent back with errors."""
    pid = paragraph_ids(section)[0]
    own = comment_on(section, consultation=consultation, author=stakeholder, paragraph_id=pid)
    list_url = reverse(
        "consultation:section_comments",
        kwargs={"slug": consultation.slug, "section_id": section.pk, "paragraph": pid},
    )
    thread_url = reverse("consultation:thread_create", args=[consultation.slug, topic.pk])
    return {
        "section page": (client.get(section.url), False),
        "paragraph list": (client.get(list_url), False),
        "conversation": (client.get(comment.get_absolute_url()), False),
        "contributions": (client.get(reverse("consultation:my_contributions")), False),
        "comment form": (client.post(form_url(consultation, section, pid), {"body": ""}), True),
        "reply form": (client.post(comment.reply_url, {"body": ""}), True),
        "edit form": (client.post(own.edit_url, {"body": " "}), True),
        "report form": (client.post(comment.flag_url, {"reason": ""}), True),
        "discussion form": (client.post(thread_url, {"title": "", "body": ""}), True),
    }


def test_pages_without_javascript_have_sound_ids_and_the_error_summary_first(
    client, section, consultation, topic, comments, stakeholder
):
    client.force_login(stakeholder)
    pages = pages_without_javascript(client, section, consultation, topic, comments[0], stakeholder)
    for name, (response, has_errors) in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        assert id_problems(html) == [], name
        assert "{#" not in html and "{%" not in html, name  # no template text shown
        first = first_text_in_main(html)
        # With errors, the summary opens the main content: above the heading and above
        # the quoted paragraph or comment.
        assert inside(first, "nhsuk-error-summary") == has_errors, (name, first)


def test_moderation_forms_put_the_error_summary_first(client, comments, moderator, stakeholder):
    client.force_login(moderator)
    for url, data in (
        (comments[0].moderation_url, {"action": "hide", "reason": ""}),
        (reverse("consultation:participant", args=[stakeholder.pk]), {"do": "block"}),
    ):
        html = client.post(url, data).content.decode()
        assert inside(first_text_in_main(html), "nhsuk-error-summary"), url
        assert id_problems(html) == [], url


def quoted_comment(html, comment):
    soup = soup_of(html)
    return soup.find(id=comment.anchor), soup.find("main").find_all("form")


def test_the_reply_page_has_one_form_so_nothing_typed_is_lost(client, comments, stakeholder):
    comment = comments[0]
    client.force_login(stakeholder)
    item, forms = quoted_comment(client.get(comment.reply_url).content.decode(), comment)
    # Agree, Disagree or Report beside the quoted comment would leave the page and the reply
    # being typed: the quoted comment is there to read, with its counts as text.
    assert item is not None and "hub-comment__body" in str(item)
    assert item.find("form") is None and item.find("button") is None
    assert not item.select(".hub-comment__actions")
    assert [form.get("action") for form in forms] == [comment.reply_url]


def test_the_report_page_quotes_the_comment_without_its_controls(
    client, comments, stakeholder, moderator
):
    comment = comments[0]
    comment_on(comment.section, consultation=comment.consultation, parent=comment)
    client.force_login(stakeholder)
    html = client.get(comment.flag_url).content.decode()
    item, forms = quoted_comment(html, comment)
    assert item is not None and "hub-comment__body" in str(item)
    for control in (comment.react_url, comment.reply_url, comment.flag_url, "Report<span"):
        assert control not in str(item), control
    assert [form.get("action") for form in forms] == [None]  # the report form itself


def test_a_reaction_comes_back_to_the_page_it_was_on(client, section, comments, stakeholder):
    comment = comments[0]
    client.force_login(stakeholder)
    page_url = f"{section.url}?paragraph={comment.paragraph_id}"
    page = soup_of(client.get(page_url).content.decode())
    sent_from = page.select_one(f"#reactions-{comment.pk} input[name=next]")["value"]
    assert sent_from == f"{page_url}#{comment.anchor}"

    # The fragment the page script puts in place keeps that page as the way back: a
    # later press without the script must not land on the POST-only reaction address.
    fragment = client.post(
        comment.react_url, {"reaction": "agree", "next": sent_from}, **FRAGMENT
    ).content.decode()
    again = soup_of(fragment).select_one("input[name=next]")["value"]
    assert again == sent_from and "/react/" not in again
    plain = client.post(comment.react_url, {"reaction": "disagree", "next": again})
    assert plain.status_code == 302 and plain["Location"] == sent_from

    # Without a way back given, the fragment names the comment's conversation.
    bare = client.post(comment.react_url, {"reaction": "none"}, **FRAGMENT).content.decode()
    fallback = soup_of(bare).select_one("input[name=next]")["value"]
    assert fallback == f"{comment.get_absolute_url()}#{comment.anchor}"


def test_signing_in_to_react_returns_to_the_page_not_the_reaction_address(
    client, section, comments
):
    comment = comments[0]
    back = f"{section.url}#{comment.anchor}"
    response = client.post(comment.react_url, {"reaction": "agree", "next": back})
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == reverse("account_login")
    assert parse_qs(target.query)["next"] == [back]

    unfinished = ProfileFactory(completed_at=None).user
    client.force_login(unfinished)
    refused = soup_of(
        client.post(comment.react_url, {"reaction": "agree", "next": back}).content.decode()
    )
    link = refused.find("main").find("a", string="Complete your profile")
    assert parse_qs(urlsplit(link["href"]).query)["next"] == [back]
    assert not Comment.objects.filter(reactions__isnull=False).exists()
