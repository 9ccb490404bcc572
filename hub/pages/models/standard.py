"""Plain content pages: the get-involved page and general pages (privacy, accessibility)."""

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from hub.core.blocks import ContentBlock
from hub.core.public_address import PublicAddressMixin
from hub.pages import selectors
from hub.pages.panels import GET_INVOLVED_PAGE_PANELS, panels_for
from hub.pages.restrictions import RestrictionsMemoMixin


class StandardPage(PublicAddressMixin, RestrictionsMemoMixin, Page):
    intro = models.TextField(blank=True)
    body = StreamField(ContentBlock(), blank=True)
    show_in_footer = models.BooleanField(default=False, help_text="List this page in the footer.")

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    promote_panels = [*Page.promote_panels, FieldPanel("show_in_footer")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    subpage_types = ["pages.StandardPage"]


class GetInvolvedPage(PublicAddressMixin, RestrictionsMemoMixin, Page):
    """How to take part: the ways in, with links to open consultations and subscriptions."""

    intro = models.TextField()
    body = StreamField(ContentBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["pages.HomePage"]
    subpage_types = []
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["panels"] = panels_for(GET_INVOLVED_PAGE_PANELS, page=self, request=request)
        context["updates_index"] = selectors.first_live_page("pages.UpdateIndexPage")
        context["contact_email"] = settings.CONTACT_EMAIL
        return context
