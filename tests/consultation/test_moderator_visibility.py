"""What moderators see on the public pages: the moderation view of every contribution
(hidden, withdrawn, waiting and rejected text) only with a second factor, the same
condition as the staff areas. Without one, a member of the Moderators or the Working group
sees exactly what any participant sees."""

import pytest

from consultation.models import Status
from hub.accounts.rules import MODERATORS, WORKING_GROUP
from tests.support import factories
from tests.support.consultation_factories import comment_on, paragraph_ids, post_in
from tests.support.factories import in_group, with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

NOT_PUBLIC = {
    Status.HIDDEN: "Hidden words",
    Status.WITHDRAWN: "Withdrawn words",
    Status.PENDING: "Waiting words",
    Status.REJECTED: "Rejected words",
}


@pytest.fixture
def contributions(section, consultation, topic):
    """One comment and one discussion post in each state, by an ordinary participant."""
    author = factories.ProfileFactory().user
    pid = paragraph_ids(section)[0]
    comments = {
        status: comment_on(
            section,
            consultation=consultation,
            author=author,
            paragraph_id=pid,
            body=f"<p>{text} on the draft.</p>",
            status=status,
        )
        for status, text in {Status.PUBLISHED: "Published words", **NOT_PUBLIC}.items()
    }
    posts = {
        status: post_in(
            topic,
            author=author,
            title=f"{text} as a title",
            body=f"<p>{text} in the discussion.</p>",
            status=status,
        )
        for status, text in {Status.PUBLISHED: "Published words", **NOT_PUBLIC}.items()
    }
    return comments, posts


def pages(section, consultation, topic, comments, posts):
    pid = paragraph_ids(section)[0]
    return [
        section.url,
        f"/consultation/{consultation.slug}/sections/{section.pk}/comments/{pid}/",
        f"/consultation/{consultation.slug}/discussion/{topic.pk}/",
        *(comment.get_absolute_url() for comment in comments.values()),
        *(post.get_absolute_url() for post in posts.values()),
    ]


def what_is_shown(client, urls):
    """{url: (status code, not-public texts shown, comment anchors, a "Moderate" link)}."""
    shown = {}
    for url in urls:
        response = client.get(url)
        html = response.content.decode() if response.status_code == 200 else ""
        texts = sorted(text for text in NOT_PUBLIC.values() if text in html)
        anchors = sorted(part.split('"')[0] for part in html.split('id="comment-')[1:])
        shown[url] = (response.status_code, texts, anchors, "Moderate<span" in html)
    return shown


@pytest.mark.parametrize("group", [MODERATORS, WORKING_GROUP])
def test_without_a_second_factor_a_moderator_sees_what_participants_see(
    client, section, consultation, topic, contributions, group
):
    comments, posts = contributions
    urls = pages(section, consultation, topic, comments, posts)
    client.force_login(factories.ProfileFactory().user)
    participant_view = what_is_shown(client, urls)
    client.force_login(in_group(factories.ProfileFactory().user, group))
    assert what_is_shown(client, urls) == participant_view

    # And what participants see is the public view: no hidden, withdrawn, waiting or
    # rejected words; placeholders for hidden and withdrawn; the others not there at all.
    for url, (_code, texts, _anchors, moderate_link) in participant_view.items():
        assert texts == [] and not moderate_link, url
    section_page = participant_view[section.url]
    assert section_page[0] == 200
    for status in (Status.PUBLISHED, Status.HIDDEN, Status.WITHDRAWN):
        assert str(comments[status].pk) in section_page[2]
    for status in (Status.PENDING, Status.REJECTED):
        assert str(comments[status].pk) not in section_page[2]
        assert participant_view[comments[status].get_absolute_url()][0] == 404
        assert participant_view[posts[status].get_absolute_url()][0] == 404


@pytest.mark.parametrize("group", [MODERATORS, WORKING_GROUP])
def test_with_a_second_factor_a_moderator_sees_the_moderation_view(
    client, section, consultation, topic, contributions, group
):
    comments, posts = contributions
    client.force_login(with_mfa(in_group(factories.ProfileFactory().user, group)))

    section_page = client.get(section.url).content.decode()
    for status, text in NOT_PUBLIC.items():
        assert f"{text} on the draft." in section_page, status
    assert f'href="{comments[Status.REJECTED].moderation_url}"' in section_page

    pid = paragraph_ids(section)[0]
    listing = client.get(
        f"/consultation/{consultation.slug}/sections/{section.pk}/comments/{pid}/"
    ).content.decode()
    topic_page = client.get(f"/consultation/{consultation.slug}/discussion/{topic.pk}/")
    for status, text in NOT_PUBLIC.items():
        assert f"{text} on the draft." in listing, status
        assert f"{text} as a title" in topic_page.content.decode(), status
        permalink = client.get(comments[status].get_absolute_url())
        assert (
            permalink.status_code == 200 and f"{text} on the draft." in permalink.content.decode()
        )
        thread = client.get(posts[status].get_absolute_url())
        assert thread.status_code == 200 and f"{text} in the discussion." in thread.content.decode()
