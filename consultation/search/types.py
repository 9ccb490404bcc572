"""The objects the feedback search views use: a FeedbackQuery in, SearchResults out.

`FeedbackQuery.from_querydict(request.GET)` reads the search form (text, facet filters, a
date range, sort, page and page size), checks and bounds every value, and never raises: a
value it cannot use is dropped and `notes` says so in words. Every backend answers with a
`SearchResults` (hits with safe highlighted snippets, the total, each facet's counts and
the page), so views never ask which backend is live.

Facet counts follow one rule on every backend (the "disjunctive facets" rule): values
ticked within one facet are alternatives (OR), facets narrow one another (AND), and each
facet's counts are computed with every filter except its own, so ticking "London" does
not hide the other regions' counts, while it does change the sector counts.
`FeedbackQuery.filters_for_counts(name)` gives the filters a facet's counts use.
"""

import math
import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Protocol

from django.utils import timezone

from consultation.feedback.models import Channel
from consultation.search.query import ParsedQuery, parse
from consultation.synthesis.models import Stance
from hub.accounts.models import Region, Sector
from hub.core.sanitise import strip_invisible

SORTS = ("relevance", "newest", "oldest")
PAGE_SIZES = (10, 20, 50, 100)
DEFAULT_PAGE_SIZE = 20
# How deep paging goes: Elasticsearch's default max_result_window, and a bound on the
# work of an OFFSET for the database. Narrowing the search reaches the rest.
MAX_RESULT_WINDOW = 10_000
MAX_VALUES_PER_FACET = 50
MAX_VALUE_LENGTH = 200
FACET_SIZE = 50  # values listed per facet (ticked values are always listed as well)
MIN_YEAR, MAX_YEAR = 1900, 2999

_ID = re.compile(r"[0-9]{1,18}\Z")
_TOKEN = re.compile(r"[a-z0-9_-]{1,50}\Z")
_PAGE = re.compile(r"[0-9]{1,7}\Z")
_ANSWER = re.compile(r"[a-z0-9_-]{1,64}:[a-z0-9_-]{1,64}\Z")
# The value of "none of these" in a facet that has one (`Facet.none`): "No theme", "Not set".
NONE = "none"


@dataclass(frozen=True)
class Facet:
    """A field results can be filtered and counted by.

    `kind` says what a value looks like: "id" (a database id), "uuid" (a paragraph),
    "token" (a choice's key), "text" (an organisation's name), "boolean" ("true" or
    "false") or "answer" (a question's id and an option's id: "<question>:<option>").
    `labels` names the values known in advance; the backend supplies the rest
    (consultation and section titles, for instance). A facet with `none` (its label) also
    has the value NONE, for items without any of its values ("No theme")."""

    name: str
    label: str
    kind: str
    labels: dict = field(default_factory=dict, compare=False)
    none: str = ""
    hint: str = ""  # how to read its values, shown with its checkboxes

    def clean(self, value):
        """`value` in its canonical form, or None when it cannot be one of this facet's."""
        value = str(value)[: MAX_VALUE_LENGTH * 4].strip()
        if self.none and value.lower() == NONE:
            return NONE
        if self.kind == "answer":
            return value.lower() if _ANSWER.match(value.lower()) else None
        if self.kind == "id":
            return str(int(value)) if _ID.match(value) and int(value) > 0 else None
        if self.kind == "uuid":
            try:
                return str(uuid.UUID(value)) if len(value) <= 64 else None
            except ValueError:
                return None
        if self.kind == "token":
            return value.lower() if _TOKEN.match(value.lower()) else None
        if self.kind == "boolean":
            return value.lower() if value.lower() in ("true", "false") else None
        text = " ".join(strip_invisible(value).split())
        return text if 0 < len(text) <= MAX_VALUE_LENGTH else None


# Every facet is a keyword field of the same name in the Elasticsearch mapping. "theme" and
# "answer" are multi-valued (an item has any number of themes, and its respondent's answers
# to every closed question); the others have one value per item, or none.
FACETS = (
    Facet("consultation", "Consultation", "id"),
    Facet("section", "Section", "id"),
    Facet("paragraph", "Paragraph", "uuid"),
    # A theme's value is its id; an item coded with a sub-theme counts under its parent too
    # (consultation.search.backends.extra_facets).
    Facet(
        "theme",
        "Theme",
        "id",
        none="No theme",
        hint="A theme finds the items coded with it or with any of its sub-themes.",
    ),
    Facet("stance", "Stance", "token", labels=dict(Stance.choices), none="Not set"),
    Facet("source_kind", "Type", "token"),
    Facet("channel", "Channel", "token", labels=dict(Channel.choices)),
    Facet("sector", "Sector", "token", labels=dict(Sector.choices)),
    Facet("region", "Region", "token", labels=dict(Region.choices)),
    Facet("organisation", "Organisation", "text"),
    Facet(
        "respondent_type",
        "Organisation or individual",
        "token",
        labels={"organisation": "An organisation", "individual": "An individual"},
    ),
    # "<question id>:<option id>": one value per option the respondent chose in a closed
    # question of the consultation's questionnaire, on every item of theirs.
    Facet(
        "answer",
        "Questionnaire answer",
        "answer",
        hint="What the person chose in the questionnaire: on their answers and on their "
        "comments in the same consultation.",
    ),
    Facet("moderation_state", "Moderation", "token"),
    Facet(
        "in_analysis",
        "Counts in the analysis",
        "boolean",
        labels={"true": "Counts in the analysis", "false": "Left out of the analysis"},
    ),
)
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}
MULTI_VALUED = ("theme", "answer")


def _values(data, key):
    """Every value of `key` in a QueryDict or a plain mapping, as strings."""
    if hasattr(data, "getlist"):
        values = data.getlist(key)
    else:
        value = data.get(key) if hasattr(data, "get") else None
        values = (
            [] if value is None else list(value) if isinstance(value, list | tuple) else [value]
        )
    return [str(value) for value in values[: MAX_VALUES_PER_FACET * 2]]


def _first(data, key):
    values = _values(data, key)
    return values[0].strip() if values else ""


def _date(data, name):
    """A date from `name` (2026-03-31) or from the NHS.UK date input's three fields
    (`name-day`, `name-month`, `name-year`): (date or None, whether something was typed)."""
    iso = _first(data, name)[:10]
    parts = [_first(data, f"{name}-{part}")[:4] for part in ("year", "month", "day")]
    typed = bool(iso) or any(parts)
    try:
        if iso:
            value = date.fromisoformat(iso)
        elif all(part.isdigit() for part in parts):
            value = date(*(int(part) for part in parts))
        else:
            return None, typed
    except ValueError:
        return None, typed
    return (value if MIN_YEAR <= value.year <= MAX_YEAR else None), typed


def unreadable_dates(data):
    """The date fields of the search form (date_from, date_to) where something was typed
    that is not a date (and that the query therefore ignores)."""
    return [name for name in ("date_from", "date_to") if _date(data, name) == (None, True)]


def _normalise_filters(filters):
    """Filters as ((facet name, (values, ...)), ...) in FACETS order; raises ValueError for
    an unknown facet or a value it cannot have (code's mistakes, not a user's)."""
    pairs = filters.items() if hasattr(filters, "items") else filters
    chosen = {}
    for name, values in pairs:
        facet = FACETS_BY_NAME.get(name)
        if facet is None:
            raise ValueError(f"Unknown facet {name!r}")
        values = [values] if isinstance(values, str) else values
        cleaned = [facet.clean(value) for value in values]
        if None in cleaned:
            raise ValueError(f"A value the {name} facet cannot have: {values!r}")
        chosen.setdefault(name, []).extend(cleaned)
    return tuple(
        (facet.name, tuple(dict.fromkeys(chosen[facet.name])))
        for facet in FACETS
        if chosen.get(facet.name)
    )


@dataclass(frozen=True)
class FeedbackQuery:
    """What to search for, filter by, sort by and which page to show.

    Built by code, it checks its values and raises ValueError on a mistake; built from a
    request with `from_querydict`, it never raises."""

    text: str = ""
    filters: tuple = ()  # ((facet name, (value, ...)), ...); a dict is accepted too
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    sort: str = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    notes: tuple = ()  # what from_querydict ignored or changed, in words
    parsed: ParsedQuery = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        parsed = parse(self.text)
        object.__setattr__(self, "parsed", parsed)
        object.__setattr__(self, "text", parsed.text)
        object.__setattr__(self, "filters", _normalise_filters(self.filters))
        if self.sort not in SORTS:
            raise ValueError(f"Unknown sort {self.sort!r}")
        if self.page_size not in PAGE_SIZES:
            raise ValueError(f"Page size {self.page_size} is not one of {PAGE_SIZES}")
        if not 1 <= self.page <= self.max_page:
            raise ValueError(f"Page {self.page} is outside 1 to {self.max_page}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")

    @classmethod
    def from_querydict(cls, data):
        """The query a search form sent (request.GET, or any mapping); never raises."""
        notes = []
        filters = []
        for facet in FACETS:
            raw = _values(data, facet.name)
            cleaned = [value for value in map(facet.clean, raw) if value is not None]
            if len(cleaned) < len(raw):
                notes.append(f"{facet.label}: a value this filter does not have was ignored.")
            cleaned = list(dict.fromkeys(cleaned))
            if len(cleaned) > MAX_VALUES_PER_FACET:
                notes.append(
                    f"{facet.label}: only the first {MAX_VALUES_PER_FACET} choices were used."
                )
            if cleaned:
                filters.append((facet.name, tuple(cleaned[:MAX_VALUES_PER_FACET])))
        dates = {}
        for name, word in (("date_from", "from"), ("date_to", "to")):
            dates[name], typed = _date(data, name)
            if typed and dates[name] is None:
                notes.append(
                    f"The “{word}” date is not a date and was ignored "
                    "(enter a date like 2026-03-31)."
                )
        if dates["date_from"] and dates["date_to"] and dates["date_from"] > dates["date_to"]:
            dates["date_from"], dates["date_to"] = dates["date_to"], dates["date_from"]
            notes.append("The dates were the wrong way round, so they were swapped.")
        sort = _first(data, "sort")
        page_size = _first(data, "per_page")
        page_size = int(page_size) if page_size in map(str, PAGE_SIZES) else DEFAULT_PAGE_SIZE
        page = _first(data, "page")
        page = max(1, int(page)) if _PAGE.match(page) else 1
        last = MAX_RESULT_WINDOW // page_size
        if page > last:
            notes.append(
                f"Results stop at page {last} ({MAX_RESULT_WINDOW:,} results); "
                "narrow the search to reach the others."
            )
            page = last
        return cls(
            text=_first(data, "q"),
            filters=tuple(filters),
            sort=sort if sort in SORTS else "relevance",
            page=page,
            page_size=page_size,
            notes=tuple(notes),
            **dates,
        )

    @property
    def max_page(self):
        return MAX_RESULT_WINDOW // self.page_size

    @property
    def messages(self):
        """Everything the person should be told about how their input was read."""
        return self.notes + self.parsed.notes

    @property
    def effective_sort(self):
        """The sort used: relevance means nothing without words, so newest first then."""
        if self.sort == "relevance" and self.parsed.filters_only:
            return "newest"
        return self.sort

    @property
    def offset(self):
        return (self.page - 1) * self.page_size

    def selected(self, name):
        """The values ticked in one facet."""
        return dict(self.filters).get(name, ())

    def filters_for_counts(self, name):
        """The filters that facet `name`'s counts honour: every facet's but its own."""
        return tuple(pair for pair in self.filters if pair[0] != name)

    @property
    def created_range(self):
        """The date range as aware datetimes [start, end) in the site's time zone, either
        None when open: dates are the days people see, not UTC days."""
        zone = timezone.get_current_timezone()

        def midnight(day):
            return timezone.make_aware(datetime.combine(day, time.min), zone)

        start = midnight(self.date_from) if self.date_from else None
        end = midnight(self.date_to + timedelta(days=1)) if self.date_to else None
        return start, end

    def as_params(self, **changes):
        """The query as (key, value) pairs for a link (`urlencode`), with `changes` such
        as page=2 applied; `from_querydict` reads them back to the same query."""
        query = replace(self, notes=(), **changes) if changes else self
        params = [("q", query.text)] if query.text else []
        params += [(name, value) for name, values in query.filters for value in values]
        params += [
            (name, day.isoformat())
            for name, day in (("date_from", query.date_from), ("date_to", query.date_to))
            if day
        ]
        if query.sort != "relevance":
            params.append(("sort", query.sort))
        if query.page_size != DEFAULT_PAGE_SIZE:
            params.append(("per_page", str(query.page_size)))
        if query.page != 1:
            params.append(("page", str(query.page)))
        return params


# -- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One item found: its id, a safe HTML extract with <mark> around the matches, and
    the backend's relevance score (None when sorted by date or found by filters only)."""

    item_id: int
    snippet: str
    score: float | None = None


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class FacetCounts:
    """One facet's values with their counts for the current query."""

    facet: Facet
    values: tuple

    @property
    def name(self):
        return self.facet.name

    @property
    def label(self):
        return self.facet.label

    @property
    def any_selected(self):
        return any(value.selected for value in self.values)

    @classmethod
    def build(cls, facet, counts, *, selected=(), labels=None, limit=FACET_SIZE):
        """The `limit` values with most items (then by label), and every ticked value
        even when it has none, so it can be unticked. `counts` maps values to counts;
        labels come from `labels`, then the facet's own, then the value itself."""
        names = {**facet.labels, **({NONE: facet.none} if facet.none else {}), **(labels or {})}
        counts = {str(value): count for value, count in counts.items() if count > 0}

        def entry(value):
            label = str(names.get(value, value))
            return FacetValue(value, label, counts.get(value, 0), value in selected)

        ranked = sorted(
            (entry(value) for value in counts), key=lambda v: (-v.count, v.label.casefold())
        )[:limit]
        listed = {value.value for value in ranked}
        ticked = [entry(value) for value in selected if value not in listed]
        return cls(facet=facet, values=tuple(ranked + ticked))


@dataclass(frozen=True)
class SearchResults:
    """What a backend answers; `notice` says when another backend answered (for example
    "Search is answered from the database while the search engine is unavailable")."""

    query: FeedbackQuery
    hits: tuple
    total: int
    facets: tuple = ()
    notice: str = ""

    @property
    def page(self):
        return self.query.page

    @property
    def page_count(self):
        pages = math.ceil(self.total / self.query.page_size)
        return max(1, min(pages, self.query.max_page))

    @property
    def has_previous(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.page_count

    @property
    def description(self):
        """What was searched, in words (the parse's description)."""
        return self.query.parsed.describe()

    @property
    def messages(self):
        """The notice (when another backend answered), then how the input was read."""
        return ((self.notice,) if self.notice else ()) + self.query.messages

    def facet(self, name):
        return next((counts for counts in self.facets if counts.name == name), None)


class SearchBackend(Protocol):
    """What every backend provides: the database backend (SQLite FTS5 or PostgreSQL
    full-text) and the Elasticsearch backend."""

    def search(self, query: FeedbackQuery) -> SearchResults: ...
