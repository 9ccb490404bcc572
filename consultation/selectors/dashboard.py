"""Read side of the working group's synthesis views: what a consultation's items in the
analysis say, counted with numpy from the process's item arrays (search.backends.item_arrays:
every item's facets, stance and codes, kept fresh from the item change log), so that a
dashboard costs the same few queries at a hundred items as at a hundred thousand; and kept
in the cache until the change log moves (a code, a stance, an item written), so that seeing
it again costs one query.

Every count here is of items in the analysis (FeedbackItem.in_analysis): withdrawn and
rejected words, and texts removed by the retention rule, never count. A theme counts its
own codes; a sub-theme is a row of its own ("Parent: Child").
"""

import datetime
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from consultation.feedback import facet_codes
from consultation.feedback.models import COMMENT_KINDS, FacetCode, FeedbackItem
from consultation.models import Status
from consultation.search.backends import item_arrays, item_changes
from consultation.synthesis.models import PinnedQuote, Stance, Theme
from hub.accounts.models import Region, Sector
from hub.pages import restrictions
from hub.pages.versions import block_text, paragraphs_of

# The cross-tabulations: what the columns are and what a blank value is called.
# "column" percentages are of the column's items in the analysis (a sector's, a region's);
# "row" percentages of the theme's items (how its items stand).
CROSS_TABS = {
    "sectors": {
        "title": "Themes by stakeholder sector",
        "choices": Sector.choices,
        "blank": "Not given",
        "percent_of": "column",
    },
    "regions": {
        "title": "Themes by region",
        "choices": Region.choices,
        "blank": "Not given",
        "percent_of": "column",
    },
    "stance": {
        "title": "Stance by theme",
        "choices": Stance.choices,
        "blank": "Not set",
        "percent_of": "row",
    },
}
MAX_QUOTES = 200  # pinned quotes shown at once (chosen by hand: far fewer in practice)
MAX_WEEKS = 260  # five years of weeks at most on the volume chart
# How long counts are kept at most: their key changes with whatever they count, so this
# only clears out keys no longer asked for.
FIGURES_SECONDS = 24 * 60 * 60
HOUR = 3_600_000_000  # microseconds
_CHOICE_VALUES = {name: values for name, values, _bits in facet_codes.CHOICES}


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

    # As text for the templates: a number there goes through localize(), and a dashboard
    # has a thousand cells (a seventh of the Python calls of a view with its counts kept).
    @property
    def count_text(self):
        return str(self.count)

    @property
    def percent_text(self):
        return "" if self.percent is None else str(self.percent)


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


@dataclass(frozen=True)
class Counts:
    """What the figures are drawn from: per cross-tab, items per (theme id, column value)
    and per column value (blank: ""); items per (section id, paragraph id, "" for the whole
    section); items per local Monday. Kept (see `counts`) until an item, a code, a stance
    or a theme's parent changes."""

    coded: dict
    items: dict
    paragraphs: dict
    mondays: dict


def _tally(keys):
    """{key: how many times} of an integer array."""
    values, numbers = np.unique(keys, return_counts=True)
    return dict(zip(values.tolist(), numbers.tolist(), strict=True))


def _column_values(arrays, positions, decoded):
    """{cross-tab key: (array of each item's value code, tuple of the values)}: code 0 is
    blank, code n the n-th value."""
    return {
        "sectors": (decoded["sector"], _CHOICE_VALUES["sector"]),
        "regions": (decoded["region"], _CHOICE_VALUES["region"]),
        "stance": (arrays.stance[positions], item_arrays.STANCES),
    }


def _count(consultation):
    """Counts of `consultation` from the process's item arrays (item_arrays: every item's
    facets, stance and codes, brought up to date from the change log): numpy over the
    consultation's items and codes, and one query for the paragraphs' ids."""
    arrays = item_arrays.current(connection)
    positions = np.flatnonzero(arrays.consultation == consultation.pk)
    decoded = facet_codes.decode(arrays.bits[positions])
    analysed = decoded["in_analysis"] == facet_codes.choice_code("in_analysis", "true")
    positions = positions[analysed]
    decoded = {name: codes[analysed] for name, codes in decoded.items()}
    # Each code of an item in the analysis, at its item's place among `positions`.
    coded_at, codes = arrays.codes_of(positions)
    themes = codes[:, 1]
    coded, items = {}, {}
    for key, (codes, values) in _column_values(arrays, positions, decoded).items():
        names = ("", *values)
        width = len(names)
        coded[key] = {
            (theme_id, names[code]): n
            for combined, n in _tally(themes * width + codes[coded_at]).items()
            for theme_id, code in [divmod(combined, width)]
        }
        items[key] = {names[code]: n for code, n in _tally(codes).items()}
    return Counts(
        coded=coded,
        items=items,
        paragraphs=_paragraph_counts(arrays.section[positions], decoded["paragraph"]),
        mondays=_monday_counts(arrays.created[positions]),
    )


def _figures_key(consultation):
    """What the counts of `consultation` depend on, read before they are counted (so counts
    kept under a key are never older than it): the item change log's position (items,
    codes, stances and theme parents log their item, whatever wrote them) and the time zone
    weeks start in. None where the log cannot say."""
    position = item_changes.position(connection)
    if position is None:
        return None
    zone = timezone.get_current_timezone_name()
    return f"synthesis-figures:{consultation.pk}:{position}:{zone}".replace(" ", "_")


def counts(consultation):
    """The Counts of `consultation`, from the cache while nothing they count has changed
    (one small query), else counted and kept."""
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


def _paragraph_counts(sections, paragraph_codes):
    """{(section id, paragraph id or ""): items} of items with a section (`sections`, 0
    for none) and the FacetCode of their paragraph (`paragraph_codes`, 0 for none); one
    query for the paragraph ids."""
    has = sections > 0
    pairs = _tally((sections[has] << facet_codes.CODE_BITS) | paragraph_codes[has])
    codes = {pair & facet_codes.MAX_CODE for pair in pairs} - {0}
    ids = dict(FacetCode.objects.filter(pk__in=codes).values_list("pk", "value")) if codes else {}
    return {
        (pair >> facet_codes.CODE_BITS, ids.get(pair & facet_codes.MAX_CODE, "")): n
        for pair, n in pairs.items()
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


def _local_monday(instant, zone):
    """The Monday (in `zone`) of the week the aware datetime `instant` falls in."""
    day = instant.astimezone(zone).date()
    return day - datetime.timedelta(days=day.weekday())


def _monday_counts(created):
    """{local Monday: items} of items made at `created` (microseconds since 1970 UTC):
    counted by UTC hour with numpy, each hour folded into its Monday in the site's time
    zone (a few thousand hours, not every item)."""
    by_day, zone = {}, timezone.get_current_timezone()
    for hour, n in _tally(created // HOUR).items():
        instant = datetime.datetime.fromtimestamp(hour * 3600, tz=datetime.UTC)
        monday = _local_monday(instant, zone)
        by_day[monday] = by_day.get(monday, 0) + n
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


def _quotable(prefix=""):
    """The conditions on an item (through `prefix`, a lookup path to it) that make it
    quotable (see quotable_items)."""
    return Q(
        **{
            f"{prefix}source_kind__in": COMMENT_KINDS,
            f"{prefix}moderation_state": Status.PUBLISHED,
            f"{prefix}in_analysis": True,
            f"{prefix}consultation__comments_public": True,
        }
    )


def quotable_items():
    """Items whose words anyone may read on the site and which carry nothing of who wrote
    them: published comments, replies and posts of a consultation whose comments are
    public, still in the analysis, on no section an editor restricted in Wagtail (a
    password, signed-in people, some groups: the outcome page would publish to everyone what
    the section shows only to some). Never questionnaire answers or imported responses
    (sent to the working group, not published), and never a name."""
    return restrictions.public(FeedbackItem.objects.filter(_quotable()), "section__path")


def pinned_quotes(consultation):
    """The quotes pinned to each theme that may still be quoted (a comment hidden or
    withdrawn since it was pinned, or whose section was restricted since, drops out):
    {theme id: [PinnedQuote]}, in one query. The
    rule is joined through each quote's item, never `item IN (every quotable item)`, which
    SQLite answered by listing every item and probing each theme with each (the one part
    of a dashboard whose counts are kept that grew with the items)."""
    quotes = (
        restrictions.public(
            PinnedQuote.objects.filter(_quotable("item__"), theme__consultation=consultation),
            "item__section__path",
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
