"""Progress updates, published as pages under one index with RSS and Atom feeds."""

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from hub.core.blocks import ContentBlock
from hub.core.public_address import PublicAddressMixin
from hub.pages.panels import UPDATE_INDEX_PAGE_PANELS, panels_for
from hub.pages.restrictions import RestrictionsMemoMixin, public


class UpdateIndexPage(PublicAddressMixin, RestrictionsMemoMixin, RoutablePageMixin, Page):
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.UpdatePage"]
    max_count = 1

    def updates(self):
        return public(UpdatePage.objects.child_of(self).live()).order_by("-date", "-pk")

    @path("")
    def index(self, request):
        paginator = Paginator(self.updates(), 10)
        page_of_updates = paginator.get_page(request.GET.get("page"))
        return self.render(
            request,
            context_overrides={
                "updates": page_of_updates,
                "panels": panels_for(UPDATE_INDEX_PAGE_PANELS, page=self, request=request),
            },
        )

    @path("feed/rss/", name="rss")
    def rss_feed(self, request):
        from hub.pages.feeds import UpdatesRssFeed

        return UpdatesRssFeed(self)(request)

    @path("feed/atom/", name="atom")
    def atom_feed(self, request):
        from hub.pages.feeds import UpdatesAtomFeed

        return UpdatesAtomFeed(self)(request)


class UpdatePage(PublicAddressMixin, RestrictionsMemoMixin, Page):
    date = models.DateField(default=timezone.localdate)
    summary = models.TextField(help_text="Shown in lists and feeds.")
    body = StreamField(ContentBlock())

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    api_fields = [APIField("date"), APIField("summary"), APIField("body")]

    parent_page_types = ["pages.UpdateIndexPage"]
    subpage_types = []
