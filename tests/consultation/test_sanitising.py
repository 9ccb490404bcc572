"""Hostile input, posted through HTTP as a participant would: nothing executable is stored
and nothing executable is rendered, on the section page, the paragraph's list, the
permalink and the fragment the page script receives. Plus the size and link limits."""

import re

import pytest

from consultation.models import Comment
from tests.support.consultation_factories import paragraph_ids
from tests.support.hostile import HOSTILE_MARKUP as HOSTILE
from tests.support.inert_html import (
    comment_bodies,
    problems_in_page,
    problems_in_user_html,
    tag_counts,
)

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


def test_corpus_is_big_enough():
    assert len(HOSTILE) >= 50


def test_hostile_comments_are_stored_and_rendered_inert(client, section, consultation, user):
    pid = paragraph_ids(section)[0]
    list_url = f"/consultation/{consultation.slug}/sections/{section.pk}/comments/{pid}/"
    client.force_login(user)
    baseline = {
        "section": tag_counts(client.get(section.url).content.decode()),
        "list": tag_counts(client.get(list_url).content.decode()),
    }
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/?paragraph={pid}"
    baseline["form"] = tag_counts(client.get(url).content.decode())
    failures = []
    accepted = []
    for number, text in enumerate(HOSTILE):
        response = client.post(url, {"body": text, "key": f"hostile-{number}"})
        if response.status_code == 302:
            accepted.append(text)
        elif "There is a problem" not in response.content.decode():
            failures.append((text, f"status {response.status_code} without an error message"))
        else:
            # Refused with a message (a NUL byte): the refusal page must be inert too.
            refusal = response.content.decode()
            failures.extend((text, "form", p) for p in problems_in_page(refusal, baseline["form"]))
    assert not failures, failures
    assert len(accepted) >= len(HOSTILE) - 1
    comments = list(Comment.objects.order_by("pk"))
    assert len(comments) == len(accepted)

    for text, comment in zip(accepted, comments, strict=True):
        for problem in problems_in_user_html(comment.body):
            failures.append((text, "stored", problem))
        if not comment.body.strip():
            failures.append((text, "stored nothing visible"))

        permalink = client.get(comment.get_absolute_url()).content.decode()
        for problem in problems_in_page(permalink, baseline["list"]):
            failures.append((text, "permalink", problem))
        for body in comment_bodies(permalink):
            failures.extend((text, "permalink body", p) for p in problems_in_user_html(body))

    for page_number in (1, 2, 3):
        listing = client.get(list_url, {"page": page_number}).content.decode()
        failures.extend(("list", p) for p in problems_in_page(listing, baseline["list"]))
        for body in comment_bodies(listing):
            failures.extend(("list body", p) for p in problems_in_user_html(body))
    section_page = client.get(section.url).content.decode()
    failures.extend(("section", p) for p in problems_in_page(section_page, baseline["section"]))
    assert not failures, failures


def test_hostile_text_is_shown_as_text(client, section, consultation, user):
    """Typed markup is displayed, escaped, so readers see what was written."""
    client.force_login(user)
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"
    client.post(url, {"body": "<script>alert(1)</script> & <b>", "key": "t"})
    comment = Comment.objects.get()
    assert comment.body == "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;</p>"
    page = client.get(comment.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in page


def test_links_are_honest_and_marked_as_user_content(client, section, consultation, user):
    client.force_login(user)
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"
    client.post(url, {"body": "Look-alike https://nh\u0455.uk/login here", "key": "h1"})
    client.post(url, {"body": "See https://nhs.uk@evil.example/login", "key": "h2"})
    client.post(url, {"body": "Real https://www.nhs.uk/conditions/ page", "key": "h3"})
    lookalike, userinfo, real = Comment.objects.order_by("pk")
    assert 'href="https://xn--nh-foc.uk/login"' in lookalike.body
    assert ">https://xn--nh-foc.uk/login</a>" in lookalike.body  # the reader sees punycode
    assert "evil.example" not in re.findall(r'href="([^"]*)"', userinfo.body)[0]
    assert real.body == (
        '<p>Real <a href="https://www.nhs.uk/conditions/" rel="nofollow ugc noopener">'
        "https://www.nhs.uk/conditions/</a> page</p>"
    )


def test_hostile_discussion_titles_and_posts(client, topic, user):
    client.force_login(user)
    topic_url = f"/consultation/{topic.consultation.slug}/discussion/{topic.pk}/"
    baseline = tag_counts(client.get(topic_url).content.decode())
    url = f"{topic_url}new/"
    titles = [text for text in HOSTILE if "<" in text or "&" in text][:20]
    for number, title in enumerate(titles):
        response = client.post(url, {"title": title, "body": HOSTILE[number], "key": f"t{number}"})
        assert response.status_code in (200, 302), title
    posts = list(Comment.objects.filter(kind="post"))
    assert posts
    for post in posts:
        assert "<" not in post.title and ">" not in post.title, post.title
        assert not problems_in_user_html(post.body), post.body
    listing = client.get(topic_url).content.decode()
    assert not problems_in_page(listing, baseline)
    thread = client.get(posts[0].get_absolute_url()).content.decode()
    assert not problems_in_page(thread, baseline)


def test_size_limit_has_a_clear_message(client, section, consultation, user, settings):
    settings.CONSULTATION_MAX_CHARACTERS = 100
    client.force_login(user)
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"
    response = client.post(url, {"body": "x" * 150, "key": "big"})
    assert "Your comment is 150 characters long. Shorten it to 100 characters or fewer." in (
        response.content.decode()
    )
    huge = client.post(url, {"body": "y" * 100_000, "key": "huge"})
    assert "Your comment is too long. Shorten it to 100 characters or fewer." in (
        huge.content.decode()
    )
    # What was typed is kept in the form, so nothing is lost.
    assert "x" * 150 in response.content.decode()
    assert not Comment.objects.exists()


def test_link_limit(client, section, consultation, user, settings):
    settings.CONSULTATION_MAX_LINKS = 2
    client.force_login(user)
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"
    links = " ".join(f"https://example.org/{n}" for n in range(3))
    response = client.post(url, {"body": links, "key": "links"})
    assert "Your comment has 3 web links. Include no more than 2 links." in (
        response.content.decode()
    )
    assert not Comment.objects.exists()
    client.post(url, {"body": "https://example.org/a https://example.org/b", "key": "ok"})
    assert Comment.objects.count() == 1
