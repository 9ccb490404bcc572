"""Navigation shared by every page: menus are read once per request."""

from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from hub.pages import selectors


def navigation(request):
    def site_root():
        site = Site.find_for_request(request)
        return site.root_page if site else None

    return {
        "menu_pages": SimpleLazyObject(lambda: selectors.menu_items(site_root(), request)),
        "footer_pages": SimpleLazyObject(lambda: selectors.footer_items(request)),
        "feeds_index_url": SimpleLazyObject(lambda: selectors.updates_index_url(request)),
        # Where every "contact us" links (read only by the pages that show one).
        "contact_url": SimpleLazyObject(selectors.contact_url),
    }
