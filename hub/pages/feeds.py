"""RSS and Atom feeds of progress updates (Django's syndication framework).

Every link in a feed is absolute at the site's public address (SITE_URL), whatever host the
feed reader asked. An update's publication date is its own `date` (what editors set, what
the pages show), not when the page happened to be published; it was last updated when it
was last published."""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from hub.pages.models import UpdateIndexPage, UpdatePage


class UpdatesRssFeed(Feed):
    feed_type = Rss201rev2Feed
    route_name = "rss"  # the index page's route serving this feed

    def __init__(self, index_page: UpdateIndexPage):
        super().__init__()
        self.index_page = index_page

    def title(self):
        return f"{self.index_page.title} — AI in health and care strategy"

    def link(self):
        return self.index_page.full_url

    def feed_url(self):
        # The feed's own address (Atom's self link), at the public address too.
        return self.index_page.full_url + self.index_page.reverse_subpage(self.route_name)

    def description(self):
        return self.index_page.intro or "Progress on the strategy as it is written."

    def author_name(self):
        # Atom needs an author for the feed when its entries have none (RFC 4287, 4.1.1).
        return settings.WAGTAIL_SITE_NAME

    def items(self):
        return self.index_page.updates()[:50]

    def item_title(self, item: UpdatePage):
        return item.title

    def item_description(self, item: UpdatePage):
        return item.summary

    def item_link(self, item: UpdatePage):
        return item.full_url

    def item_pubdate(self, item: UpdatePage):
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time()))

    def item_updateddate(self, item: UpdatePage):
        # Atom requires every entry's <updated>; a page made live without a publish has none.
        return item.last_published_at or self.item_pubdate(item)


class UpdatesAtomFeed(UpdatesRssFeed):
    feed_type = Atom1Feed
    route_name = "atom"

    def subtitle(self):
        return self.description()
