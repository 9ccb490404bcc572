"""The public, read-only JSON API (Wagtail API v2) at /api/v2/.

Two endpoints, both over live, public pages only (drafts and private pages never appear):
`resources` (the knowledge library) and `pages` (every page, filterable by type). Only GET
is routed, so any write method gets 405. Images and documents have no endpoint of their
own: the site has no public image library, and a resource gives its document's address.
Fields are listed per page model in `api_fields`; no field names a user. Every address in
it (`html_url`, `detail_url`, `document_url`) is at the site's public address, SITE_URL.

`?search=` goes through the same query cleaning as the site search, so search syntax in it
is plain text and never reaches the engine's parser.
"""

import logging

from django.db import transaction
from django.http import Http404
from django.urls import NoReverseMatch
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.serializers import PageHtmlUrlField, PageSerializer
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.search.backends import get_search_backend

from hub.core.public_address import absolute_url
from knowledge.models import ResourcePage
from knowledge.search import backend_query, clean_query
from knowledge.selectors import live_section_links

logger = logging.getLogger(__name__)


class CleanedSearchFilter(SearchFilter):
    """`?search=` with the visitor's words only; every word must match."""

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        if getattr(queryset, "_filtered_by_tag", False):
            raise BadRequestError("filtering by tag with a search query is not supported")
        cleaned = clean_query(request.GET["search"])
        if not cleaned:
            return queryset.none()
        order_by_relevance = "order" not in request.GET
        return get_search_backend().search(
            backend_query(cleaned), queryset, order_by_relevance=order_by_relevance
        )


def _with_cleaned_search(filter_backends):
    return [CleanedSearchFilter if f is SearchFilter else f for f in filter_backends]


def with_listed_relations(queryset):
    """`queryset` fetching what its pages' API fields read, so a listing's query count does
    not grow with its items. Resources read their documents, topics and sections."""
    # `fields=*` reads each page's locale: join it rather than ask once per page.
    queryset = queryset.select_related("locale")
    if issubclass(queryset.model, ResourcePage):
        queryset = queryset.select_related("document", "transcript_document").prefetch_related(
            "tags", live_section_links()
        )
    return queryset


class PublicHtmlUrlField(PageHtmlUrlField):
    """A page's address at SITE_URL. Listings serialise plain Page rows, whose `full_url`
    would come from Wagtail's Site record rather than from SITE_URL."""

    def to_representation(self, page):
        try:
            parts = page.get_url_parts(request=self.context.get("request"))
        except NoReverseMatch:
            return None
        if parts is None or parts[2] is None:
            return None
        return absolute_url(parts[2])


class HubPageSerializer(PageSerializer):
    html_url = PublicHtmlUrlField(read_only=True)


class HubPagesAPIViewSet(PagesAPIViewSet):
    base_serializer_class = HubPageSerializer
    filter_backends = _with_cleaned_search(PagesAPIViewSet.filter_backends)

    def get_queryset(self):
        # The queryset is of the model `?type=` names (or of this endpoint's model).
        return with_listed_relations(super().get_queryset())

    def listing_view(self, request):
        if "search" not in request.GET:
            return super().listing_view(request)
        try:
            with transaction.atomic():
                return super().listing_view(request)
        except (APIException, BadRequestError, Http404):
            raise
        except Exception:  # the engine may be down: say so, never a server error
            logger.exception("API search failed")
            return Response({"message": "search is unavailable at the moment"}, status=503)


class ResourcesAPIViewSet(HubPagesAPIViewSet):
    """The library's resources. Filter by any listed field, e.g. `?resource_type=video`."""

    model = ResourcePage

    listing_default_fields = [
        *PagesAPIViewSet.listing_default_fields,
        "resource_type",
        "publication_date",
        "date_precision",
        "publisher",
    ]


api_router = WagtailAPIRouter("wagtailapi")
# Registered first so a resource's detail_url points at the resources endpoint.
api_router.register_endpoint("resources", ResourcesAPIViewSet)
api_router.register_endpoint("pages", HubPagesAPIViewSet)
