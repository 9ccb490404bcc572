"""The database backend: feedback items searched with the database's own full-text index
(SQLite FTS5, PostgreSQL tsvector; `item_index`), counted by facet, sorted and paged.

One query reads, for every item the text and date range match (filters aside), its id, its
consultation and section, its packed facet values (`FeedbackItem.facet_bits`) and its sort
key (relevance, or time). numpy then applies the facet filters, counts every facet by the
disjunctive rule (each facet with every filter but its own: `types`), and picks the page;
a second query makes the page's highlighted extracts. So the work grows with the number
of matches, one small row each, and not with the number of facets. Themes, stance and
questionnaire answers are not in the item's row: `extra_facets` reads them for the matches
with one query each and hands numpy their codes.

What a person typed reaches the database only as the parse compiled by `fts5` or
`postgres`, as query parameters.
"""

import logging

import numpy as np
from django.contrib.postgres.search import SearchVectorField
from django.db import DatabaseError, connection, transaction
from django.db.models import BigIntegerField, F, FloatField
from django.db.models.expressions import RawSQL

from consultation import anchoring
from consultation.feedback import facet_codes
from consultation.feedback.models import FacetCode, FeedbackItem
from consultation.models import Consultation
from consultation.search.backends import extra_facets, fts5, item_index, postgres
from consultation.search.highlight import marked_to_html, plain_extract
from consultation.search.types import FACET_SIZE, FACETS, FacetCounts, Hit, SearchResults
from hub.pages.models import SectionPage

logger = logging.getLogger(__name__)

NOT_RUN = "This search could not be run. Try fewer or other words."
_CHOICE_FACETS = {name for name, _values, _bits in facet_codes.CHOICES}
_ID_FACETS = ("consultation", "section")
_LOW_32 = (1 << 32) - 1


class Matches:
    """The items a query's text and dates match: parallel numpy arrays of ids, sort keys
    and the code of each facet's value (0: none)."""

    def __init__(self, rows):
        def column(n, dtype):
            return np.fromiter((row[n] for row in rows), dtype=dtype, count=len(rows))

        self.ids = column(0, np.int64)
        place, bits = column(1, np.int64), column(2, np.int64)
        self.keys = column(3, np.float64)
        self.codes = facet_codes.decode(bits)
        self.codes["consultation"] = place >> 32
        self.codes["section"] = place & _LOW_32

    def __len__(self):
        return len(self.ids)


# -- the vendors ---------------------------------------------------------------------------


def _quote(name):
    return connection.ops.quote_name(name)


def _date_conditions(query, column):
    start, end = query.created_range
    conditions, params = [], []
    for bound, operator in ((start, ">="), (end, "<")):
        if bound is not None:
            conditions.append(f"{column} {operator} %s")
            params.append(connection.ops.adapt_datetimefield_value(bound))
    return conditions, params


class SqliteText:
    """Matches and extracts through the FTS5 table."""

    def __init__(self, query):
        self.query = query
        self.match = fts5.compile_match(query.parsed)

    def rows(self):
        fts, items = _quote(item_index.FTS.name), _quote(item_index.TABLE)
        relevance = self.query.effective_sort == "relevance"
        key = f"-bm25({fts})" if relevance else "julianday(i.created_at)"
        columns = (
            f"i.id, (i.consultation_id << 32) | COALESCE(i.section_id, 0), i.facet_bits, {key}"
        )
        conditions, params = _date_conditions(self.query, "i.created_at")
        if self.match.include is not None:
            source = f"{fts} CROSS JOIN {items} AS i ON i.id = {fts}.rowid"
            conditions.insert(0, f"{fts} MATCH %s")
            params.insert(0, self.match.include)
        else:
            source = f"{items} AS i"
            if self.match.exclude is not None:
                excluded = f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s"  # noqa: S608
                conditions.insert(0, f"i.id NOT IN ({excluded})")
                params.insert(0, self.match.exclude)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {source}{where}", params)  # noqa: S608
            return cursor.fetchall()

    def extracts(self, ids):
        """{id: marked text} of the items `ids`, or None when the query has no words."""
        if self.match.include is None:
            return None
        sql, params = item_index.FTS.hits_sql(self.match)
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} AND rowid IN ({marks})", [*params, *ids])
            return {item_id: snippet for item_id, _score, snippet in cursor.fetchall()}


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

    def rows(self):
        items = FeedbackItem.objects.all()
        start, end = self.query.created_range
        if start is not None:
            items = items.filter(created_at__gte=start)
        if end is not None:
            items = items.filter(created_at__lt=end)
        if self.match.where is not None:
            items = items.alias(vector=self.vector).filter(vector=self.match.where)
        if self.query.effective_sort == "relevance":
            key = postgres.rank(self.vector, self.match.ranked)
        else:
            key = RawSQL("EXTRACT(EPOCH FROM created_at)", [], output_field=FloatField())
        place = RawSQL(
            "(consultation_id::bigint << 32) | COALESCE(section_id, 0)::bigint",
            [],
            output_field=BigIntegerField(),
        )
        return list(
            items.annotate(place=place, key=key).values_list("id", "place", "facet_bits", "key")
        )

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


def _filter_masks(matches, query, extra):
    """({facet: mask of the items its ticked values let through}, the mask of every one)."""
    masks = {
        facet: np.isin(matches.codes[facet], codes) for facet, codes in _wanted_codes(query).items()
    }
    masks.update(extra.masks(query))
    every = np.ones(len(matches), dtype=bool)
    for mask in masks.values():
        every &= mask
    return masks, every


def _counts(matches, query, extra):
    """(mask of the items every filter lets through, {facet: {code: count}}; the extra
    facets' counts are by value, not code)."""
    masks, every = _filter_masks(matches, query, extra)
    counts = {}
    for facet in FACETS:
        mask = np.ones(len(matches), dtype=bool)
        for other, other_mask in masks.items():
            if other != facet.name:
                mask &= other_mask
        if facet.name in extra_facets.NAMES:
            counts[facet.name] = extra.counts(facet.name, mask)
            continue
        codes, numbers = np.unique(matches.codes[facet.name][mask], return_counts=True)
        counts[facet.name] = {
            int(code): int(number) for code, number in zip(codes, numbers, strict=True) if code
        }
    return every, counts


def _ordered(matches, every, query):
    """The ids and sort keys of the items `every` lets through, and the order to read them."""
    ids, keys = matches.ids[every], matches.keys[every]
    if query.effective_sort == "oldest":
        order = np.lexsort((ids, keys))
    else:  # relevance (higher first) and newest; the later id first on a tie
        order = np.lexsort((-ids, -keys))
    return ids, keys, order


def _page(matches, every, query):
    """The ids of the page asked for, in order, and their sort keys."""
    ids, keys, order = _ordered(matches, every, query)
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
            sections = list(rows)
            labels[name] = {str(section.pk): section.title for section in sections}
            labels["paragraph"] = {
                paragraph_id: f"{section.title}, paragraph {number}"
                for section in sections
                for paragraph_id, number in anchoring.paragraph_numbers(section).items()
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
    person gets a message, and the log says what happened."""
    try:
        with transaction.atomic():
            return Matches(text.rows())
    except DatabaseError:
        logger.exception("The database could not run a feedback search")
        return None


def matching_ids(query):
    """The id of every item `query` finds (all of them, not a page), in its order: what a
    download holds. Empty when the database could not run it."""
    matches = _matches(TEXT_BY_VENDOR[connection.vendor](query))
    if matches is None:
        return []
    extra = extra_facets.ExtraFacets(matches.ids, extra_facets.filtered_names(query))
    _masks, every = _filter_masks(matches, query, extra)
    ids, _keys, order = _ordered(matches, every, query)
    return [int(i) for i in ids[order]]


def search(query):
    """SearchResults for `query` (a FeedbackQuery) from the database's own index."""
    text = TEXT_BY_VENDOR[connection.vendor](query)
    matches = _matches(text)
    if matches is None:
        return SearchResults(query=query, hits=(), total=0, notice=NOT_RUN)
    every, counts = _counts(matches, query, extra_facets.ExtraFacets(matches.ids))
    ids, keys = _page(matches, every, query)
    return SearchResults(
        query=query,
        hits=_hits(text, ids, keys, query),
        total=int(every.sum()),
        facets=_facet_counts(counts, query),
    )
