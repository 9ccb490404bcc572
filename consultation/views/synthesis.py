"""The working group's synthesis area (Working group and superusers, with a second factor):
the feedback search page, the download of a search's results, one item's page, and the
exports page (every item or questionnaire response of a consultation)."""

from urllib.parse import urlencode

from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from consultation import search
from consultation.feedback.export import FORMATS
from consultation.models import Consultation
from consultation.search.types import PAGE_SIZES, SORTS, FeedbackQuery, unreadable_dates
from consultation.selectors import coding as coding_selectors
from consultation.selectors import exports as export_selectors
from consultation.selectors import feedback as selectors
from consultation.services import exports as export_services
from consultation.views import coding
from hub.accounts.decorators import staff_view
from hub.accounts.rules import is_working_group

SORT_LABELS = {"relevance": "Best match", "newest": "Newest first", "oldest": "Oldest first"}
DATE_LEGENDS = {"date_from": "Sent on or after", "date_to": "Sent on or before"}
DATE_PARTS = ("day", "month", "year")


def _date_inputs(request, query):
    """The search form's two dates as their fields show them: the date the query uses, or,
    where what was typed is not a date, what was typed with the problem to show at the
    fields and in the error summary."""
    unreadable = unreadable_dates(request.GET)
    inputs = []
    for name, legend in DATE_LEGENDS.items():
        used = getattr(query, name)
        if name in unreadable:
            parts = {part: request.GET.get(f"{name}-{part}", "")[:4] for part in DATE_PARTS}
        elif used:
            parts = {"day": used.day, "month": used.month, "year": used.year}
        else:
            parts = {}
        problem = (
            f"{legend} must be a real date, for example 31 3 2027. The search left it out."
            if name in unreadable
            else ""
        )
        inputs.append(
            {
                "name": name,
                "legend": legend,
                "parts": parts,
                "problem": problem,
                "target": f"{name}-day",
            }
        )
    return inputs


def _link(name, query, **changes):
    params = query.as_params(**changes)
    return reverse(name) + (f"?{urlencode(params)}" if params else "")


@staff_view(is_working_group)
def search_page(request):
    query = FeedbackQuery.from_querydict(request.GET)
    results = search.run(query)
    hits = selectors.items_for_hits(results.hits)
    coding_selectors.with_themes([item for _hit, item in hits])
    date_inputs = _date_inputs(request, query)
    download_url = _link("synthesis:download", query, page=1)
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
            "hits": hits,
            "bulk": coding.bulk_panel(query, results),
            "pages": pages,
            "sorts": [(key, SORT_LABELS[key]) for key in SORTS],
            "page_sizes": PAGE_SIZES,
            "download_url": download_url,
            "download_jsonl_url": download_url
            + ("&" if "?" in download_url else "?")
            + "format=jsonl",
            "searched": bool(request.GET),
            "date_inputs": date_inputs,
            "date_errors": [date for date in date_inputs if date["problem"]],
        },
    )


YES, NO = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def _chosen(request):
    """(format name, anonymised) from the query (csv and full unless asked), or a message
    saying what is wrong: a mistyped `anonymised` must never give a full export."""
    format_name = request.GET.get("format", "csv")
    anonymised = request.GET.get("anonymised", "").lower()
    if format_name not in FORMATS:
        return None, f"There is no format {format_name!r}: choose {' or '.join(FORMATS)}."
    if anonymised not in YES + NO:
        return None, "Say anonymised=1 for an anonymised export, or leave it out."
    return (format_name, anonymised in YES), None


def _refused(message):
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _streamed(chunks, fmt, filename):
    response = StreamingHttpResponse(chunks, content_type=fmt.content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_view(is_working_group)
def download(request):
    """Every item the search finds (not only one page), streamed as CSV or JSON Lines
    (format=jsonl), anonymised if asked (anonymised=1); the download is written to the
    audit log first, with who asked, the search and how many items."""
    query = FeedbackQuery.from_querydict(request.GET)
    chosen, problem = _chosen(request)
    if problem:
        return _refused(problem)
    format_name, anonymised = chosen
    item_ids = search.matching_ids(query)
    export_services.download_record(
        user=request.user,
        query=query,
        count=len(item_ids),
        format_name=format_name,
        anonymised=anonymised,
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    fmt = FORMATS[format_name]
    chunks = export_selectors.search_export(
        item_ids, format_name=format_name, anonymised=anonymised
    )
    return _streamed(chunks, fmt, f"feedback-{stamp}.{fmt.extension}")


@staff_view(is_working_group)
def exports(request):
    """The exports page: for each consultation, links to download every item or response."""
    return render(
        request,
        "consultation/synthesis/exports.html",
        {"consultations": export_selectors.consultations_to_export()},
    )


@staff_view(is_working_group)
def export(request, slug, what):
    """Every item or submitted response of one consultation, streamed in the format asked
    (csv or jsonl), full or anonymised; written to the audit log before it is sent."""
    consultation = get_object_or_404(Consultation, slug=slug)
    if what not in export_selectors.WHAT:
        raise Http404("No such export")
    chosen, problem = _chosen(request)
    if problem:
        return _refused(problem)
    format_name, anonymised = chosen
    found = export_selectors.consultation_export(
        consultation, what=what, format_name=format_name, anonymised=anonymised
    )
    if found is None:
        raise Http404("This consultation has no questionnaire")
    export_services.export_record(
        user=request.user,
        consultation=consultation,
        what=what,
        format_name=format_name,
        anonymised=anonymised,
        count=found.count,
    )
    return _streamed(found.chunks, found.format, found.filename)


@staff_view(is_working_group)
def item(request, item_id):
    found = selectors.item_detail(item_id)
    if found is None:
        raise Http404("No such feedback item")
    return coding.item_page(request, found)
