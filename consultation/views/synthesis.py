"""The working group's synthesis area (Working group and superusers, with a second factor):
the feedback search page, the download of a search's results, and one item's page."""

from urllib.parse import urlencode

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from consultation import search
from consultation.feedback.export import FORMATS, item_rows
from consultation.search.types import PAGE_SIZES, SORTS, FeedbackQuery
from consultation.selectors import feedback as selectors
from consultation.services import exports as export_services
from hub.accounts.decorators import staff_view
from hub.accounts.rules import is_working_group

SORT_LABELS = {"relevance": "Best match", "newest": "Newest first", "oldest": "Oldest first"}


def _link(name, query, **changes):
    params = query.as_params(**changes)
    return reverse(name) + (f"?{urlencode(params)}" if params else "")


@staff_view(is_working_group)
def search_page(request):
    query = FeedbackQuery.from_querydict(request.GET)
    results = search.run(query)
    pages = {}
    if results.has_previous:
        pages["previous"] = _link("synthesis:search", query, page=results.page - 1)
    if results.has_next:
        pages["next"] = _link("synthesis:search", query, page=results.page + 1)
    return render(
        request,
        "consultation/synthesis/search.html",
        {
            "query": query,
            "results": results,
            "hits": selectors.items_for_hits(results.hits),
            "pages": pages,
            "sorts": [(key, SORT_LABELS[key]) for key in SORTS],
            "page_sizes": PAGE_SIZES,
            "download_url": _link("synthesis:download", query, page=1),
            "searched": bool(request.GET),
        },
    )


@staff_view(is_working_group)
def download(request):
    """Every item the search finds (not only one page), streamed as CSV; the download is
    written to the audit log first, with who asked, the search and how many items."""
    query = FeedbackQuery.from_querydict(request.GET)
    item_ids = search.matching_ids(query)
    export = FORMATS["csv"]
    export_services.download_record(
        user=request.user, query=query, count=len(item_ids), format_name=export.name
    )
    response = StreamingHttpResponse(
        export.chunks(item_rows(item_ids)), content_type=export.content_type
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="feedback-{stamp}.{export.extension}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_view(is_working_group)
def item(request, item_id):
    found = selectors.item_detail(item_id)
    if found is None:
        raise Http404("No such feedback item")
    return render(request, "consultation/synthesis/item.html", {"item": found})
