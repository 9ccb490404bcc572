"""A conversation's own page with hundreds of replies: a page of replies at a time, in the
order of the conversation, under the words that started it; a reply's permalink, and every
reply, edit, report, withdrawal and reaction, lead to the page that shows it; and the
page asks as many queries with 600 replies as with 10."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import builders
from consultation import conf
from consultation.models import Comment
from tests.support.consultation_factories import comment_on
from tests.support.factories import ProfileFactory
from tests.support.markup import soup_of

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


def add_replies(root, count, *, authors):
    """`count` replies to `root`, one a second: most answer the root, every fourth answers
    the reply before it (so the conversation has depth). Returns them in created order."""
    return builders.add_replies(
        root,
        authors,
        [f"Reply number {n}." for n in range(count)],
        start=timezone.now() + datetime.timedelta(seconds=1),
    )


def reading_order(root, replies):
    """The replies as the conversation reads: each under the one it answers."""
    children = {}
    for reply in replies:
        children.setdefault(reply.parent_id, []).append(reply)
    order = []

    def walk(parent_id):
        for child in children.get(parent_id, []):
            order.append(child)
            walk(child.pk)

    walk(root.pk)
    return order


@pytest.fixture
def authors(db):
    return [ProfileFactory().user for _ in range(5)]


@pytest.fixture
def root(section, consultation, stakeholder):
    return comment_on(section, consultation=consultation, author=stakeholder, body="<p>Root</p>")


def shown_ids(html):
    return [int(li["data-comment-id"]) for li in soup_of(html).select("li.hub-comment")]


def test_the_conversation_page_shows_a_page_of_replies_at_a_time(
    client, root, authors, other_stakeholder
):
    made = add_replies(root, 119, authors=authors)
    per_page = conf.REPLIES_PER_PAGE
    # A late answer to the last reply of the first page: the conversation puts it right
    # under that reply, so it opens the second page.
    last_on_first = reading_order(root, made)[per_page - 1]
    late = comment_on(
        root.section,
        consultation=root.consultation,
        parent=last_on_first,
        author=other_stakeholder,
        body="<p>Late answer</p>",
        created_at=timezone.now() + datetime.timedelta(days=1),
    )
    replies = reading_order(root, [*made, late])
    assert replies[per_page] == late
    pages = [client.get(root.get_absolute_url(), {"page": n}) for n in (1, 2, 3)]
    for number, response in enumerate(pages, start=1):
        ids = shown_ids(response.content.decode())
        expected = replies[(number - 1) * per_page : number * per_page]
        assert ids == [root.pk, *(reply.pk for reply in expected)], number
    html = pages[1].content.decode()
    assert "This is page 2 of 3." in html
    navigation = soup_of(html).select_one("nav.nhsuk-pagination")
    assert [a["href"] for a in navigation.find_all("a")] == ["?page=1", "?page=3"]
    # It says whom it answers, since that reply is on the page before.
    context = soup_of(html).find(id=late.anchor).select_one(".hub-comment__context")
    assert context.get_text() == f"in reply to {last_on_first.author.public_name}"


def test_a_reply_permalink_opens_the_page_that_shows_it(client, root, authors):
    replies = reading_order(root, add_replies(root, 120, authors=authors))
    for position in (0, 49, 50, 119):
        reply = replies[position]
        response = client.get(reply.get_absolute_url())
        page = position // conf.REPLIES_PER_PAGE + 1
        query = f"?page={page}" if page > 1 else ""
        assert response.status_code == 302
        assert response["Location"] == f"{root.get_absolute_url()}{query}#{reply.anchor}"
        assert reply.pk in shown_ids(client.get(response["Location"]).content.decode())


def test_replies_edits_reports_and_reactions_return_to_the_page_that_shows_them(
    client, root, authors, other_stakeholder
):
    replies = reading_order(root, add_replies(root, 120, authors=authors))
    client.force_login(other_stakeholder)

    def lands_on_it(response, comment):
        assert response.status_code == 302
        location = response["Location"]
        assert location.endswith(f"#{comment.anchor}"), location
        page = client.get(location.split("#")[0])
        assert comment.pk in shown_ids(page.content.decode()), location
        return location

    # A reply to a reply on the second page is shown under it, on that page.
    parent = replies[60]
    posted = client.post(parent.reply_url, {"body": "My answer", "key": "k"})
    mine = Comment.objects.get(body="<p>My answer</p>")
    assert "?page=2#" in lands_on_it(posted, mine)
    assert lands_on_it(client.post(mine.edit_url, {"body": "My answer, edited"}), mine)
    reported = replies[110]
    assert "?page=3#" in lands_on_it(client.post(reported.flag_url, {"reason": "spam"}), reported)
    # Without the page script, a reaction comes back to the page its buttons were on.
    on_page_two = f"{root.get_absolute_url()}?page=2#{parent.anchor}"
    reacted = client.post(parent.react_url, {"reaction": "agree", "next": on_page_two})
    assert reacted["Location"] == on_page_two
    assert lands_on_it(client.post(mine.withdraw_url), mine)


def count_queries(client, url):
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code in (200, 302)
    return len(context.captured_queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_conversation_page_asks_as_many_queries_for_600_replies_as_for_10(
    client, root, authors, other_stakeholder, signed_in
):
    if signed_in:
        client.force_login(other_stakeholder)
    replies = add_replies(root, 10, authors=authors)
    few = [
        count_queries(client, root.get_absolute_url()),
        count_queries(client, replies[5].get_absolute_url()),  # the redirect to its page
    ]
    more = add_replies(root, 590, authors=authors)
    last_page = f"{root.get_absolute_url()}?page={600 // conf.REPLIES_PER_PAGE}"
    many = [
        count_queries(client, root.get_absolute_url()),
        count_queries(client, more[-1].get_absolute_url()),
    ]
    assert many == few
    assert count_queries(client, last_page) == few[0]
    html = client.get(last_page).content.decode()
    assert len(shown_ids(html)) == conf.REPLIES_PER_PAGE + 1
