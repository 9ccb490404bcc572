"""Read side of the working group's synthesis views: what a consultation's items in the
analysis say, counted in the database (GROUP BY with COUNT), so that a dashboard costs
the same few queries at a hundred items as at a hundred thousand.

Every count here is of items in the analysis (FeedbackItem.in_analysis): withdrawn and
rejected words, and texts removed by the retention rule, never count. A theme counts its
own codes; a sub-theme is a row of its own ("Parent: Child").
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone

from consultation.feedback.models import COMMENT_KINDS, FeedbackItem
from consultation.models import Status
from consultation.synthesis.models import Coding, PinnedQuote, Stance, Theme
from hub.accounts.models import Region, Sector
from hub.pages.versions import block_text, paragraphs_of

# The cross-tabulations: what the columns are, which item field (through a coding, and
# directly on an item) holds the column's value, and what a blank value is called.
# "column" percentages are of the column's items in the analysis (a sector's, a region's);
# "row" percentages of the theme's items (how its items stand).
CROSS_TABS = {
    "sectors": {
        "title": "Themes by stakeholder sector",
        "choices": Sector.choices,
        "blank": "Not given",
        "coded": "item__author_sector",
        "item": "author_sector",
        "percent_of": "column",
    },
    "regions": {
        "title": "Themes by region",
        "choices": Region.choices,
        "blank": "Not given",
        "coded": "item__author_region",
        "item": "author_region",
        "percent_of": "column",
    },
    "stance": {
        "title": "Stance by theme",
        "choices": Stance.choices,
        "blank": "Not set",
        "coded": "item__review__stance",
        "item": "review__stance",
        "percent_of": "row",
    },
}
MAX_QUOTES = 200  # pinned quotes shown at once (chosen by hand: far fewer in practice)
MAX_WEEKS = 260  # five years of weeks at most on the volume chart


def items_in_analysis(consultation):
    return FeedbackItem.objects.filter(consultation=consultation, in_analysis=True)


def themes_of(consultation):
    """The codebook in its order, sub-themes after their theme."""
    themes = list(Theme.objects.filter(consultation=consultation).select_related("parent"))
    tops = [theme for theme in themes if theme.parent_id is None]
    children = {}
    for theme in themes:
        if theme.parent_id is not None:
            children.setdefault(theme.parent_id, []).append(theme)
    ordered = []
    for top in tops:
        ordered.append(top)
        ordered.extend(children.get(top.pk, []))
    return ordered


@dataclass
class Cell:
    count: int
    percent: float | None


@dataclass
class CrossTabRow:
    theme: Theme
    cells: list
    total: int


@dataclass
class CrossTab:
    key: str
    title: str
    columns: list  # (value, label)
    rows: list
    column_totals: list  # items in the analysis per column
    percent_of: str
    items_total: int = 0
    sort: str = "theme"
    order: str = "asc"

    def sorted(self, sort, order):
        """The table sorted by `sort` ("theme", "total" or a column's value) in `order`
        ("asc" or "desc"); anything else keeps the codebook's order."""
        values = [value for value, _ in self.columns]
        reverse = order == "desc"
        if sort == "total":
            rows = sorted(self.rows, key=lambda row: row.total, reverse=reverse)
        elif sort in values:
            at = values.index(sort)
            rows = sorted(self.rows, key=lambda row: row.cells[at].count, reverse=reverse)
        elif sort == "theme" and reverse:
            rows = list(reversed(self.rows))
        else:
            sort, reverse, rows = "theme", False, self.rows
        return CrossTab(
            key=self.key,
            title=self.title,
            columns=self.columns,
            rows=rows,
            column_totals=self.column_totals,
            percent_of=self.percent_of,
            items_total=self.items_total,
            sort=sort,
            order="desc" if reverse else "asc",
        )


def _percent(count, whole):
    return round(100 * count / whole, 1) if whole else None


def cross_tab(consultation, key, *, themes=None):
    """Themes by sector, region or stance (CROSS_TABS[key]): two queries, whatever the
    number of items."""
    spec = CROSS_TABS[key]
    themes = themes_of(consultation) if themes is None else themes
    columns = [("", spec["blank"]), *spec["choices"]]
    columns = [*columns[1:], columns[0]]  # the blank value last
    counts = {}
    for row in (
        Coding.objects.filter(theme__consultation=consultation, item__in_analysis=True)
        .values("theme_id", spec["coded"])
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[(row["theme_id"], row[spec["coded"]] or "")] = row["n"]
    totals = {}
    for row in (
        items_in_analysis(consultation).values(spec["item"]).annotate(n=Count("pk")).order_by()
    ):
        value = row[spec["item"]] or ""
        totals[value] = totals.get(value, 0) + row["n"]
    column_totals = [totals.get(value, 0) for value, _ in columns]
    rows = []
    for theme in themes:
        numbers = [counts.get((theme.pk, value), 0) for value, _ in columns]
        total = sum(numbers)
        if spec["percent_of"] == "row":
            cells = [Cell(n, _percent(n, total)) for n in numbers]
        else:
            cells = [
                Cell(n, _percent(n, whole)) for n, whole in zip(numbers, column_totals, strict=True)
            ]
        rows.append(CrossTabRow(theme=theme, cells=cells, total=total))
    return CrossTab(
        key=key,
        title=spec["title"],
        columns=columns,
        rows=rows,
        column_totals=column_totals,
        percent_of=spec["percent_of"],
        items_total=sum(column_totals),
    )


@dataclass
class HeatParagraph:
    label: str
    text: str
    count: int
    level: int  # 0 (nothing said) to 4 (the most said about any paragraph)
    search_url: str


@dataclass
class HeatSection:
    section: object
    paragraphs: list = field(default_factory=list)
    total: int = 0


def _level(count, largest):
    if not count:
        return 0
    return min(4, 1 + int(3 * count / largest)) if largest else 0


def _search_url(consultation, section, paragraph_id=None):
    params = f"?consultation={consultation.pk}&section={section.pk}"
    if paragraph_id:
        params += f"&paragraph={paragraph_id}"
    return reverse("synthesis:search") + params


def draft_heat(consultation):
    """Each paragraph of each section the consultation covers, with how many items in the
    analysis were said about it (two queries: the counts, and the sections). Items on the
    whole section, and on paragraphs later versions removed, are rows of their own."""
    counts = {}
    for row in (
        items_in_analysis(consultation)
        .filter(section__isnull=False)
        .values("section_id", "paragraph_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[(row["section_id"], row["paragraph_id"])] = row["n"]
    largest = max(counts.values(), default=0)
    heat = []
    for section in consultation.sections.order_by("path"):
        found = HeatSection(section=section)
        current = paragraphs_of(section)
        for paragraph in current:
            count = counts.get((section.pk, paragraph.id), 0)
            found.paragraphs.append(
                HeatParagraph(
                    label=f"Paragraph {paragraph.number}",
                    text=block_text(paragraph.block),
                    count=count,
                    level=_level(count, largest),
                    search_url=_search_url(consultation, section, paragraph.id),
                )
            )
        known = {paragraph.id for paragraph in current} | {""}
        removed = sum(
            n
            for (section_id, pid), n in counts.items()
            if section_id == section.pk and pid not in known
        )
        rest = [("The whole section", counts.get((section.pk, ""), 0))]
        if removed:
            rest.append(("Paragraphs no longer in the draft", removed))
        for label, count in rest:
            found.paragraphs.append(
                HeatParagraph(
                    label=label,
                    text="",
                    count=count,
                    level=_level(count, largest),
                    search_url=_search_url(consultation, section),
                )
            )
        found.total = sum(paragraph.count for paragraph in found.paragraphs)
        heat.append(found)
    return heat


def weekly_volume(consultation):
    """(Monday, items) for every week from the first item's to the last's (empty weeks
    too), in one query."""
    rows = list(
        items_in_analysis(consultation)
        .annotate(week=TruncWeek("created_at", tzinfo=timezone.get_current_timezone()))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by("week")
    )
    if not rows:
        return []
    by_day = {_day(row["week"]): row["n"] for row in rows}
    first, last = min(by_day), max(by_day)
    weeks = []
    day = first
    while day <= last and len(weeks) < MAX_WEEKS:
        weeks.append((day, by_day.get(day, 0)))
        day += datetime.timedelta(days=7)
    return weeks


def _day(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def quotable_items():
    """Items whose words anyone may read on the site and which carry nothing of who wrote
    them: published comments, replies and posts of a consultation whose comments are
    public, still in the analysis. Never questionnaire answers or imported responses (sent
    to the working group, not published), and never a name."""
    return FeedbackItem.objects.filter(
        source_kind__in=COMMENT_KINDS,
        moderation_state=Status.PUBLISHED,
        in_analysis=True,
        consultation__comments_public=True,
    )


def pinned_quotes(consultation):
    """The quotes pinned to each theme that may still be quoted (a comment hidden or
    withdrawn since it was pinned drops out): {theme id: [PinnedQuote]}, in one query."""
    quotes = (
        PinnedQuote.objects.filter(
            theme__consultation=consultation, item__in=quotable_items().values("pk")
        )
        .select_related("item", "theme", "item__section")
        .order_by("theme__sort_order", "theme__name", "pinned_at", "pk")[:MAX_QUOTES]
    )
    found = {}
    for quote in quotes:
        found.setdefault(quote.theme_id, []).append(quote)
    return found


def may_pin(item):
    return quotable_items().filter(pk=item.pk).exists()
