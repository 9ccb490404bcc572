"""Comments rendered once and reused (consultation/fragments.py): one reader's view of a
comment (a moderator's, its author's, someone's reaction, their CSRF token) never reaches
another reader, and a change to a comment reaches everyone at once, however it was made."""

import re

import pytest

from consultation.models import AuditAction, Status
from consultation.services.comments import comment_edit
from consultation.services.moderation import decision_create
from hub.accounts.rules import MODERATORS
from tests.support import factories
from tests.support.clients import SignedInClient as Client
from tests.support.consultation_factories import comment_on
from tests.support.factories import in_group, with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def page_for(user, url):
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def author():
    return factories.ProfileFactory(display_name="Fragment Author").user


@pytest.fixture
def moderator():
    return with_mfa(in_group(factories.ProfileFactory().user, MODERATORS))


def test_a_moderators_view_of_a_hidden_comment_never_reaches_anyone_else(
    section, consultation, author, moderator
):
    hidden = comment_on(
        section,
        consultation=consultation,
        author=author,
        body="<p>Words a moderator hid.</p>",
        status=Status.HIDDEN,
    )
    comment_on(section, consultation=consultation, parent=hidden, body="<p>A reply.</p>")
    thread_url = hidden.get_absolute_url()
    for url in (section.url, thread_url):
        seen_by_moderator = page_for(moderator, url)
        assert "Words a moderator hid." in seen_by_moderator
        assert hidden.moderation_url in seen_by_moderator
        for reader in (None, factories.ProfileFactory().user):
            html = page_for(reader, url)
            assert "Words a moderator hid." not in html, (url, reader)
            assert hidden.moderation_url not in html
            assert "This was hidden by a moderator." in html
            assert "A reply." in html  # the same thread, the same fragments' neighbours
        # And the other way round: the public view first, then the moderator's.
        assert "Words a moderator hid." in page_for(moderator, url)


def test_an_authors_own_links_never_reach_others(section, consultation, author):
    mine = comment_on(section, consultation=consultation, author=author, body="<p>Mine.</p>")
    for url in (section.url, mine.get_absolute_url()):
        own_view = page_for(author, url)
        assert mine.edit_url in own_view and mine.withdraw_url in own_view
        assert mine.flag_url not in own_view  # nobody reports their own words
        for reader in (None, factories.ProfileFactory().user):
            html = page_for(reader, url)
            assert mine.edit_url not in html and mine.withdraw_url not in html
            assert "Mine." in html


def test_one_readers_reaction_and_csrf_token_stay_theirs(section, consultation, author):
    comment = comment_on(section, consultation=consultation, author=author)
    reader, other = factories.ProfileFactory().user, factories.ProfileFactory().user
    client = Client()
    client.force_login(reader)
    page = client.get(section.url).content.decode()
    token = TOKEN.search(page)[1]
    reacted = client.post(
        comment.react_url,
        {"reaction": "agree", "next": section.url, "csrfmiddlewaretoken": token},
    )
    assert reacted.status_code == 302
    chosen = 'value="none" data-hub-reaction="agree" aria-pressed="true"'
    assert chosen in client.get(section.url).content.decode()

    other_client = Client(enforce_csrf_checks=True)
    other_client.force_login(other)
    other_page = other_client.get(section.url).content.decode()
    assert chosen not in other_page
    assert 'data-hub-reaction="agree" aria-pressed="false"' in other_page
    assert "hubCsrfTokenPlaceholder" not in other_page
    # The token in their form is their own: a reaction posted with it is accepted.
    other_token = TOKEN.search(other_page)[1]
    accepted = other_client.post(
        comment.react_url,
        {"reaction": "disagree", "next": section.url, "csrfmiddlewaretoken": other_token},
    )
    assert accepted.status_code == 302
    assert "hubCsrfTokenPlaceholder" not in page_for(None, section.url)


def test_edits_and_decisions_reach_every_reader_at_once(section, consultation, author, moderator):
    comment = comment_on(section, consultation=consultation, author=author, body="<p>First.</p>")
    assert "First." in page_for(None, section.url)
    comment_edit(author=author, comment=comment, text="Second thoughts.")
    assert "Second thoughts." in page_for(None, section.url)
    decision_create(
        moderator=moderator, comment=comment, action=AuditAction.HIDE, reason="Off topic"
    )
    html = page_for(None, section.url)
    assert "Second thoughts." not in html and "This was hidden by a moderator." in html


def test_changes_made_without_the_services_reach_readers_too(section, consultation, author):
    # The admin, the shell and data fixes save rows without the services: saving a comment
    # or a profile starts a new generation of itself (consultation/apps.py, accounts/apps.py),
    # and every field a fragment shows is part of its key.
    comment = comment_on(section, consultation=consultation, author=author, body="<p>Kept.</p>")
    assert "Kept." in page_for(None, section.url)
    comment.status = Status.WITHDRAWN
    comment.save(update_fields=["status"])
    html = page_for(None, section.url)
    assert "Kept." not in html and "This was withdrawn by its author." in html
    comment.status = Status.PUBLISHED
    comment.save(update_fields=["status"])
    author.profile.display_name = "A New Name"
    author.profile.save()
    html = page_for(None, section.url)
    assert "A New Name" in html and "Fragment Author" not in html
