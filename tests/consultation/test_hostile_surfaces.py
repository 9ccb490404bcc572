"""The hostile markup corpus (tests/support/hostile.py) on the surfaces test_sanitising.py
does not walk: the HTML fragments the page script asks for (header X-Hub-Fragment: 1), the
edit form's pre-filled text box, the moderation queue and item pages, the audit log, and
the notification emails (reply and decision, HTML and plain text). Nothing executable may
appear unescaped.

Where HTTP is not the point the corpus is written through the services (as the forms would
hand it over); a representative subset is posted through HTTP."""

import html as html_lib
import re

import pytest
from django.urls import reverse

from consultation import formatting
from consultation.models import Comment, CommentEdit, Status
from consultation.services import comments as comment_services
from consultation.services import moderation as moderation_services
from hub.core.models import AuditEntry
from hub.core.sanitise import sanitise_plain
from tests.support.consultation_factories import ConsultationFactory, paragraph_ids
from tests.support.hostile import HOSTILE_MARKUP as HOSTILE
from tests.support.inert_html import (
    comment_bodies,
    elements,
    problems_in_page,
    problems_in_user_html,
    tag_counts,
)
from tests.support.notification_factories import parts

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

FRAGMENT = {"X-Hub-Fragment": "1"}
# Every fourth input, every one that tries to close the element it is shown in, the data:
# URLs and the direction-changing characters.
SUBSET = [
    text
    for number, text in enumerate(HOSTILE)
    if number % 4 == 0 or re.search("</(textarea|title|noscript)|\"><|'><|data:|\u202e", text)
]
TEXTAREA = re.compile(r"<textarea\b[^>]*>(.*?)</textarea>", re.S)


def test_the_subset_is_representative():
    assert len(HOSTILE) >= 68
    assert 15 <= len(SUBSET) <= 30
    for needle in ("<script", "onerror", "javascript:", "data:text", "</textarea>", "\u202e"):
        assert any(needle in text for text in SUBSET), needle


def write_corpus(*, author, consultation, section, status=Status.PUBLISHED):
    """A comment for every input that leaves something visible, as the form would store
    it; returns [(typed text, comment)]."""
    pid = paragraph_ids(section)[0]
    written = []
    for number, text in enumerate(HOSTILE):
        body = formatting.to_html(text)
        if not body:
            continue
        comment, _created = comment_services.comment_create(
            author=author,
            consultation=consultation,
            section=section,
            paragraph_id=pid,
            text=text,
            idempotency_key=f"corpus-{number}",
        )
        if status != Status.PUBLISHED:
            comment.status = status
            comment.save(update_fields=["status"])
        written.append((text, comment))
    assert len(written) >= len(HOSTILE) - 1
    return written


def plain_comment(*, author, consultation, section, text="x", paragraph_id=""):
    """A harmless comment written through the service: the baseline a hostile one is
    compared with."""
    return comment_services.comment_create(
        author=author,
        consultation=consultation,
        section=section,
        paragraph_id=paragraph_id,
        text=text,
    )[0]


def inert(html, baseline=None):
    """Problems in a page or fragment, and in every comment body it shows."""
    found = problems_in_page(html, baseline or {})
    for body in comment_bodies(html):
        found += problems_in_user_html(body)
    return found


def textarea_value(html):
    """The text box's content as the browser will show it: escaped in the markup (no raw
    "<" at all, so it cannot be closed early), and the one text box of the form."""
    boxes = TEXTAREA.findall(html)
    assert len(boxes) == 1, boxes
    raw = boxes[0]
    assert "<" not in raw, raw
    return html_lib.unescape(raw).removeprefix("\n")


# ---------------------------------------------------------------------------------------
# The fragments the page script asks for


def test_fragments_answered_to_the_page_script(
    client, section, consultation, user, other_stakeholder
):
    pid = paragraph_ids(section)[0]
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/?paragraph={pid}"
    client.force_login(user)
    form = client.get(url, headers=FRAGMENT)
    assert form.status_code == 200
    assert "<html" not in form.content.decode()  # a fragment, not a page
    assert not inert(form.content.decode())

    failures = []
    posted = []
    for number, text in enumerate(SUBSET):
        response = client.post(url, {"body": text, "key": f"f-{number}"}, headers=FRAGMENT)
        fragment = response.content.decode()
        if response.status_code != 201 or "hub-comment__body" not in fragment:
            failures.append((text, "comment", response.status_code))
            continue
        failures += [(text, "comment fragment", p) for p in inert(fragment)]
        posted.append(Comment.objects.get(author=user, idempotency_key=f"f-{number}"))

    client.force_login(other_stakeholder)
    for number, (text, parent) in enumerate(zip(SUBSET, posted, strict=False)):
        reply_form = client.get(parent.reply_url, headers=FRAGMENT).content.decode()
        failures += [(text, "reply form fragment", p) for p in inert(reply_form)]
        response = client.post(
            parent.reply_url, {"body": text, "key": f"r-{number}"}, headers=FRAGMENT
        )
        if response.status_code != 201:
            failures.append((text, "reply", response.status_code))
        failures += [(text, "reply fragment", p) for p in inert(response.content.decode())]
        reaction = client.post(parent.react_url, {"reaction": "agree"}, headers=FRAGMENT)
        if reaction.status_code != 200:
            failures.append((text, "reaction", reaction.status_code))
        failures += [(text, "reaction fragment", p) for p in inert(reaction.content.decode())]
    assert not failures, failures
    assert len(posted) == len(SUBSET)


def test_the_form_fragment_keeps_what_was_typed_inert(
    client, section, consultation, user, settings
):
    """A refused comment comes back as the form (422) with the text kept in the box."""
    settings.CONSULTATION_MAX_CHARACTERS = 5
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"
    client.force_login(user)
    failures = []
    for number, text in enumerate(SUBSET):
        response = client.post(url, {"body": text, "key": f"e-{number}"}, headers=FRAGMENT)
        fragment = response.content.decode()
        if response.status_code != 422:
            failures.append((text, response.status_code))
            continue
        failures += [(text, p) for p in inert(fragment)]
        if "\x00" not in text and textarea_value(fragment) != text:
            failures.append((text, "the box does not hold what was typed"))
    assert not failures, failures
    assert not Comment.objects.exists()


# ---------------------------------------------------------------------------------------
# The edit form


def test_the_edit_form_shows_the_stored_words_as_text(client, section, consultation, user):
    written = write_corpus(author=user, consultation=consultation, section=section)
    client.force_login(user)
    baseline_comment = plain_comment(
        author=user, consultation=consultation, section=section, text="Plain words"
    )
    baseline = tag_counts(client.get(baseline_comment.edit_url).content.decode())
    failures = []
    for text, comment in written:
        response = client.get(comment.edit_url)
        page = response.content.decode()
        if response.status_code != 200:
            failures.append((text, response.status_code))
            continue
        failures += [(text, p) for p in problems_in_page(page, baseline)]
        if textarea_value(page) != comment.text:
            failures.append((text, "the box does not hold the stored words"))
    assert not failures, failures


def test_editing_with_hostile_words(client, section, consultation, user):
    """Posted through HTTP: the new words are stored as safely as new comments."""
    written = write_corpus(author=user, consultation=consultation, section=section)
    client.force_login(user)
    plain = plain_comment(author=user, consultation=consultation, section=section)
    baseline = tag_counts(client.get(plain.get_absolute_url()).content.decode())
    failures = []
    for number, text in enumerate(SUBSET):
        comment = written[-1 - number][1]
        response = client.post(comment.edit_url, {"body": text})
        if response.status_code != 302:
            failures.append((text, response.status_code))
            continue
        comment.refresh_from_db()
        failures += [(text, p) for p in problems_in_user_html(comment.body)]
        permalink = client.get(comment.get_absolute_url()).content.decode()
        failures += [(text, "permalink", p) for p in inert(permalink, baseline)]
    assert not failures, failures
    assert CommentEdit.objects.count() == len(SUBSET)


# ---------------------------------------------------------------------------------------
# Moderation pages


@pytest.fixture
def hostile_moderation(section, consultation, user, other_stakeholder, moderator):
    """The corpus waiting for approval, and again published with hostile reports (notes)
    and earlier texts (edits); plus some hidden ones with hostile reasons. And one plain
    item with a report, an earlier text and a decision: the tags of a harmless item page."""
    plain = plain_comment(author=other_stakeholder, consultation=consultation, section=section)
    moderation_services.flag_create(user=user, comment=plain, reason="abuse", note="Rude")
    CommentEdit.objects.create(
        comment=plain, body="<p>y</p>", written_at=plain.created_at, replaced_at=plain.created_at
    )
    moderation_services.decision_create(
        moderator=moderator, comment=plain, action="hide", reason="Rude"
    )
    waiting = write_corpus(
        author=user, consultation=consultation, section=section, status=Status.PENDING
    )
    reported = write_corpus(author=other_stakeholder, consultation=consultation, section=section)
    for (text, comment), (earlier, _) in zip(reported, reversed(reported), strict=True):
        moderation_services.flag_create(
            user=user, comment=comment, reason="abuse", note=sanitise_plain(text)[:500]
        )
        CommentEdit.objects.create(
            comment=comment,
            body=formatting.to_html(earlier) or "<p>x</p>",
            written_at=comment.created_at,
            replaced_at=comment.created_at,
        )
    for (_text, comment), reason in zip(reported, SUBSET, strict=False):
        moderation_services.decision_create(
            moderator=moderator, comment=comment, action="hide", reason=sanitise_plain(reason)
        )
    return {"waiting": waiting, "reported": reported, "plain": plain}


def test_the_moderation_queue_and_items(client, moderator, hostile_moderation):
    client.force_login(moderator)
    queue_url = reverse("consultation:moderation")
    empty = ConsultationFactory()  # the queue of a consultation without comments
    baseline = tag_counts(client.get(queue_url, {"consultation": empty.pk}).content.decode())
    failures = []
    for queue in ("waiting", "flagged", "hidden"):
        for page_number in (1, 2, 3):
            response = client.get(queue_url, {"queue": queue, "page": page_number})
            assert response.status_code == 200
            failures += [
                (queue, page_number, p) for p in inert(response.content.decode(), baseline)
            ]
    # The first half of the reported items: each shows one input as its text, another as
    # its earlier text (together the whole corpus), a report note and, for some, the
    # moderator's reason in its history. Plus a few waiting ones.
    reported = hostile_moderation["reported"]
    items = reported[: (len(reported) + 1) // 2] + hostile_moderation["waiting"][::10]
    plain_item = client.get(hostile_moderation["plain"].moderation_url).content.decode()
    item_baseline = tag_counts(plain_item)
    for text, comment in items:
        response = client.get(comment.moderation_url)
        assert response.status_code == 200
        failures += [(text, "item", p) for p in inert(response.content.decode(), item_baseline)]
    log = client.get(reverse("consultation:audit_log")).content.decode()
    failures += [("audit log", p) for p in inert(log, baseline)]
    assert not failures, failures


def test_hostile_reports_and_reasons_through_http(
    client, section, consultation, user, other_stakeholder, moderator
):
    """Report notes and moderators' reasons are typed text too: posted through HTTP, they
    are shown inert in the moderation pages, the log, and to the author."""
    plain = plain_comment(author=other_stakeholder, consultation=consultation, section=section)
    urls = {
        "log": reverse("consultation:audit_log"),
        "hidden queue": reverse("consultation:moderation") + "?queue=hidden",
    }

    def pages(item):
        client.force_login(moderator)
        shown = {name: client.get(url) for name, url in urls.items()}
        shown["item"] = client.get(item.moderation_url)
        client.force_login(other_stakeholder)  # the author sees the reasons
        shown["contributions"] = client.get(reverse("consultation:my_contributions"))
        shown["permalink"] = client.get(item.get_absolute_url())
        for name, response in shown.items():
            assert response.status_code == 200, name
        return {name: response.content.decode() for name, response in shown.items()}

    baselines = {name: tag_counts(html) for name, html in pages(plain).items()}
    written = write_corpus(author=other_stakeholder, consultation=consultation, section=section)
    targets = written[: len(SUBSET)]
    client.force_login(user)
    for (_typed, comment), note in zip(targets, SUBSET, strict=True):
        response = client.post(comment.flag_url, {"reason": "other", "note": note[:500]})
        assert response.status_code == 302, note
    client.force_login(moderator)
    decided = 0
    for (_typed, comment), reason in zip(targets, SUBSET, strict=True):
        response = client.post(comment.moderation_url, {"action": "hide", "reason": reason})
        if sanitise_plain(reason).strip():
            assert response.status_code == 302, reason
            decided += 1
        else:  # nothing but markup: no reason is left, so the form asks for one
            assert "Give a reason: the author is told why." in response.content.decode()
    assert decided >= len(SUBSET) // 2
    # Notes and reasons are plain text (whatever they looked like when typed is now text
    # to escape on display), so what matters is how the pages show them.
    assert AuditEntry.objects.exclude(reason="").count() == len(SUBSET) + decided
    failures = []
    for name, html in pages(targets[0][1]).items():
        failures += [(name, p) for p in inert(html, baselines[name])]
    assert not failures, failures


# ---------------------------------------------------------------------------------------
# Notification emails


def _fenced_reply(text):
    """The reply's words between the ---- lines of the plain-text email."""
    match = re.search(r"\n----\n(.*)\n----\n", text, re.S)
    assert match, text
    return match.group(1)


def _outside(text, words):
    """The plain-text email around the reply's words, its links made alike."""
    return re.sub(r"https?://\S+", "URL", text.replace(words, "WORDS"))


def test_reply_emails(
    section, consultation, user, other_stakeholder, django_capture_on_commit_callbacks, mailoutbox
):
    pid = paragraph_ids(section)[0]
    parent = plain_comment(
        author=user, consultation=consultation, section=section, text="Hi", paragraph_id=pid
    )
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.reply_create(author=other_stakeholder, parent=parent, text="Fine")
    assert len(mailoutbox) == 1
    plain_baseline, html_baseline = parts(mailoutbox[0])
    plain_frame = _outside(plain_baseline, _fenced_reply(plain_baseline))
    baseline = tag_counts(html_baseline)

    replies = []
    with django_capture_on_commit_callbacks(execute=True):
        for number, text in enumerate(HOSTILE):
            body = formatting.to_html(text)
            if body:
                reply, _ = comment_services.reply_create(
                    author=other_stakeholder, parent=parent, text=text, idempotency_key=f"h{number}"
                )
                replies.append(reply)
    messages = mailoutbox[1:]
    assert len(messages) == len(replies) >= len(HOSTILE) - 1
    failures = []
    for reply, message in zip(replies, messages, strict=True):
        plain, html = parts(message)
        words = reply.text
        failures += [(words, "html", p) for p in problems_in_page(html, baseline)]
        quoted = re.search(r"<blockquote[^>]*>(.*?)</blockquote>", html, re.S).group(1)
        for tag, attrs in elements(quoted):
            if tag not in ("p", "br") or attrs:
                failures.append((words, "html", f"<{tag}> from the reply"))
        # The plain text is plain: the words as typed (nothing to run in text/plain), and
        # inside their fence, so they cannot rewrite the rest of the email.
        if _fenced_reply(plain) != words:
            failures.append((words, "text", "not the words as typed"))
        if _outside(plain, words) != plain_frame:
            failures.append((words, "text", "the words changed the email around them"))
        if "\n" in message.subject or "<" in message.subject:
            failures.append((words, "subject", message.subject))
    assert not failures, failures


def test_decision_emails(
    section, consultation, user, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    """The author is told a moderator's reason and shown an excerpt of their words."""
    written = write_corpus(author=user, consultation=consultation, section=section)
    plain = plain_comment(author=user, consultation=consultation, section=section)
    reasons = [*SUBSET, *HOSTILE]
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.decision_create(
            moderator=moderator, comment=plain, action="hide", reason="Off topic"
        )
        for (_text, comment), reason in zip(written, reasons, strict=False):
            moderation_services.decision_create(
                moderator=moderator, comment=comment, action="hide", reason=sanitise_plain(reason)
            )
    assert len(mailoutbox) == len(written) + 1
    baseline = tag_counts(parts(mailoutbox[0])[1])
    failures = []
    for message in mailoutbox[1:]:
        _text, html = parts(message)
        failures += [(message.subject, p) for p in problems_in_page(html, baseline)]
        for quoted in re.findall(r"<blockquote[^>]*>(.*?)</blockquote>", html, re.S):
            for tag, attrs in elements(quoted):
                if tag not in ("p", "br") or attrs:
                    failures.append((message.subject, f"<{tag}> from the words"))
    assert not failures, failures
