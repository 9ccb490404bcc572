"""What a person typed is kept beside the HTML made from it, by the services (a form, an
import or a questionnaire alike), and everything that needs words reads the text: the edit
form, emails, excerpts. Comments written before the text was kept get it once, from their
HTML, in the data migration."""

import html
import importlib
import re

import pytest
from django.apps import apps

from consultation.models import Comment, CommentEdit
from consultation.services import comments as comment_services
from tests.support.consultation_factories import comment_on, paragraph_ids

pytestmark = pytest.mark.django_db

TYPED = "  We need **clear** rules:\r\n- one\r\n- two\u200b\n\n> as *they* said  "
KEPT = "We need **clear** rules:\n- one\n- two\n\n> as *they* said"
HTML = (
    "<p>We need <strong>clear</strong> rules:</p><ul><li>one</li><li>two</li></ul>"
    "<blockquote><p>as <em>they</em> said</p></blockquote>"
)


def test_the_service_keeps_the_text_beside_the_html(section, consultation, stakeholder):
    comment, _ = comment_services.comment_create(
        author=stakeholder,
        consultation=consultation,
        section=section,
        paragraph_id=paragraph_ids(section)[0],
        text=TYPED,
    )
    assert (comment.text, comment.body) == (KEPT, HTML)
    with pytest.raises(comment_services.NothingWritten):
        comment_services.reply_create(author=stakeholder, parent=comment, text=" \u200b\n ")


def test_posting_the_form_stores_what_was_typed(client, section, consultation, stakeholder):
    client.force_login(stakeholder)
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"
    client.post(url, {"body": TYPED, "key": "typed", "paragraph": "section"})
    comment = Comment.objects.get()
    assert (comment.text, comment.body) == (KEPT, HTML)


def test_the_edit_form_starts_from_the_text_and_keeps_the_earlier_one(
    client, section, consultation, stakeholder
):
    comment, _ = comment_services.comment_create(
        author=stakeholder, consultation=consultation, section=section, paragraph_id="", text=TYPED
    )
    client.force_login(stakeholder)
    page = client.get(comment.edit_url).content.decode()
    box = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)
    assert html.unescape(box).removeprefix("\n") == KEPT
    client.post(comment.edit_url, {"body": "* Now a list", "key": "k"})
    comment.refresh_from_db()
    assert (comment.text, comment.body) == ("* Now a list", "<ul><li>Now a list</li></ul>")
    earlier = CommentEdit.objects.get(comment=comment)
    assert (earlier.text, earlier.body) == (KEPT, HTML)


def test_the_limit_counts_the_text_as_typed(client, section, consultation, stakeholder, settings):
    settings.CONSULTATION_MAX_CHARACTERS = 10
    client.force_login(stakeholder)
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"
    page = client.post(url, {"body": "**123456**", "key": "a"}).content.decode()
    assert Comment.objects.count() == 1, page  # ten characters as typed
    page = client.post(url, {"body": "**1234567**", "key": "b"}).content.decode()
    assert "Your comment is 11 characters long." in page
    assert Comment.objects.count() == 1


def test_the_data_migration_fills_the_text_of_earlier_comments(section, consultation):
    earlier = comment_on(section, consultation=consultation, body=HTML)
    purged = comment_on(section, consultation=consultation, body="")
    CommentEdit.objects.create(
        comment=earlier, body="<p>First <em>go</em></p>", written_at=earlier.created_at,
        replaced_at=earlier.created_at,
    )  # fmt: skip
    Comment.objects.update(text="")
    migration = importlib.import_module("consultation.migrations.0009_comment_text")
    migration.fill_text(apps, None)
    earlier.refresh_from_db()
    purged.refresh_from_db()
    assert earlier.text == "We need **clear** rules:\n\n- one\n- two\n\n> as *they* said"
    assert purged.text == ""
    assert CommentEdit.objects.get().text == "First *go*"
