"""Progress updates as RSS and Atom feeds that feed readers accept."""

import feedparser
import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def updates(site_tree):
    index = site_tree["updates"]
    factories.UpdatePageFactory(
        parent=index, slug="second", title="Second & <b>bold</b> update", summary="Café ☕ news"
    )
    return index


@pytest.mark.parametrize(
    ("path", "content_type", "version"),
    [
        ("feed/rss/", "application/rss+xml", "rss20"),
        ("feed/atom/", "application/atom+xml", "atom10"),
    ],
)
def test_feed_is_valid_and_lists_updates(client, updates, path, content_type, version):
    response = client.get(updates.url + path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == version
    titles = [entry.title for entry in feed.entries]
    assert "First update" in titles
    assert "Second & <b>bold</b> update" in titles  # escaped in XML, intact for readers
    entry = next(e for e in feed.entries if e.title.startswith("Second"))
    assert entry.link.endswith("/updates/second/")
    assert "Café ☕ news" in entry.summary


def test_unpublished_updates_stay_out_of_feeds(client, updates):
    factories.UpdatePageFactory(
        parent=updates, slug="draft-update", title="Secret draft", live=False
    )
    for path in ["feed/rss/", "feed/atom/"]:
        assert "Secret draft" not in client.get(updates.url + path).content.decode()


def test_pages_advertise_the_feeds(client, updates):
    html = client.get("/").content.decode()
    assert 'type="application/rss+xml"' in html and 'type="application/atom+xml"' in html


def test_update_index_pages_through_updates(client, updates):
    for n in range(12):
        factories.UpdatePageFactory(parent=updates, slug=f"bulk-{n}")
    first = client.get(updates.url).content.decode()
    assert "Page 2 of 2" in first
    assert client.get(updates.url + "?page=2").status_code == 200
    assert client.get(updates.url + "?page=999").status_code == 200
    assert client.get(updates.url + "?page=abc").status_code == 200
