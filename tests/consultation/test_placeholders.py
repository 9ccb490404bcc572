"""Withdrawn and hidden words keep their place in a conversation as a placeholder that says
only what happened, once: never who wrote them, their sector, or their words, wherever the
conversation is shown (section page, paragraph list, conversation page, discussion board),
nor in the "in reply to" of the replies below them."""

import re

import pytest
from django.urls import reverse

from consultation.models import Status
from hub.accounts.models import Sector
from tests.support.consultation_factories import comment_on, paragraph_ids, post_in
from tests.support.factories import ProfileFactory
from tests.support.markup import soup_of

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

NOTES = {
    Status.WITHDRAWN: "withdrawn by its author",
    Status.HIDDEN: "hidden by a moderator",
}


def secret_author():
    return ProfileFactory(display_name="Secret Writer", sector=Sector.INDUSTRY).user


@pytest.mark.parametrize("status", [Status.WITHDRAWN, Status.HIDDEN])
def test_a_placeholder_names_nobody(client, section, consultation, other_stakeholder, status):
    pid = paragraph_ids(section)[0]
    gone = comment_on(
        section,
        consultation=consultation,
        paragraph_id=pid,
        author=secret_author(),
        body="<p>Gone words</p>",
        status=status,
    )
    answer = comment_on(section, consultation=consultation, parent=gone, body="<p>An answer</p>")
    deeper = comment_on(section, consultation=consultation, parent=answer)
    gone_reply = comment_on(
        section,
        consultation=consultation,
        parent=deeper,
        author=secret_author(),
        body="<p>Gone reply</p>",
        status=status,
    )
    below = comment_on(section, consultation=consultation, parent=gone_reply, body="<p>Below</p>")
    pages = {
        "section page": f"{section.url}?paragraph={pid}",
        "paragraph list": reverse(
            "consultation:section_comments",
            kwargs={"slug": consultation.slug, "section_id": section.pk, "paragraph": pid},
        ),
        "conversation": gone.get_absolute_url(),
    }
    for reader in (None, other_stakeholder):
        if reader:
            client.force_login(reader)
        for name, url in pages.items():
            soup = soup_of(client.get(url).content.decode())
            for placeholder in (gone, gone_reply):
                item = soup.find(id=placeholder.anchor)
                text = " ".join(item.get_text().split())
                assert "Secret Writer" not in text and "Industry" not in text, (name, text)
                assert "Gone" not in text, (name, text)
                assert len(re.findall(NOTES[status], text, re.IGNORECASE)) == 1, (name, text)
                assert item.find("time") is None and item.find("form") is None, name
            assert "Secret Writer" not in str(soup.find("main")), name
            # The reply below says whom it answers without naming them.
            context = soup.find(id=below.anchor).select_one(".hub-comment__context")
            assert context.get_text() == "in reply to a " + status.label.split()[0].lower() + (
                " contribution"
            ), name
            assert "An answer" in str(soup.find(id=answer.anchor)), name


def test_a_discussion_placeholder_does_not_name_who_started_it(client, topic):
    hidden = post_in(topic, author=secret_author(), title="Gone title", status=Status.HIDDEN)
    post_in(topic, parent=hidden, body="<p>Still here</p>")
    listing = client.get(topic.get_absolute_url()).content.decode()
    assert "This was hidden by a moderator." in listing
    assert "Secret Writer" not in listing and "Gone title" not in listing
    page = client.get(hidden.get_absolute_url()).content.decode()
    assert "Secret Writer" not in page and "Still here" in page


def test_authors_and_moderators_still_see_whose_words(
    client, section, consultation, stakeholder, moderator
):
    hidden = comment_on(
        section,
        consultation=consultation,
        author=stakeholder,
        body="<p>Mine</p>",
        status=Status.HIDDEN,
    )
    for reader in (stakeholder, moderator):
        client.force_login(reader)
        item = soup_of(client.get(hidden.get_absolute_url()).content.decode()).find(
            id=hidden.anchor
        )
        text = " ".join(item.get_text().split())
        assert "Stake Holder" in text and "Mine" in text
        # The status is said once: the tag, then what it means, not the same words twice.
        assert text.lower().count("hidden by a moderator") == 1, text
