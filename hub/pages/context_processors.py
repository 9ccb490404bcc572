"""Navigation shared by every page: each part worked out once for the whole site, when a page
first shows it, and kept until the page tree changes (hub.core.page_cache's memo), not read
from the database per request."""

from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from hub.core.page_cache import memo
from hub.pages import selectors


def navigation(request):
    host = request.get_host()

    def site_menu():
        site = Site.find_for_request(request)
        return selectors.menu_items(site.root_page if site else None, request)

    def shared(name, compute):
        # The same for every reader of this site: only which menu item is current differs.
        return SimpleLazyObject(lambda: memo(f"navigation:{host}:{name}", compute))

    menu = shared("menu", site_menu)
    return {
        "menu_pages": SimpleLazyObject(lambda: selectors.marked_current(menu, request.path)),
        "footer_pages": shared("footer", lambda: selectors.footer_items(request)),
        "feeds_index_url": shared("feeds", lambda: selectors.updates_index_url(request)),
        # Where every "contact us" links (read only by the pages that show one).
        "contact_url": shared("contact", selectors.contact_url),
    }
