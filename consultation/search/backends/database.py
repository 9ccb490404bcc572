"""The database backend: feedback items searched with the database's own full-text index
(SQLite FTS5, PostgreSQL tsvector; `item_index`), counted by facet, sorted and paged.

Every item's consultation, section, packed facet values (`FeedbackItem.facet_bits`) and
time are held in memory by `item_arrays`, brought up to date from the change log with one
query per search. So a search asks the full-text index only for the ids its words match
(with their relevance when sorted by it), and the database nothing at all for filters
alone; numpy applies the dates and facet filters to the arrays, counts every facet by the
disjunctive rule (each facet with every filter but its own: `types`), and picks the page;
a last query makes the page's highlighted extracts. What still grows with the matches is
the full-text index's own work, bm25 above all (README, "Feedback search", has the
figures). Themes, stance and questionnaire answers are not in the item's row:
`extra_facets` reads them for the matches with one query each and hands numpy their codes.

What a person typed reaches the database only as the parse compiled by `fts5` or
`postgres`, as query parameters.
"""

import functools
import logging

import numpy as np
from django.contrib.postgres.search import SearchVectorField
from django.db import DatabaseError, connection, transaction
from django.db.models import F, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from consultation import anchoring
from consultation.feedback import facet_codes
from consultation.feedback.models import FacetCode, FeedbackItem
from consultation.models import Consultation
from consultation.search.backends import (
    extra_facets,
    fts5,
    fts5_rank,
    item_arrays,
    item_index,
    item_terms,
    postgres,
)
from consultation.search.highlight import marked_to_html, plain_extract
from consultation.search.types import FACET_SIZE, FACETS, FacetCounts, Hit, SearchResults
from hub.pages.models import SectionPage

logger = logging.getLogger(__name__)

NOT_RUN = "This search could not be run. Try fewer or other words."
_CHOICE_FACETS = {name for name, _values, _bits in facet_codes.CHOICES}
_ID_FACETS = ("consultation", "section")
# The fewest matches read from the index when it ranks them (Matches.best_first): under
# this many, one more row costs next to nothing.
FEWEST_BEST = 200


class Matches:
    """The items a query's text and dates match: parallel numpy arrays of ids, sort keys
    and the code of each facet's value (0: none), taken at `positions` of the process's
    ItemArrays (item_arrays). When relevance is left to the full-text index, `keys` is None
    and `best_first(limit)` reads (ids, scores) of the `limit` best of the `ranked` rows
    its words match (the dates not applied), best first and the later id first on a tie
    (all of them when `limit` is None)."""

    def __init__(self, arrays, positions, keys, *, every_item=False, best_first=None, ranked=0):
        self.arrays, self.positions = arrays, positions
        self.keys, self.best_first, self.ranked = keys, best_first, ranked
        if every_item:  # `positions` are 0, 1, 2, ...: the arrays' own columns, no copy
            self.ids, self.codes = arrays.ids, arrays.facets
        else:
            self.ids = arrays.ids[positions]
            self.codes = {name: codes[positions] for name, codes in arrays.facets.items()}

    def __len__(self):
        return len(self.ids)


# -- the vendors ---------------------------------------------------------------------------
#
# Each says which items a query's words find, as one of ("all", None, None), ("except",
# ids to leave out, None) or ("only", ids, their relevance): the relevance is an array of
# scores, None when the sort is by time, or a function that reads the best matches from
# the index (Matches.best_first); the dates and facets are applied to the arrays.


def _quote(name):
    return connection.ops.quote_name(name)


def _id_array(rows):
    return np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))


def _score_array(rows):
    return np.fromiter((row[1] for row in rows), dtype=np.float64, count=len(rows))


class SqliteText:
    """Matches and extracts through the FTS5 table."""

    def __init__(self, query):
        self.query = query
        self.match = fts5.compile_match(query.parsed)

    def _select(self, columns, match, tail="", params=()):
        """The rows of `columns` ("{fts}" names the table) of the rows `match` finds, then
        `tail` (ORDER BY, LIMIT) with its `params`."""
        fts = _quote(item_index.FTS.name)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns.format(fts=fts)} FROM {fts} WHERE {fts} MATCH %s {tail}",  # noqa: S608
                [match, *params],
            )
            return cursor.fetchall()

    def _ids(self, match):
        """The ids of the rows `match` finds (read as one string: fts5.integers)."""
        ((joined,),) = self._select("group_concat(rowid)", match)
        return fts5.integers(joined)

    def _bm25(self, match, limit=None):
        """(ids, scores) by FTS5's bm25() of the `limit` best rows `match` finds (every
        row when None), best first and the later id first on a tie, for what fts5_rank does
        not compute. SQLite scores every match either way; asking for a page's worth saves
        making a Python row of each (a phrase in 9,700 of 100,000 items: 15 to 25 ms for
        all of them, 10 to 14 ms for the best 200)."""
        order = "ORDER BY score DESC, rowid DESC"
        tail, params = (order, []) if limit is None else (f"{order} LIMIT %s", [int(limit)])
        rows = self._select("rowid, -bm25({fts}) AS score", match, tail, params)
        return _id_array(rows), _score_array(rows)

    def found(self, arrays):
        if self.match.include is None:
            if self.match.exclude is None:
                return "all", None, None
            return "except", self._ids(self.match.exclude), None
        relevance = self.query.effective_sort == "relevance"
        # bm25 by numpy from the phrases' occurrences: FTS5's bm25() on every match was
        # most of a common word's search (fts5_rank).
        if relevance:
            with connection.cursor() as cursor:
                ranked = fts5_rank.word_ranking(cursor, item_index.FTS, self.query.parsed, arrays)
            if ranked is not None:
                return "only", *ranked
        ids = self._ids(self.match.include)
        if not relevance:
            return "only", ids, None
        with connection.cursor() as cursor:
            scores = fts5_rank.scores(cursor, item_index.FTS, self.query.parsed, ids, arrays)
        if scores is None:  # bm25() ranks them, read as far as the page needs
            return "only", ids, functools.partial(self._bm25, self.match.include)
        return "only", ids, scores

    def extracts(self, ids):
        """{id: marked text} of the items `ids`, or None when the query has no words."""
        if self.match.include is None:
            return None
        fill, select, empty = item_index.FTS.extracts_sql(self.match, ids)
        with connection.cursor() as cursor:
            try:
                for sql, params in fill:
                    cursor.execute(sql, params)
                cursor.execute(*select)
                return dict(cursor.fetchall())
            finally:
                cursor.execute(*empty)


class PostgresText:
    """Matches and extracts through the generated tsvector column."""

    def __init__(self, query):
        self.query = query
        self.match = postgres.compile_search(query.parsed)
        self.vector = RawSQL(  # noqa: S611 - names of our own, no input
            f"{_quote(item_index.TABLE)}.{_quote(item_index.VECTOR_COLUMN)}",
            [],
            output_field=SearchVectorField(),
        )

    def found(self, _arrays):
        if self.match.where is None:
            return "all", None, None
        if self.match.word is not None:
            # One word alone: its matches and how often each holds it, which orders them
            # as its rank does, from the table of lexeme counts (item_terms).
            ids, occurrences = self._read(*item_terms.occurrences_sql(self.match.word))
            relevance = self.query.effective_sort == "relevance"
            return "only", ids, occurrences if relevance else None
        # Unordered: numpy sorts. The model's default order made PostgreSQL sort every match
        # by time first, and chose a scan of the whole table to do it.
        items = (
            FeedbackItem.objects.alias(vector=self.vector)
            .filter(vector=self.match.where)
            .order_by()
        )
        if self.query.effective_sort != "relevance":
            (ids,) = self._columns(items.values_list("id"), ["id"])
            return "only", ids, None
        match = self.match
        ranked = items.annotate(
            key=postgres.rank(
                self.vector, match.ranked, one_lexeme=match.one_lexeme, phrase=match.phrase
            )
        )
        ids, scores = self._columns(ranked.values_list("id", "key"), ["id", "key"])
        return "only", ids, scores

    @staticmethod
    def _columns(rows, names):
        """numpy arrays of the columns `names` of the queryset `rows`, each read as one
        string, as SqliteText reads ids: a Python row each (and Django's converters on
        each) cost more than ranking a common word (21,000 matches of 100,000 items: 103 ms
        by rows, 66 ms by strings, the same plan)."""
        sql, params = rows.query.sql_with_params()
        joined = ", ".join(f"string_agg({_quote(name)}::text, ',')" for name in names)
        return PostgresText._read(f"SELECT {joined} FROM ({sql}) AS found", params)  # noqa: S608

    @staticmethod
    def _read(sql, params):
        """The row of comma-separated strings `sql` selects, as numpy arrays: ids first
        (integers), then keys (floats)."""
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            strings = cursor.fetchone()
        return [
            np.fromstring(text or "", dtype=np.float64 if number else np.int64, sep=",")
            for number, text in enumerate(strings)
        ]

    def extracts(self, ids):
        if self.match.ranked is None:
            return None
        rows = (
            FeedbackItem.objects.filter(pk__in=ids)
            .annotate(extract=postgres.headline(F("text"), self.match.ranked))
            .values_list("pk", "extract")
        )
        return dict(rows)


TEXT_BY_VENDOR = {"sqlite": SqliteText, "postgresql": PostgresText}


def _matched(arrays, text, query):
    """The Matches of `query`'s words (`text`) and dates among `arrays`."""
    kind, ids, scores = text.found(arrays)
    best_first = scores if callable(scores) else None
    scores = None if best_first else scores
    if kind == "only":
        positions, found = arrays.positions(ids)
        if scores is not None:
            scores = scores[found]
    elif kind == "except":
        positions = np.flatnonzero(~np.isin(arrays.ids, ids))
    else:
        positions = np.arange(len(arrays.ids))
    start, end = query.created_range
    dated = start is not None or end is not None
    if dated:
        created = arrays.created[positions]
        within = np.ones(len(positions), dtype=bool)
        if start is not None:
            within &= created >= item_arrays.microseconds(start)
        if end is not None:
            within &= created < item_arrays.microseconds(end)
        positions = positions[within]
        scores = scores[within] if scores is not None else None
    if best_first:
        keys = None
    else:
        keys = scores if scores is not None else arrays.created[positions].astype(np.float64)
    every_item = kind == "all" and not dated
    ranked = len(ids) if best_first else 0
    return Matches(
        arrays, positions, keys, every_item=every_item, best_first=best_first, ranked=ranked
    )


# -- counting, sorting, paging -------------------------------------------------------------


def _wanted_codes(query):
    """{facet: array of the codes of its ticked values} (codes nothing has: none)."""
    coded = {facet: values for facet, values in query.filters if facet in facet_codes.CODED}
    known = {}
    if coded:
        pairs = FacetCode.objects.filter(
            facet__in=list(coded), value__in=[v for values in coded.values() for v in values]
        ).values_list("facet", "value", "pk")
        known = {(facet, value): pk for facet, value, pk in pairs}
    wanted = {}
    for facet, values in query.filters:
        if facet in extra_facets.NAMES:
            continue  # extra_facets reads and filters them
        if facet in _ID_FACETS:
            codes = [int(value) for value in values]
        elif facet in _CHOICE_FACETS:
            codes = [facet_codes.choice_code(facet, value) for value in values]
        else:
            codes = [known.get((facet, value), 0) for value in values]
        wanted[facet] = np.array([code for code in codes if code], dtype=np.int64)
    return wanted


# Codes below this are counted and looked up through a table as long as the largest code
# (np.bincount, a boolean table): one pass, where np.unique and np.isin sort. Measured on
# 100,000 matches: 0.9 against 4.9 ms to count a facet of a few values, 1.7 against 17 ms
# for one of 3,000; twelve facets are counted per search.
_TABLE_CODES = 1 << 20


def _isin(codes, wanted):
    """np.isin(codes, wanted) for non-negative codes."""
    if not len(codes) or not len(wanted):
        return np.zeros(len(codes), dtype=bool)
    largest = int(codes.max())
    if largest >= _TABLE_CODES:
        return np.isin(codes, wanted)
    table = np.zeros(largest + 1, dtype=bool)
    table[wanted[wanted <= largest]] = True
    return table[codes]


def _tally(codes):
    """{code: how many times} of the non-zero codes in `codes` (non-negative)."""
    if len(codes) and int(codes.max()) < _TABLE_CODES:
        numbers = np.bincount(codes)
        present = np.flatnonzero(numbers)
        return {int(code): int(numbers[code]) for code in present if code}
    values, numbers = np.unique(codes, return_counts=True)
    return {int(code): int(number) for code, number in zip(values, numbers, strict=True) if code}


def _filter_masks(matches, query, extra):
    """({facet: mask of the items its ticked values let through}, the mask of every one)."""
    masks = {
        facet: _isin(matches.codes[facet], codes) for facet, codes in _wanted_codes(query).items()
    }
    masks.update(extra.masks(query))
    every = np.ones(len(matches), dtype=bool)
    for mask in masks.values():
        every &= mask
    return masks, every


def _counts(matches, query, extra):
    """(mask of the items every filter lets through, {facet: {code: count}}; the extra
    facets' counts are by value, not code). A facet is counted among the items every
    filter but its own lets through: for the facets with no filter of their own that is
    the same set, taken once as positions, so each of them is counted from those items
    alone rather than by reading a mask over every match (most of a search of every item,
    filters only, at 100,000)."""
    masks, every = _filter_masks(matches, query, extra)
    kept = np.flatnonzero(every) if masks else None
    counts = {}
    for facet in FACETS:
        if facet.name in masks:
            others = [mask for other, mask in masks.items() if other != facet.name]
            mask = np.logical_and.reduce(others) if others else None
            chosen = np.flatnonzero(mask) if mask is not None else None
        else:
            mask, chosen = (every, kept) if masks else (None, None)
        if facet.name in extra_facets.NAMES:
            whole = np.ones(len(matches), dtype=bool)
            counts[facet.name] = extra.counts(facet.name, whole if mask is None else mask)
            continue
        codes = matches.codes[facet.name]
        counts[facet.name] = _tally(codes if chosen is None else codes.take(chosen))
    return every, counts


def _ordered(matches, every, query, first=None):
    """The ids and sort keys of the items `every` lets through, and the order to read them;
    with `first`, only those that can be among the first `first` in that order (the rest
    left out before sorting: a page of 20 among 100,000 sorted them all)."""
    if matches.keys is None:
        return _best_first(matches, every, first)
    ids, keys = matches.ids[every], matches.keys[every]
    oldest = query.effective_sort == "oldest"
    if first is not None and 0 < first < len(ids):
        ranks = keys if oldest else -keys  # lower first
        boundary = np.partition(ranks, first - 1)[first - 1]
        kept = ranks <= boundary  # ties at the boundary kept: the id decides among them
        ids, keys = ids[kept], keys[kept]
    # Relevance (higher first) and newest: the later id first on a tie; oldest the reverse.
    order = np.lexsort((ids, keys)) if oldest else np.lexsort((-ids, -keys))
    return ids, keys, order


def _best_first(matches, every, first):
    """_ordered's answer when the index ranks the matches (Matches.best_first): enough of
    its best to hold the first `first` that `every` lets through (every match when `first`
    is None). The dates and filters are applied after the index has ranked, so it is asked
    for twice as many as their share of its rows would need, and for all of them if that
    falls short: a second query at most."""
    kept = matches.ids[every]
    if not len(kept):
        return kept, np.zeros(0, dtype=np.float64), np.arange(0)

    def read(limit):
        ids, keys = matches.best_first(limit)
        inside = np.isin(ids, kept)
        return ids[inside], keys[inside], np.arange(np.count_nonzero(inside))

    if first is not None:
        limit = max(FEWEST_BEST, 2 * first * matches.ranked // len(kept))
        if limit < matches.ranked:
            best = read(limit)
            if len(best[0]) >= first:
                return best
    return read(None)


def _page(matches, every, query):
    """The ids of the page asked for, in order, and their sort keys."""
    ids, keys, order = _ordered(matches, every, query, first=query.offset + query.page_size)
    chosen = order[query.offset : query.offset + query.page_size]
    return [int(i) for i in ids[chosen]], [float(k) for k in keys[chosen]]


def _value_of(facet, code, coded):
    if facet in extra_facets.NAMES:
        return code  # counted by value already
    if facet in _ID_FACETS:
        return str(code)
    if facet in _CHOICE_FACETS:
        return facet_codes.choice_value(facet, code)
    return coded.get(code)


# {(section id, its body as stored): {paragraph id: number}}: reading a section's body
# into blocks cost a third of a rare word's search (27 of 79 ms), for numbers that change
# only when the body does.
_NUMBERS = {}
_MOST_NUMBERED = 1_000


def _paragraph_numbers(sections):
    """{section id: {paragraph id: number}} of `sections`, (id, title, stored body) rows;
    a section's body is read into blocks only when this process has not seen it as it is."""
    missing = [pk for pk, _title, body in sections if (pk, body) not in _NUMBERS]
    if missing:
        if len(_NUMBERS) > _MOST_NUMBERED:
            _NUMBERS.clear()
        for section in SectionPage.objects.filter(pk__in=missing).annotate(
            stored=Cast("body", TextField())
        ):
            _NUMBERS[(section.pk, section.stored)] = anchoring.paragraph_numbers(section)
    return {pk: _NUMBERS.get((pk, body), {}) for pk, _title, body in sections}


def facet_labels(counts):
    """{facet: {value: label}} for the consultations and sections among `counts` (every
    one when `counts` names none: Elasticsearch's answer is labelled before it is read),
    and for the paragraphs of those sections ("Ambition one, paragraph 3": a paragraph's
    value is its block's id, which means nothing to a reader)."""
    labels = {}
    for name, model in (("consultation", Consultation), ("section", SectionPage)):
        ids = counts.get(name) if counts is not None else None
        if ids is not None and not ids:
            continue
        rows = model.objects.all()
        if ids is not None:
            rows = rows.filter(pk__in=list(ids))
        if model is SectionPage:
            sections = list(rows.values_list("pk", "title", Cast("body", TextField())))
            numbers = _paragraph_numbers(sections)
            labels[name] = {str(pk): title for pk, title, _body in sections}
            labels["paragraph"] = {
                paragraph_id: f"{title}, paragraph {number}"
                for pk, title, _body in sections
                for paragraph_id, number in numbers[pk].items()
            }
        else:
            labels[name] = {str(pk): title for pk, title in rows.values_list("pk", "title")}
    return labels


def _facet_counts(counts, query):
    top = {
        facet: dict(sorted(numbers.items(), key=lambda pair: -pair[1])[: FACET_SIZE * 2])
        for facet, numbers in counts.items()
    }
    codes = [code for facet in facet_codes.CODED for code in top[facet]]
    coded = dict(FacetCode.objects.filter(pk__in=codes).values_list("pk", "value")) if codes else {}
    named = {
        facet: {
            value: number
            for code, number in numbers.items()
            if (value := _value_of(facet, code, coded)) is not None
        }
        for facet, numbers in top.items()
    }
    labels = facet_labels({"consultation": named["consultation"], "section": named["section"]})
    labels |= extra_facets.labels(
        {name: [*named[name], *query.selected(name)] for name in extra_facets.NAMES}
    )
    return tuple(
        FacetCounts.build(
            facet,
            named[facet.name],
            selected=query.selected(facet.name),
            labels=labels.get(facet.name),
        )
        for facet in FACETS
    )


def _hits(text, ids, keys, query):
    marked = text.extracts(ids) if ids else {}
    plain = {}
    if marked is None or len(marked) < len(ids):
        missing = [i for i in ids if marked is None or i not in marked]
        plain = dict(FeedbackItem.objects.filter(pk__in=missing).values_list("pk", "text"))
    relevance = query.effective_sort == "relevance"
    return tuple(
        Hit(
            item_id=item_id,
            snippet=marked_to_html(marked[item_id])
            if marked and item_id in marked
            else plain_extract(plain.get(item_id, "")),
            score=key if relevance else None,
        )
        for item_id, key in zip(ids, keys, strict=True)
    )


def _matches(text):
    """The Matches of a query's text and dates, or None when the database could not run
    it. The parse never hands the database syntax it cannot read; if it ever does, the
    person gets a message, and the log says what happened. The arrays are brought up to
    date in the same transaction as the text is matched, so the two agree."""
    try:
        with transaction.atomic():
            return _matched(item_arrays.current(connection), text, text.query)
    except DatabaseError:
        logger.exception("The database could not run a feedback search")
        return None


def _extra_facets(matches, names=extra_facets.NAMES):
    return extra_facets.ExtraFacets(
        matches.ids, names, arrays=matches.arrays, positions=matches.positions
    )


def matching_ids(query):
    """The id of every item `query` finds (all of them, not a page), in its order: what a
    download holds. Empty when the database could not run it."""
    matches = _matches(TEXT_BY_VENDOR[connection.vendor](query))
    if matches is None:
        return []
    extra = _extra_facets(matches, extra_facets.filtered_names(query))
    _masks, every = _filter_masks(matches, query, extra)
    ids, _keys, order = _ordered(matches, every, query)
    return [int(i) for i in ids[order]]


def search(query):
    """SearchResults for `query` (a FeedbackQuery) from the database's own index."""
    text = TEXT_BY_VENDOR[connection.vendor](query)
    matches = _matches(text)
    if matches is None:
        return SearchResults(query=query, hits=(), total=0, notice=NOT_RUN)
    every, counts = _counts(matches, query, _extra_facets(matches))
    ids, keys = _page(matches, every, query)
    return SearchResults(
        query=query,
        hits=_hits(text, ids, keys, query),
        total=int(every.sum()),
        facets=_facet_counts(counts, query),
    )
