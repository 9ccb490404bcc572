"""Progress updates as RSS and Atom feeds that feed readers accept: well formed, with every
element the two formats require, dated by the updates' own dates, newest first."""

import datetime
import email.utils
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import feedparser
import pytest
from django.conf import settings

from tests.support import factories
from tests.support.pages import publish

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

ATOM = "{http://www.w3.org/2005/Atom}"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def updates(site_tree):
    """Four updates whose dates run against the order they were created in."""
    index = site_tree["updates"]
    site_tree["update"].date = datetime.date(2026, 3, 2)
    publish(site_tree["update"])
    for fields in [
        {
            "slug": "second",
            "title": "Second & <b>bold</b> update",
            "summary": "Café ☕ news",
            "date": datetime.date(2025, 4, 29),
        },
        {"slug": "winter", "title": "Winter update", "date": datetime.date(2026, 1, 15)},
        {"slug": "summer", "title": "Summer update", "date": datetime.date(2026, 7, 1)},
    ]:
        publish(factories.UpdatePageFactory(parent=index, **fields))
    return index


def xml_of(response):
    return ET.fromstring(response.content)  # noqa: S314 - the site's own feed, not untrusted


def expected_order(index):
    """Newest date first."""
    return list(index.updates())


def test_feed_uses_the_updates_index(updates):
    assert [u.title for u in expected_order(updates)] == [
        "Summer update",
        "First update",
        "Winter update",
        "Second & <b>bold</b> update",
    ]


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
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == version
    titles = [entry.title for entry in feed.entries]
    assert titles == [update.title for update in expected_order(updates)]
    assert "Second & <b>bold</b> update" in titles  # escaped in XML, intact for readers
    entry = next(e for e in feed.entries if e.title.startswith("Second"))
    assert entry.link == "http://testserver/updates/second/"
    assert "Café ☕ news" in entry.summary


def test_rss_has_every_required_element_and_the_updates_dates(client, updates):
    channel = xml_of(client.get(updates.url + "feed/rss/")).find("channel")
    for name in ["title", "link", "description", "lastBuildDate"]:
        assert (channel.findtext(name) or "").strip(), name
    assert channel.findtext("link") == "http://testserver/updates/"
    items = channel.findall("item")
    ordered = expected_order(updates)
    assert len(items) == len(ordered)
    for item, update in zip(items, ordered, strict=True):
        for name in ["title", "link", "description", "guid", "pubDate"]:
            assert (item.findtext(name) or "").strip(), (update.title, name)
        assert item.findtext("guid") == f"http://testserver{update.url}"
        published = email.utils.parsedate_to_datetime(item.findtext("pubDate"))
        assert published.astimezone(LONDON).date() == update.date
        assert published.astimezone(LONDON).time() == datetime.time()
    # The channel was last built when its newest update was last published.
    built = email.utils.parsedate_to_datetime(channel.findtext("lastBuildDate"))
    newest = max(update.last_published_at for update in ordered)
    assert built == newest.replace(microsecond=0)


def test_atom_has_every_required_element_and_the_updates_dates(client, updates):
    feed = xml_of(client.get(updates.url + "feed/atom/"))
    for name in ["id", "title", "updated"]:
        assert (feed.findtext(ATOM + name) or "").strip(), name
    # RFC 4287: a feed whose entries have no author of their own names one itself.
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == settings.WAGTAIL_SITE_NAME
    links = {link.get("rel"): link.get("href") for link in feed.findall(ATOM + "link")}
    assert links == {
        "alternate": "http://testserver/updates/",
        "self": "http://testserver/updates/feed/atom/",
    }
    entries = feed.findall(ATOM + "entry")
    ordered = expected_order(updates)
    assert len(entries) == len(ordered)
    for entry, update in zip(entries, ordered, strict=True):
        for name in ["id", "title", "updated", "published", "summary"]:
            assert (entry.findtext(ATOM + name) or "").strip(), (update.title, name)
        assert entry.find(ATOM + "link").get("href") == f"http://testserver{update.url}"
        assert entry.findtext(ATOM + "id") == f"http://testserver{update.url}"
        published = datetime.datetime.fromisoformat(entry.findtext(ATOM + "published"))
        assert published.astimezone(LONDON).date() == update.date
        updated = datetime.datetime.fromisoformat(entry.findtext(ATOM + "updated"))
        assert updated == update.last_published_at
    parsed = feedparser.parse(client.get(updates.url + "feed/atom/").content)
    assert parsed.feed.author == settings.WAGTAIL_SITE_NAME


def test_an_update_never_published_through_a_revision_still_has_atom_dates(client, updates):
    factories.UpdatePageFactory(parent=updates, slug="bare", date=datetime.date(2026, 8, 1))
    feed = xml_of(client.get(updates.url + "feed/atom/"))
    entry = feed.find(ATOM + "entry")
    assert entry.findtext(ATOM + "published") == "2026-08-01T00:00:00+01:00"
    assert entry.findtext(ATOM + "updated") == "2026-08-01T00:00:00+01:00"


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
