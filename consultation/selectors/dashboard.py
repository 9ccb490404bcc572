"""Read side of the working group's synthesis views: what a consultation's items in the
analysis say, counted in the database (GROUP BY with COUNT), so that a dashboard costs
the same few queries at a hundred items as at a hundred thousand.

Every count here is of items in the analysis (FeedbackItem.in_analysis): withdrawn and
rejected words, and texts removed by the retention rule, never count. A theme counts its
own codes; a sub-theme is a row of its own ("Parent: Child").
"""

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import CharField, Count, Func
from django.urls import reverse
from django.utils import timezone

from consultation.feedback.models import COMMENT_KINDS, FeedbackItem
from consultation.models import Status
from consultation.search.backends import item_changes
from consultation.synthesis.models import Coding, FiguresVersion, PinnedQuote, Stance, Theme
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
# How long counts are kept at most: their key changes with whatever they count, so this
# only clears out keys no longer asked for.
FIGURES_SECONDS = 24 * 60 * 60


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


def _grouped(queryset, fields):
    """{(value of each field, blank as ""): count} of `queryset` grouped by `fields`."""
    found = {}
    for row in queryset.values(*fields).annotate(n=Count("pk")).order_by():
        key = tuple(row[name] or "" for name in fields)
        found[key] = found.get(key, 0) + row["n"]
    return found


@dataclass(frozen=True)
class Counts:
    """What the figures are drawn from, counted in the database: per cross-tab, items per
    (theme id, column value) and per column value; items per (section id, paragraph id);
    items per local Monday. Kept (see `counts`) until a code, a stance or an item changes."""

    coded: dict
    items: dict
    paragraphs: dict
    mondays: dict


def _count(consultation):
    """Counts of `consultation`: four GROUP BY queries, whatever the number of items (the
    codes grouped by theme, sector, region and stance at once; the items by the three; the
    items by paragraph; by UTC hour)."""
    specs = list(CROSS_TABS.values())
    grouped_codes = _grouped(
        Coding.objects.filter(item__consultation=consultation, item__in_analysis=True),
        ["theme_id", *(spec["coded"] for spec in specs)],
    )
    grouped_items = _grouped(items_in_analysis(consultation), [spec["item"] for spec in specs])
    coded, items = {key: {} for key in CROSS_TABS}, {key: {} for key in CROSS_TABS}
    for at, key in enumerate(CROSS_TABS):
        for (theme_id, *values), n in grouped_codes.items():
            cell = (theme_id, values[at])
            coded[key][cell] = coded[key].get(cell, 0) + n
        for values, n in grouped_items.items():
            items[key][values[at]] = items[key].get(values[at], 0) + n
    return Counts(
        coded=coded,
        items=items,
        paragraphs=_paragraph_counts(consultation),
        mondays=_monday_counts(consultation),
    )


def _figures_key(consultation):
    """What the counts of `consultation` depend on, read before they are counted (so counts
    kept under a key are never older than it): the token its code and stance writers change
    (synthesis.figures), the item change log's position (every item written, by whatever
    wrote it), and the time zone weeks start in. None where the log cannot say."""
    position = item_changes.position(connection)
    if position is None:
        return None
    token = (
        FiguresVersion.objects.filter(consultation=consultation)
        .values_list("token", flat=True)
        .first()
    )
    zone = timezone.get_current_timezone_name()
    return f"synthesis-figures:{consultation.pk}:{token}:{position}:{zone}".replace(" ", "_")


def counts(consultation):
    """The Counts of `consultation`, from the cache while nothing they count has changed
    (two small queries), else counted and kept."""
    key = _figures_key(consultation)
    found = cache.get(key) if key else None
    if found is None:
        found = _count(consultation)
        if key:
            cache.set(key, found, FIGURES_SECONDS)
    return found


def cross_tabs(consultation, *, themes=None, keys=tuple(CROSS_TABS), counted=None):
    """Themes by sector, by region and by stance (CROSS_TABS), {key: CrossTab}, from the
    consultation's Counts (`counted`, when the caller has them)."""
    themes = themes_of(consultation) if themes is None else themes
    counted = counts(consultation) if counted is None else counted
    return {
        key: _cross_tab(key, CROSS_TABS[key], themes, counted.coded[key], counted.items[key])
        for key in keys
    }


def cross_tab(consultation, key, *, themes=None):
    return cross_tabs(consultation, themes=themes, keys=(key,))[key]


def _cross_tab(key, spec, themes, coded, totals):
    """One table from its counts: `coded` {(theme id, value): items}, `totals` {value:
    items in the analysis}."""
    columns = [*spec["choices"], ("", spec["blank"])]  # the blank value last
    column_totals = [totals.get(value, 0) for value, _ in columns]
    rows = []
    for theme in themes:
        numbers = [coded.get((theme.pk, value), 0) for value, _ in columns]
        total = sum(numbers)
        wholes = [total] * len(numbers) if spec["percent_of"] == "row" else column_totals
        cells = [Cell(n, _percent(n, whole)) for n, whole in zip(numbers, wholes, strict=True)]
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


def _paragraph_counts(consultation):
    """{(section id, paragraph id): items in the analysis said about it}, one query."""
    return {
        (row["section_id"], row["paragraph_id"]): row["n"]
        for row in items_in_analysis(consultation)
        .filter(section__isnull=False)
        .values("section_id", "paragraph_id")
        .annotate(n=Count("pk"))
        .order_by()
    }


def draft_heat(consultation, *, counted=None):
    """Each paragraph of each section the consultation covers, with how many items in the
    analysis were said about it (the counts, and one query for the sections). Items on the
    whole section, and on paragraphs later versions removed, are rows of their own."""
    by_paragraph = (counted or counts(consultation)).paragraphs
    largest = max(by_paragraph.values(), default=0)
    heat = []
    for section in consultation.sections.order_by("path"):
        found = HeatSection(section=section)
        current = paragraphs_of(section)
        for paragraph in current:
            count = by_paragraph.get((section.pk, paragraph.id), 0)
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
            for (section_id, pid), n in by_paragraph.items()
            if section_id == section.pk and pid not in known
        )
        rest = [("The whole section", by_paragraph.get((section.pk, ""), 0))]
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


class UtcHour(Func):
    """The hour an instant falls in, in UTC, as text "YYYY-MM-DD HH", for grouping in the
    database without a function call per row: SQLite keeps datetimes as UTC text (Django's
    TruncWeek there calls Python for every row, seconds at 100,000 items); PostgreSQL
    formats its own timestamps. Hours, not days, so that weeks can start at midnight in the
    site's time zone (worked out from a few thousand hours, not from every item)."""

    output_field = CharField()
    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 13)")

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')",
        )


def _local_monday(hour, zone):
    """The Monday (in `zone`) of the week the UTC hour ("YYYY-MM-DD HH") falls in."""
    if isinstance(hour, datetime.datetime):
        instant = hour if timezone.is_aware(hour) else hour.replace(tzinfo=datetime.UTC)
    else:
        parts = int(hour[:4]), int(hour[5:7]), int(hour[8:10]), int(hour[11:13])
        instant = datetime.datetime(*parts, tzinfo=datetime.UTC)
    day = instant.astimezone(zone).date()
    return day - datetime.timedelta(days=day.weekday())


def _monday_counts(consultation):
    """{local Monday: items in the analysis made in its week}, one query."""
    by_day, zone = {}, timezone.get_current_timezone()
    for row in (
        items_in_analysis(consultation)
        .annotate(hour=UtcHour("created_at"))
        .values("hour")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        monday = _local_monday(row["hour"], zone)
        by_day[monday] = by_day.get(monday, 0) + row["n"]
    return by_day


def weekly_volume(consultation, *, counted=None):
    """(Monday, items) for every week from the first item's to the last's (empty weeks
    too), weeks starting on Monday in the site's time zone."""
    by_day = (counted or counts(consultation)).mondays
    if not by_day:
        return []
    first, last = min(by_day), max(by_day)
    weeks = []
    day = first
    while day <= last and len(weeks) < MAX_WEEKS:
        weeks.append((day, by_day.get(day, 0)))
        day += datetime.timedelta(days=7)
    return weeks


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
