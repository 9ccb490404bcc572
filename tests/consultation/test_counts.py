"""Counts count what the reader can see, and a link goes where the things counted are.

A count of comments counts words someone can read: published ones, and what is waiting
for a moderator where the reader may see it. Withdrawn and hidden ones (shown as
placeholders) and rejected ones are never counted: not on the section page, in its banner,
on the consultation page, on the discussion board or in a thread's "whole conversation"."""

import re

import pytest
from bs4 import BeautifulSoup

from consultation.models import Status
from tests.support.consultation_factories import comment_on, paragraph_ids, post_in

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

NOT_COUNTED = (Status.WITHDRAWN, Status.HIDDEN, Status.REJECTED)


def banner(html):
    soup = BeautifulSoup(html, "html.parser")
    return soup.select_one(".hub-consultation-status")


def test_the_banner_says_where_the_comments_are_and_links_each_place(client, section, consultation):
    first, second = paragraph_ids(section)
    for n in range(2):
        comment_on(section, consultation=consultation, paragraph_id=first, body=f"<p>F{n}</p>")
    comment_on(section, consultation=consultation, paragraph_id=second, body="<p>S</p>")
    comment_on(section, consultation=consultation, paragraph_id="", body="<p>Whole</p>")

    status = banner(client.get(section.url).content.decode())
    text = " ".join(status.get_text().split())
    assert (
        "4 comments so far: 2 on paragraph 1, 1 on paragraph 2 and 1 on the whole section." in text
    )
    links = {link.get_text(): link["href"] for link in status.find_all("a")}
    assert links["2 on paragraph 1"] == f"{section.url}?paragraph={first}#p-{first}"
    assert links["1 on paragraph 2"] == f"{section.url}?paragraph={second}#p-{second}"
    assert links["1 on the whole section"] == f"{section.url}?paragraph=section#section-comments"

    # Each link opens a page where the comments it counted are, at the place it names.
    for label, words in (("2 on paragraph 1", ["F0", "F1"]), ("1 on the whole section", ["Whole"])):
        url, anchor = links[label].split("#")
        soup = BeautifulSoup(client.get(url).content.decode(), "html.parser")
        place = soup.find(id=anchor)
        panel = place if anchor == "section-comments" else place.find("details")
        assert panel is not None and not panel.has_attr("hidden"), label
        assert anchor == "section-comments" or panel.has_attr("open"), label
        for word in words:
            assert f"<p>{word}</p>" in str(panel), (label, word)


def test_a_single_place_is_named_in_the_count_itself(client, section, consultation):
    pid = paragraph_ids(section)[1]
    comment_on(section, consultation=consultation, paragraph_id=pid)
    comment_on(section, consultation=consultation, paragraph_id=pid)
    status = banner(client.get(section.url).content.decode())
    link = status.find("a", string=re.compile("comments"))
    assert link.get_text() == "2 comments on paragraph 2"
    assert link["href"] == f"{section.url}?paragraph={pid}#p-{pid}"
    # Not the whole-section list, which has none of them.
    assert "No comments on the whole section yet" not in str(status)


def test_counts_leave_out_withdrawn_hidden_and_rejected(
    client, section, consultation, topic, stakeholder
):
    pid = paragraph_ids(section)[0]
    live = comment_on(section, consultation=consultation, paragraph_id=pid, body="<p>Live</p>")
    for status in NOT_COUNTED:
        gone = comment_on(
            section, consultation=consultation, paragraph_id=pid, author=stakeholder, status=status
        )
        comment_on(section, consultation=consultation, parent=live, status=status)
        post_in(topic, author=stakeholder, status=status)
        post_in(topic, parent=post_in(topic), status=status)
    assert gone.status == Status.REJECTED
    comment_on(section, consultation=consultation, parent=live, body="<p>Answer</p>")
    thread = post_in(topic, title="Counted")
    post_in(topic, parent=thread, body="<p>Yes</p>")

    # Each discussion listed is counted as one (placeholders too: the board lists them);
    # only posts with words count as posts. The author also sees their rejected one.
    for reader, discussions in ((None, 6), (stakeholder, 7)):
        if reader:
            client.force_login(reader)
        html = client.get(section.url).content.decode()
        assert '<span data-hub-count="2">2 comments</span>' in html  # live and its answer
        assert "2 comments on paragraph 1</a> so far" in html
        detail = client.get(consultation.get_absolute_url()).content.decode()
        assert 'Ambition one</a> <span class="nhsuk-body-s">(2 comments)</span>' in detail
        assert f"({discussions} discussions, 5 posts)" in detail
        topics = client.get(f"/consultation/{consultation.slug}/discussion/").content.decode()
        assert f"{discussions} discussions, 5 posts" in topics
        soup = BeautifulSoup(client.get(topic.get_absolute_url()).content.decode(), "html.parser")
        summaries = {
            li.find("a").get_text(): " ".join(li.get_text().split())
            for li in soup.select(".hub-thread-summary")
        }
        assert "1 reply;" in summaries["Counted"]
        answered = [text for text in summaries.values() if "0 replies" not in text]
        assert answered == [summaries["Counted"]]


def test_show_the_whole_conversation_counts_replies_with_words(client, section, consultation):
    from consultation import conf

    root = comment_on(section, consultation=consultation)
    for n in range(conf.REPLIES_PER_THREAD):
        comment_on(section, consultation=consultation, parent=root, body=f"<p>R{n}</p>")
    for status in NOT_COUNTED:
        comment_on(section, consultation=consultation, parent=root, status=status)
    html = client.get(section.url).content.decode()
    # Ten replies with words are all shown: nothing more to see, so no link promising more.
    assert "Show the whole conversation" not in html
    comment_on(section, consultation=consultation, parent=root, body="<p>One more</p>")
    html = client.get(section.url).content.decode()
    assert "Show the whole conversation (11 replies)" in html


def test_a_placeholder_alone_is_not_a_comment(client, section, consultation):
    pid = paragraph_ids(section)[0]
    comment_on(section, consultation=consultation, paragraph_id=pid, status=Status.WITHDRAWN)
    comment_on(section, consultation=consultation, paragraph_id="", status=Status.HIDDEN)
    html = client.get(section.url).content.decode()
    assert "comments so far" not in html and "comment on" not in banner(html).get_text()
    assert html.count("No comments yet<span") == len(paragraph_ids(section))
    assert "No comments on the whole section yet." in html
