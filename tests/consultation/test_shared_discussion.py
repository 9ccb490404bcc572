"""A section's discussion and a conversation read once per generation of the page cache and
shared between readers (consultation.selectors.sections and .threads, consultation.fragments),
through HTTP with the anonymous page cache off: every kind of write reaches every reader at
once, and no reader ever sees another's words waiting for a moderator, their controls
(edit, withdraw), their reactions, their CSRF token or a moderator's view."""

import datetime
import re
import time

import pytest
from django.utils import timezone

from consultation.models import AuditAction, ModerationMode, Reaction, Status
from hub.accounts.rules import MODERATORS
from tests.support import factories
from tests.support.clients import SignedInClient as Client
from tests.support.consultation_factories import ConsultationFactory, comment_on, paragraph_ids
from tests.support.factories import in_group, with_mfa
from tests.support.pages import publish

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# What a signed-in participant may do with someone else's published comment, and with their
# own: the links and buttons each comment's actions show.
OTHERS_CONTROLS = ("Reply<span", "Report<span")
OWN_CONTROLS = ("Edit<span", "Withdraw<span")
# The anonymous page cache is off in the tests (PAGE_CACHE_SECONDS = 0): what is shared here
# is the discussion kept for a generation, whoever reads it.


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def author():
    return factories.ProfileFactory(display_name="Shared Author").user


@pytest.fixture
def reader():
    return factories.ProfileFactory(display_name="Another Reader").user


@pytest.fixture
def moderator():
    return with_mfa(in_group(factories.ProfileFactory().user, MODERATORS))


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def comment_block(html, comment):
    """The markup of one comment on a page (its <li>, up to the next comment)."""
    start = html.index(f'id="{comment.anchor}"')
    end = html.find('class="hub-comment ', start)
    return html[start : end if end != -1 else None]


@pytest.fixture
def comment_url(consultation, section):
    from consultation.selectors.sections import comment_form_url

    return comment_form_url(consultation, section, paragraph_ids(section)[0])


def decide(moderator, comment, action, reason="Not for here"):
    response = client_for(moderator).post(
        f"/consultation/moderation/items/{comment.pk}/", {"action": action, "reason": reason}
    )
    assert response.status_code in (200, 302), response.status_code


def pages_of(section, comment):
    return (section.url, comment.get_absolute_url())


def test_every_write_reaches_every_reader_at_once(
    section, consultation, author, reader, moderator, comment_url
):
    readers = {"visitor": client_for(None), "reader": client_for(reader)}
    for client in readers.values():
        html_of(client, section.url)  # the discussion is kept from here on
    writer = client_for(author)
    pid = paragraph_ids(section)[0]
    response = writer.post(
        comment_url, {"body": "Distinctive first words", "key": "one", "paragraph": pid}
    )
    assert response.status_code == 302
    comment = consultation.comments.get()
    for name, client in readers.items():
        for url in pages_of(section, comment):
            assert "Distinctive first words" in html_of(client, url), (name, url)

    # A reaction changes the counts everyone sees.
    response = readers["reader"].post(
        comment.react_url, {"reaction": Reaction.Value.AGREE, "next": section.url}
    )
    assert response.status_code == 302
    for name, client in readers.items():
        for url in pages_of(section, comment):
            block = comment_block(html_of(client, url), comment)
            assert re.search(r"hub-reaction__count\">1<|>1 agree<", block), (name, url)

    # An edit shows its new words.
    response = writer.post(comment.edit_url, {"body": "Distinctive second words"})
    assert response.status_code == 302
    for name, client in readers.items():
        for url in pages_of(section, comment):
            html = html_of(client, url)
            assert "Distinctive second words" in html, (name, url)
            assert "Distinctive first words" not in html, (name, url)

    # A moderator hides it, then approves it again.
    decide(moderator, comment, AuditAction.HIDE)
    for name, client in readers.items():
        for url in pages_of(section, comment):
            html = html_of(client, url)
            assert "Distinctive second words" not in html, (name, url)
            assert "This was hidden by a moderator." in html, (name, url)
    decide(moderator, comment, AuditAction.APPROVE, reason="")
    for name, client in readers.items():
        assert "Distinctive second words" in html_of(client, section.url), name

    # Its author withdraws it.
    response = writer.post(comment.withdraw_url)
    assert response.status_code == 302
    for name, client in readers.items():
        for url in pages_of(section, comment):
            html = html_of(client, url)
            assert "Distinctive second words" not in html, (name, url)
            assert "This was withdrawn by its author." in html, (name, url)


def test_premoderated_words_reach_only_their_author_and_moderators_until_approved(
    section, consultation, author, reader, moderator, comment_url
):
    consultation.moderation = ModerationMode.PRE
    consultation.save()
    visitor, other, writer, moderating = (
        client_for(user) for user in (None, reader, author, moderator)
    )
    for client in (visitor, other):
        html_of(client, section.url)
    pid = paragraph_ids(section)[0]
    writer.post(comment_url, {"body": "Words waiting their turn", "key": "w", "paragraph": pid})
    waiting = consultation.comments.get()
    assert waiting.status == Status.PENDING
    # In every order of reading: whoever reads first, nobody else gets their view.
    for order in ((writer, moderating, visitor, other), (visitor, other, moderating, writer)):
        seen = {client: html_of(client, section.url) for client in order}
        assert "Words waiting their turn" in seen[writer]
        assert "Waiting for a moderator: only you" in seen[writer]
        assert "Words waiting their turn" in seen[moderating]
        assert waiting.moderation_url in seen[moderating]
        for client in (visitor, other):
            assert "Words waiting their turn" not in seen[client]
            assert waiting.moderation_url not in seen[client]
            assert "Waiting for a moderator" not in seen[client]
    decide(moderator, waiting, AuditAction.APPROVE, reason="")
    for client in (visitor, other):
        assert "Words waiting their turn" in html_of(client, section.url)


def test_no_reader_gets_another_readers_controls_reactions_or_token(
    section, consultation, author, reader
):
    comment = comment_on(
        section, consultation=consultation, author=author, body="<p>Words with controls.</p>"
    )
    others_comment = comment_on(
        section, consultation=consultation, author=reader, body="<p>The other's words.</p>"
    )
    third = factories.ProfileFactory().user
    Reaction.objects.create(comment=others_comment, user=author, value=Reaction.Value.AGREE)
    clients = {
        "author": client_for(author),
        "reader": client_for(reader),
        "third": client_for(third),
        "visitor": client_for(None),
    }
    for order in (list(clients), list(reversed(clients))):
        for url in pages_of(section, comment):
            seen = {name: html_of(clients[name], url) for name in order}
            own = comment_block(seen["author"], comment)
            assert all(control in own for control in OWN_CONTROLS), url
            for name in ("reader", "third", "visitor"):
                block = comment_block(seen[name], comment)
                assert not any(control in block for control in OWN_CONTROLS), (name, url)
            for name in ("reader", "third"):
                block = comment_block(seen[name], comment)
                assert all(control in block for control in OTHERS_CONTROLS), (name, url)
            block = comment_block(seen["visitor"], comment)
            assert not any(control in block for control in OTHERS_CONTROLS), url
            tokens = {name: set(TOKEN.findall(html)) for name, html in seen.items()}
            for name, found in tokens.items():
                others = set().union(*(t for n, t in tokens.items() if n != name))
                assert not found & others, (name, url)
        # The author's agreement shows as theirs to them only.
        seen = {name: html_of(clients[name], section.url) for name in order}
        pressed = 'data-hub-reaction="agree" aria-pressed="true"'
        assert pressed in comment_block(seen["author"], others_comment)
        for name in ("third", "visitor"):
            assert pressed not in comment_block(seen[name], others_comment), name


def test_a_moderators_view_never_reaches_a_participant(
    section, consultation, author, reader, moderator
):
    hidden = comment_on(
        section,
        consultation=consultation,
        author=author,
        body="<p>Hidden distinctive words.</p>",
        status=Status.HIDDEN,
    )
    moderating, other, visitor = client_for(moderator), client_for(reader), client_for(None)
    for order in ((moderating, other, visitor), (other, visitor, moderating)):
        for url in pages_of(section, hidden):
            seen = {client: html_of(client, url) for client in order}
            assert "Hidden distinctive words." in seen[moderating]
            for client in (other, visitor):
                assert "Hidden distinctive words." not in seen[client], url
                assert hidden.moderation_url not in seen[client], url
                assert "This was hidden by a moderator." in seen[client], url


def test_a_consultation_closing_ends_the_controls_at_once(section, author, reader):
    # Long enough for the first read on a busy machine; nothing is saved when it closes.
    soon = timezone.now() + datetime.timedelta(seconds=5)
    closing = ConsultationFactory(opens_at=soon - datetime.timedelta(days=3), closes_at=soon)
    closing.sections.add(section)
    comment = comment_on(section, consultation=closing, author=author, body="<p>Before.</p>")
    other = client_for(reader)
    assert "Reply<span" in comment_block(html_of(other, section.url), comment)
    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.1)
    html = html_of(other, section.url)
    assert "Reply<span" not in comment_block(html, comment)
    assert "closed on" in html


def test_an_editor_closing_or_reopening_a_consultation_shows_at_once(
    section, consultation, author, reader
):
    comment = comment_on(section, consultation=consultation, author=author, body="<p>Open.</p>")
    other = client_for(reader)
    assert "Reply<span" in comment_block(html_of(other, section.url), comment)
    closes_at = consultation.closes_at
    consultation.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    consultation.save()
    assert "Reply<span" not in comment_block(html_of(other, section.url), comment)
    consultation.closes_at = closes_at
    consultation.save()
    assert "Reply<span" in comment_block(html_of(other, section.url), comment)
    consultation.comments_public = False
    consultation.save()
    assert "<p>Open.</p>" not in html_of(client_for(None), section.url)


def test_republishing_the_section_shows_at_once(section, consultation, reader):
    first, _second = paragraph_ids(section)
    comment = comment_on(section, consultation=consultation, paragraph_id=first, body="<p>On.</p>")
    other = client_for(reader)
    assert "made on" not in comment_block(html_of(other, section.url), comment)
    raw = section.body.raw_data
    raw[0]["value"] = "<p>First paragraph, rewritten.</p>"
    section.body = raw
    publish(section)
    assert "made on" in comment_block(html_of(other, section.url), comment)
    section.body = section.body.raw_data[1:]
    publish(section)
    assert "Comments on text no longer in this version" in html_of(other, section.url)


def test_a_name_changed_shows_at_once(section, consultation, author):
    comment_on(section, consultation=consultation, author=author, body="<p>Named.</p>")
    visitor = client_for(None)
    assert "Shared Author" in html_of(visitor, section.url)
    author.profile.show_name = False
    author.profile.save()
    html = html_of(visitor, section.url)
    assert "Shared Author" not in html and "A participant" in html


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_kept_discussion_asks_no_more_queries_than_the_first_read(
    section, consultation, author, reader, signed_in, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(12):
        comment = comment_on(section, consultation=consultation, author=author)
        comment_on(section, consultation=consultation, parent=comment, author=author)
    client = client_for(reader if signed_in else None)
    for url in pages_of(section, comment):
        with CaptureQueriesContext(connection) as first:
            html_of(client, url)
        with CaptureQueriesContext(connection) as again:
            html_of(client, url)
        assert len(again) < len(first), url
        comments_read = [q for q in again.captured_queries if "consultation_comment" in q["sql"]]
        assert not comments_read, url
