"""The home page: where the strategy is, what is open, what is new, how to take part."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from hub.core.public_address import PublicAddressMixin
from hub.pages import selectors
from hub.pages.panels import HOME_PAGE_PANELS, panels_for
from hub.pages.restrictions import RestrictionsMemoMixin


class HomePage(PublicAddressMixin, RestrictionsMemoMixin, Page):
    intro = models.TextField(help_text="One or two sentences under the title.")
    get_involved = RichTextField(features=["bold", "italic", "link", "ul"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("get_involved")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def route(self, request, path_components):
        # Most addresses are a live page's: found in one query instead of two a level.
        page = selectors.live_page_at(self, path_components) if path_components else None
        if page is None:
            return super().route(request, path_components)
        if page.depth == self.depth + 1:
            page._cached_parent_obj = self  # as Wagtail's walk leaves it, saving a query
        return page.route(request, [])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.home_page_context())
        context["panels"] = panels_for(HOME_PAGE_PANELS, page=self, request=request)
        return context
