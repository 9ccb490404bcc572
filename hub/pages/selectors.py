"""Read-only queries used by the public pages; views and templates never build querysets."""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page

from hub.core.page_cache import memo
from hub.core.public_address import absolute_url
from hub.pages.restrictions import public


def home_page_context():
    """What the home page shows besides its own fields and the apps' panels: the current
    phase, the three latest updates, the strategy and the get-involved page, worked out once
    per generation of the page cache (each is a page or a row of the page tree)."""

    def compute():
        return {
            "current_phase": current_phase(),
            "latest_updates": latest_updates(limit=3),
            "strategy": strategy_page(),
            "get_involved_page": first_live_page("pages.GetInvolvedPage"),
        }

    return memo("home-page-context", compute)


def current_phase():
    from hub.pages.models import Phase

    return Phase.objects.filter(is_current=True, page__live=True).select_related("page").first()


def latest_updates(*, limit):
    from hub.pages.models import UpdatePage

    return list(public(UpdatePage.objects.live()).order_by("-date", "-pk")[:limit])


def strategy_page():
    from hub.pages.models import StrategyPage

    return public(StrategyPage.objects.live()).first()


def first_live_page(model_label):
    model = apps.get_model(model_label)
    return public(model.objects.live()).first()


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str
    current: bool


def menu_items(site_root, request):
    """Top navigation: the home page's live children marked 'show in menus' (none marked
    current: that depends on the page shown, see marked_current)."""
    if site_root is None:
        return []
    pages = public(site_root.get_children().live()).in_menu()
    return [MenuItem(page.title, page.get_url(request), current=False) for page in pages]


def marked_current(items, path):
    """`items` with the one whose address `path` is in marked current."""
    return [
        MenuItem(item.title, item.url, current=bool(item.url) and path.startswith(item.url))
        for item in items
    ]


def footer_items(request):
    from hub.pages.models import StandardPage

    pages = public(StandardPage.objects.live()).filter(show_in_footer=True)
    return [MenuItem(page.title, page.get_url(request), current=False) for page in pages]


def section_neighbours(section, request):
    """The live, public sections before and after `section` ({previous,next}_section: a
    MenuItem or None), worked out once until the page tree changes."""

    def compute():
        siblings = {
            "previous_section": public(section.get_prev_siblings().live()).first(),
            "next_section": public(section.get_next_siblings().live()).first(),
        }
        return {
            name: page and MenuItem(page.title, page.get_url(request), current=False)
            for name, page in siblings.items()
        }

    return memo(f"section-neighbours:{request.get_host()}:{section.pk}", compute)


def live_page_at(site_root, path_components):
    """The live page whose address below `site_root` is `path_components`, as its specific
    model, in one query (Wagtail's walk down the tree takes two a level); None where that
    walk must decide: no live page has the address, or a routable page above it could
    answer for it, or it is an alias. The addresses are read once per generation."""
    addresses = memo(f"page-addresses:{site_root.pk}", lambda: _live_addresses(site_root))
    found = addresses.get("/".join(path_components))
    if found is None:
        return None
    content_type_id, pk = found
    return _model_of(content_type_id).objects.filter(pk=pk, live=True).first()


def _live_addresses(site_root):
    from wagtail.contrib.routable_page.models import RoutablePageMixin

    rows = site_root.get_descendants().values_list(
        "pk", "path", "url_path", "content_type_id", "live", "alias_of_id"
    )
    routable = tuple(
        path
        for _pk, path, _url, content_type_id, live, _alias in rows
        if live and issubclass(_model_of(content_type_id), RoutablePageMixin)
    )
    start = len(site_root.url_path)
    return {
        url_path[start:].strip("/"): (content_type_id, pk)
        for pk, path, url_path, content_type_id, live, alias_of_id in rows
        if live
        and alias_of_id is None
        and not any(path.startswith(above) and path != above for above in routable)
    }


def _model_of(content_type_id):
    return ContentType.objects.get_for_id(content_type_id).model_class() or Page


def breadcrumbs(page, request, *, include_page=False):
    """The breadcrumb trail to `page`: the home page, then each ancestor below it, oldest
    first; and `page` itself when a view below it is showing (a section's versions, say).
    Empty on the home page and on anything that is not a page. The ancestors are worked
    out once per page until the page tree changes."""
    if not isinstance(page, Page):
        return []
    host = request.get_host() if request else ""
    trail = memo(f"breadcrumbs:{host}:{page.pk}", lambda: _ancestor_crumbs(page, request))
    if include_page:
        trail = [*trail, _crumb(page, request)]
    return trail


def _crumb(page, request):
    return MenuItem("Home" if page.depth == 2 else page.title, page.get_url(request), False)


def _ancestor_crumbs(page, request):
    ancestors = page.get_ancestors().filter(depth__gte=2).only("title", "url_path", "path", "depth")
    return [_crumb(crumb, request) for crumb in ancestors]


def contact_url(*, absolute=False):
    """Where "contact us" leads: the contact section of the get-involved page; without that
    page, the team's email address (CONTACT_EMAIL); failing both, the home page. With
    `absolute`, a URL at the public address (for emails)."""
    from hub.pages.models import GetInvolvedPage

    page = public(GetInvolvedPage.objects.live()).first()
    if page is not None:
        return f"{page.full_url if absolute else page.url}#contact"
    if settings.CONTACT_EMAIL:
        return f"mailto:{settings.CONTACT_EMAIL}"
    return absolute_url("/") if absolute else "/"


def updates_index_url(request):
    from hub.pages.models import UpdateIndexPage

    index = public(UpdateIndexPage.objects.live()).first()
    return index.get_url(request) if index else ""
