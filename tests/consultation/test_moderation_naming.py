"""The moderation area names what it shows by author, place and first words ("Reply by Dr
Ada Example on Ambition one, paragraph 1: “We need…”"), never by a number ("Reply 13"),
in the queue, on an item's page, in the message after a decision, on a participant's page
and in the audit log. Words no moderator has approved are shown with their links as text."""

import re

import pytest
from django.urls import reverse

from consultation.formatting import to_html
from consultation.models import ModerationMode, Status
from tests.support.consultation_factories import comment_on, paragraph_ids, post_in
from tests.support.factories import ProfileFactory
from tests.support.markup import soup_of

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

NUMBERED = re.compile(r"\b(?:Reply|Comment|Discussion post|Comment on the draft|item) \d+\b")
QUEUE = "/consultation/moderation/"


@pytest.fixture
def ada(db):
    # Not shown by name in public: moderators still see who it is.
    return ProfileFactory(display_name="Dr Ada Example", show_name=False).user


@pytest.fixture
def items(section, consultation, topic, ada):
    consultation.moderation = ModerationMode.PRE
    consultation.save()
    first = paragraph_ids(section)[0]
    root = comment_on(section, consultation=consultation, paragraph_id=first)
    return {
        "reply": comment_on(
            section,
            consultation=consultation,
            parent=root,
            author=ada,
            body="<p>We need the duty of candour to cover every algorithm used in care.</p>",
            status=Status.PENDING,
        ),
        "comment": comment_on(
            section,
            consultation=consultation,
            paragraph_id="",
            author=ada,
            body="<p>Short one.</p>",
            status=Status.PENDING,
        ),
        "post": post_in(topic, author=ada, title="Open data", status=Status.PENDING),
    }


def main_text(client, url, params=None):
    main = soup_of(client.get(url, params or {}).content.decode()).find("main")
    return " ".join(main.get_text(" ").split())


def test_the_queue_and_items_are_named_by_author_place_and_first_words(client, items, moderator):
    client.force_login(moderator)
    queue = main_text(client, QUEUE)
    assert (
        "Reply by Dr Ada Example on Ambition one, paragraph 1: "
        "“We need the duty of candour to cover every algorithm used…”"
    ) in queue
    assert "Comment by Dr Ada Example on Ambition one, the whole section: “Short one.”" in queue
    assert "Discussion: Open data, started by Dr Ada Example in Data and privacy" in queue
    assert not NUMBERED.search(queue), NUMBERED.search(queue)
    soup = soup_of(client.get(QUEUE).content.decode())
    decide = soup.find("a", href=re.compile(rf"/items/{items['reply'].pk}/"))
    assert " ".join(decide.get_text().split()).startswith("Decide on the Reply by Dr Ada Example")

    page = soup_of(client.get(items["reply"].moderation_url).content.decode())
    heading = " ".join(page.find("h1").get_text().split())
    assert heading.startswith("Reply by Dr Ada Example on Ambition one, paragraph 1: “We need")
    assert "Moderate: Reply by Dr Ada Example" in page.find("title").get_text()
    assert "Ambition one, paragraph 1" in " ".join(page.find("dl").get_text(" ").split())
    assert not NUMBERED.search(" ".join(page.find("main").get_text(" ").split()))


def test_the_message_after_a_decision_names_the_item(client, items, moderator):
    client.force_login(moderator)
    done = client.post(
        items["reply"].moderation_url, {"action": "reject", "reason": "Off topic"}, follow=True
    )
    text = " ".join(soup_of(done.content.decode()).find("main").get_text(" ").split())
    assert "Rejected: reply by Dr Ada Example on Ambition one, paragraph 1." in text
    assert not NUMBERED.search(text)


def test_participant_page_and_audit_log_name_the_items(client, items, moderator, ada):
    client.force_login(moderator)
    client.post(items["comment"].moderation_url, {"action": "approve", "reason": ""})
    participant = main_text(client, reverse("consultation:participant", args=[ada.pk]))
    assert "Reply by Dr Ada Example on Ambition one, paragraph 1: “We need" in participant
    assert not NUMBERED.search(participant)
    log = main_text(client, reverse("consultation:audit_log"))
    assert "Approved: Comment by Dr Ada Example on Ambition one, the whole section" in log
    assert not NUMBERED.search(log)


def test_links_in_words_waiting_for_moderation_are_not_live(
    client, section, consultation, moderator, ada
):
    consultation.moderation = ModerationMode.PRE
    consultation.save()
    body = to_html("Buy now at https://cheap-pills.com/offer and www.nhs.uk")
    assert body.count("<a href=") == 2
    waiting = comment_on(section, consultation=consultation, author=ada, body=body)
    waiting.status = Status.PENDING
    waiting.save()
    published = comment_on(section, consultation=consultation, body=body)
    client.force_login(moderator)
    pages = {
        "queue": client.get(QUEUE).content.decode(),
        "item": client.get(waiting.moderation_url).content.decode(),
        "conversation": client.get(waiting.get_absolute_url()).content.decode(),
    }
    for name, html in pages.items():
        main = soup_of(html).find("main")
        assert "https://cheap-pills.com/offer" in main.get_text(), name
        assert main.find("a", href=re.compile("cheap-pills")) is None, name
    # The author reads their waiting words the same way; published words keep their links.
    client.force_login(ada)
    own = soup_of(client.get(waiting.get_absolute_url()).content.decode())
    assert own.find("a", href=re.compile("cheap-pills")) is None
    public = soup_of(client.get(published.get_absolute_url()).content.decode())
    link = public.find("a", href="https://cheap-pills.com/offer")
    assert link is not None and link["rel"] == ["nofollow", "ugc", "noopener"]
