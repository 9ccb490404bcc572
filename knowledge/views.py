"""The site search page. The search itself is `knowledge.search.site_search`."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.views.decorators.http import require_GET

from knowledge.search import KINDS, site_search


@require_GET
def search(request):
    outcome = site_search(
        query=request.GET.get("q", ""),
        kind=request.GET.get("type") or None,
        page_number=request.GET.get("page"),
    )
    kept = [("q", outcome.query.text)]
    if outcome.kind:
        kept.append(("type", outcome.kind.slug))
    return render(
        request,
        "search/search.html",
        {"search": outcome, "kinds": KINDS, "query_prefix": urlencode(kept)},
    )
