"""The site's page view restrictions, read once per generation of the page cache (one query
until a restriction, or anything else in the page tree, changes), and every check of them
that needs no reader: which pages a queryset may show anyone (`public`), and the
restrictions Wagtail checks before serving a page (`RestrictionsMemoMixin`). What one reader
may see is hub.pages.privacy's, from the same list. Kept apart from it so that page models
can use it while the models load."""

from django.db.models import F, Q
from wagtail.models import PageViewRestriction

from hub.core.page_cache import memo


def view_restrictions():
    """Every view restriction of the site, each with its page's tree path (`page_path`) and
    its groups, read once per generation of the page cache."""

    def compute():
        restrictions = PageViewRestriction.objects.annotate(page_path=F("page__path"))
        return list(restrictions.prefetch_related("groups").order_by("page_path", "pk"))

    return memo("view-restrictions", compute)


def restricted_paths():
    """The tree paths of every restricted page (a restriction covers the pages below)."""
    return tuple(sorted({restriction.page_path for restriction in view_restrictions()}))


def public(queryset, path_field="path"):
    """`queryset` of pages (or of rows whose page is reached through `path_field`) without
    those under a view restriction, as Wagtail's `.public()` but with no query of its own."""
    q = Q()
    for path in restricted_paths():
        q |= Q(**{f"{path_field}__startswith": path})
    return queryset.exclude(q) if q else queryset


class RestrictionsMemoMixin:
    """For every page model: the view restrictions Wagtail checks before serving the page
    come from the memoised list rather than two queries a request (the page's ancestors,
    then their restrictions). An alias takes its source's restrictions: Wagtail's own way."""

    def get_view_restrictions(self):
        if self.alias_of_id:
            return super().get_view_restrictions()
        return [r for r in view_restrictions() if self.path.startswith(r.page_path)]
