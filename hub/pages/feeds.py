"""RSS and Atom feeds of progress updates (Django's syndication framework)."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from hub.pages.models import UpdateIndexPage, UpdatePage


class UpdatesRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, index_page: UpdateIndexPage):
        super().__init__()
        self.index_page = index_page

    def title(self):
        return f"{self.index_page.title} — AI in health and care strategy"

    def link(self):
        return self.index_page.url

    def description(self):
        return self.index_page.intro or "Progress on the strategy as it is written."

    def items(self):
        return self.index_page.updates()[:50]

    def item_title(self, item: UpdatePage):
        return item.title

    def item_description(self, item: UpdatePage):
        return item.summary

    def item_link(self, item: UpdatePage):
        return item.url

    def item_pubdate(self, item: UpdatePage):
        return item.first_published_at

    def item_updateddate(self, item: UpdatePage):
        return item.last_published_at


class UpdatesAtomFeed(UpdatesRssFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()
