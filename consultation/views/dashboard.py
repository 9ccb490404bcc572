"""The working group's synthesis views of one consultation (Working group and superusers,
with a second factor): the dashboard of themes by sector, region and stance, the heat map
of the draft, volume over time and pinned quotes, each figure with its table and a CSV of
it; the printable report; and pinning a quote to a theme."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from consultation.feedback.export import neutralise
from consultation.feedback.models import FeedbackItem
from consultation.models import Consultation
from consultation.selectors import dashboard as selectors
from consultation.synthesis import charts, outcomes
from consultation.synthesis.forms.outcomes import PinForm
from consultation.synthesis.models import PinnedQuote, Theme
from hub.accounts.decorators import staff_view
from hub.accounts.rules import is_working_group

CSV_TABLES = (*selectors.CROSS_TABS, "paragraphs", "weeks", "quotes")
NUMERIC_FIRST = "desc"  # a count column sorts largest first on its first click


def _sort_headers(request, table):
    """The table's column headers as links that sort by them (no JavaScript): each keeps
    the other tables' sorting, and says how the table is sorted now (aria-sort)."""
    headers = []
    keys = [("theme", "Theme"), *table.columns, ("total", "Total")]
    for value, label in keys:
        current = table.sort == value
        if current:
            order = "asc" if table.order == "desc" else "desc"
        else:
            order = "asc" if value == "theme" else NUMERIC_FIRST
        params = request.GET.copy()
        params[f"{table.key}_sort"] = value or "blank"
        params[f"{table.key}_order"] = order
        headers.append(
            {
                "label": label,
                "url": f"?{params.urlencode()}#table-{table.key}",
                "aria_sort": (
                    ("ascending" if table.order == "asc" else "descending") if current else None
                ),
            }
        )
    return headers


def _sort_of(request, key):
    sort = request.GET.get(f"{key}_sort", "theme")
    return ("" if sort == "blank" else sort), request.GET.get(f"{key}_order", "asc")


def _theme_names(table):
    return [str(row.theme) for row in table.rows]


def _figures(request, consultation):
    """Every figure of the dashboard and the report: the tables (sorted as asked) and
    their charts."""
    themes = selectors.themes_of(consultation)
    counted = selectors.counts(consultation)
    tables = []
    for key, table in selectors.cross_tabs(consultation, themes=themes, counted=counted).items():
        table = table.sorted(*_sort_of(request, key))
        what = (
            "share of the column's items"
            if table.percent_of == "column"
            else "share of the theme's items"
        )
        tables.append(
            {
                "table": table,
                "headers": _sort_headers(request, table),
                "csv_url": reverse("synthesis:dashboard_csv", args=[consultation.slug, key]),
                "percent_note": what,
                "chart": charts.grid_chart(
                    chart_id=f"chart-{key}",
                    title=table.title,
                    description=(
                        f"A grid of {len(table.rows)} themes by {len(table.columns)} columns; "
                        "each cell gives the number of items. The table beside it has the "
                        "same numbers with percentages."
                    ),
                    rows=_theme_names(table),
                    columns=[label for _, label in table.columns],
                    values=[[cell.count for cell in row.cells] for row in table.rows],
                ),
            }
        )
    sectors = tables[0]["table"]
    totals = charts.bar_chart(
        chart_id="chart-totals",
        title="Items per theme",
        description="One bar per theme, the number of items in the analysis with it.",
        bars=[charts.Bar(str(row.theme), row.total, row.theme.colour) for row in sectors.rows],
    )
    weeks = selectors.weekly_volume(consultation, counted=counted)
    volume = charts.column_chart(
        chart_id="chart-weeks",
        title="Items per week",
        description=(
            f"One column per week, {len(weeks)} weeks from the first item to the last; the "
            "table beside it lists each week."
        ),
        columns=[(f"{day:%d %b %Y}", count) for day, count in weeks],
    )
    quotes = selectors.pinned_quotes(consultation)
    return {
        "consultation": consultation,
        "themes": themes,
        "tables": tables,
        "items_total": sectors.items_total,
        "totals_chart": totals,
        "theme_totals": sectors.rows,
        "heat": selectors.draft_heat(consultation, counted=counted),
        "weeks": weeks,
        "volume_chart": volume,
        "quotes": [(theme, quotes[theme.pk]) for theme in themes if theme.pk in quotes],
        "csv": {
            name: reverse("synthesis:dashboard_csv", args=[consultation.slug, name])
            for name in CSV_TABLES
        },
    }


@staff_view(is_working_group)
def consultations(request):
    """Each consultation with links to its dashboard, report and responses."""
    return render(
        request,
        "consultation/synthesis/consultations.html",
        {"consultations": Consultation.objects.order_by("-opens_at")},
    )


@staff_view(is_working_group)
def dashboard(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    return render(request, "consultation/synthesis/dashboard.html", _figures(request, consultation))


@staff_view(is_working_group)
def report(request, slug):
    """The dashboard as a document to print (or save as PDF from the browser)."""
    consultation = get_object_or_404(Consultation, slug=slug)
    context = _figures(request, consultation)
    context["printed_at"] = timezone.now()
    return render(request, "consultation/synthesis/report.html", context)


def _rows_of(consultation, table):
    if table in selectors.CROSS_TABS:
        found = selectors.cross_tab(consultation, table)
        head = ["Theme", "Parent theme"]
        for _, label in found.columns:
            head += [f"{label} (items)", f"{label} (%)"]
        yield [*head, "Total"]
        for row in found.rows:
            theme = row.theme
            line = [theme.name, theme.parent.name if theme.parent_id else ""]
            for cell in row.cells:
                line += [cell.count, "" if cell.percent is None else cell.percent]
            yield [*line, row.total]
        yield ["Items in the analysis", "", *[x for n in found.column_totals for x in (n, "")],
               found.items_total]  # fmt: skip
    elif table == "paragraphs":
        yield ["Section", "Paragraph", "Text", "Items"]
        for section in selectors.draft_heat(consultation):
            for paragraph in section.paragraphs:
                yield [section.section.title, paragraph.label, paragraph.text, paragraph.count]
    elif table == "weeks":
        yield ["Week beginning", "Items"]
        for day, count in selectors.weekly_volume(consultation):
            yield [day.isoformat(), count]
    else:
        yield ["Theme", "Item", "Quote", "Pinned at"]
        for quotes in selectors.pinned_quotes(consultation).values():
            for quote in quotes:
                yield [
                    str(quote.theme),
                    quote.item_id,
                    quote.item.text,
                    quote.pinned_at.isoformat(),
                ]


@staff_view(is_working_group)
def dashboard_csv(request, slug, table):
    consultation = get_object_or_404(Consultation, slug=slug)
    if table not in CSV_TABLES:
        raise Http404("No such table")
    outcomes.dashboard_download_record(user=request.user, consultation=consultation, table=table)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _rows_of(consultation, table):
        writer.writerow([neutralise(value) if isinstance(value, str) else value for value in row])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = (
        f'attachment; filename="{consultation.slug}-{table}-{stamp}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_view(is_working_group)
@require_http_methods(["GET", "POST"])
def pin(request, item_id):
    """Pin an item to one of its consultation's themes as a representative quote."""
    item = get_object_or_404(FeedbackItem.objects.select_related("consultation"), pk=item_id)
    themes = Theme.objects.filter(consultation=item.consultation).select_related("parent")
    quotable = selectors.may_pin(item)
    form = PinForm(request.POST or None, themes=themes)
    if request.method == "POST" and quotable and form.is_valid():
        try:
            outcomes.quote_pin(
                actor=request.user,
                theme=form.cleaned_data["theme"],
                item=item,
                confirmed=form.cleaned_data["confirmed"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Pinned as a quote for “{form.cleaned_data['theme']}”.")
            return redirect(
                reverse("synthesis:dashboard", args=[item.consultation.slug]) + "#quotes"
            )
    return render(
        request,
        "consultation/synthesis/pin.html",
        {"item": item, "form": form, "quotable": quotable, "has_themes": themes.exists()},
    )


@staff_view(is_working_group)
@require_POST
def unpin(request, quote_id):
    quote = get_object_or_404(
        PinnedQuote.objects.select_related("theme__consultation"), pk=quote_id
    )
    slug = quote.theme.consultation.slug
    outcomes.quote_unpin(actor=request.user, quote=quote)
    messages.success(request, "The quote is no longer pinned.")
    return redirect(reverse("synthesis:dashboard", args=[slug]) + "#quotes")
