"""Relevance on SQLite, computed with numpy by FTS5's own bm25 formula, so that a search
asks FTS5 only which rows match (its cheap part) and never calls `bm25()` on each of them.

FTS5's `bm25()` costs most of a common word's search: at 100,000 items a word in 25,000 of
them took 8 ms for the matching ids alone and 69 ms with `bm25` (a quiet machine), because
it is called once per matching row. The same score is a few array operations when each of
the query's phrases' occurrences are known: for a word, the rows it is in and how often
(read from an `fts5vocab` "instance" table, one row per occurrence, with `group_concat`
into one string: building a Python tuple per row was most of the time of reading them);
for a phrase, the occurrences of its words at consecutive positions. Each row's length in
tokens is in the process's arrays (item_arrays), kept current by the change log.

bm25 as FTS5 computes it (ext/fts5/fts5_aux.c), for a row of D tokens among N rows of
average length avgdl, summed over the query's phrases, a phrase found in n rows and f times
in this row:

    idf = ln((N - n + 0.5) / (n + 0.5)), or 1e-6 when that is not above 0
    score = sum of idf * f * (k1 + 1) / (f + k1 * (1 - b + b * D / avgdl)), k1 = 1.2, b = 0.75

Every quoted string of the compiled MATCH expression is one phrase, in order, excluded
ones included (a row that matches has none of those: they add nothing). A prefix term is
not computed here (its phrase is every word that begins with it): those queries keep
`bm25()`. The query's words are split and stemmed by FTS5 itself, with the index's
tokenizer, through a temporary FTS5 table of the connection's own (`tokens`), so no
stemmer of ours can disagree with the index.
"""

import math
import threading

import numpy as np

from consultation.search.backends.fts5 import TOKENIZE, integers, phrases_of

K1 = 1.2
B = 0.75
_QUERY_TABLE = "feedback_query_tokens"
_QUERY_VOCAB = "feedback_query_vocab"
_INDEX_VOCAB = "feedback_index_vocab"
_INDEX_TERMS = "feedback_index_terms"
# Reading an occurrence from the "instance" table and placing it costs about a quarter of
# what bm25() costs a matching row when the index ranks them (a quiet machine, 100,000
# items: 38,700 occurrences of a word with their offsets in 5.8 ms; bm25() of a phrase's
# 9,700 matches, the best 200 read, 10.5 ms), so beyond this many occurrences of the
# query's words per matching row bm25() is the cheaper: the phrases of the feedback search
# bench took 4,649 ms in all (8 rounds of 40) with 3, 4,212 with 4.5, 4,284 with 6 and
# 4,652 with numpy for every one.
MOST_OCCURRENCES_PER_MATCH = 4.5
# Below this many matching rows bm25() costs a few milliseconds: less than the queries
# this module asks (200 rows: 0.7 against 5.8 ms).
FEWEST_MATCHES = 2_000
_MOST_TOKENIZED = 10_000  # texts whose tokens a process remembers
_tokenized = {}
_lock = threading.Lock()


def _prepare(cursor, index):
    """The connection's temporary tables: one to tokenize a query's words, and the
    "instance" views of it and of the index."""
    cursor.execute(
        f'CREATE VIRTUAL TABLE IF NOT EXISTS temp."{_QUERY_TABLE}" USING fts5(t, '
        f"tokenize='{TOKENIZE}')"
    )
    cursor.execute(
        f'CREATE VIRTUAL TABLE IF NOT EXISTS temp."{_QUERY_VOCAB}" '
        f'USING fts5vocab(temp, "{_QUERY_TABLE}", instance)'
    )
    for name, kind in ((_INDEX_VOCAB, "instance"), (_INDEX_TERMS, "row")):
        cursor.execute(
            f'CREATE VIRTUAL TABLE IF NOT EXISTS temp."{name}" '
            f'USING fts5vocab(main, "{index.name}", {kind})'
        )


def tokens(cursor, text):
    """The terms FTS5's tokenizer makes of `text`, in order (stemmed, folded)."""
    known = _tokenized.get(text)
    if known is not None:
        return known
    cursor.execute(f'INSERT INTO temp."{_QUERY_TABLE}" (rowid, t) VALUES (1, %s)', [text])  # noqa: S608
    cursor.execute(f'SELECT term FROM temp."{_QUERY_VOCAB}" ORDER BY "offset"')  # noqa: S608
    found = tuple(term for (term,) in cursor.fetchall())
    cursor.execute(f'DELETE FROM temp."{_QUERY_TABLE}"')  # noqa: S608
    with _lock:
        if len(_tokenized) >= _MOST_TOKENIZED:
            _tokenized.clear()
        _tokenized[text] = found
    return found


def _occurrences(cursor, term, *, offsets):
    """(rows, offsets or None) of every occurrence of `term` in the index."""
    columns = 'group_concat(doc), group_concat("offset")' if offsets else "group_concat(doc)"
    cursor.execute(
        f'SELECT {columns} FROM temp."{_INDEX_VOCAB}" WHERE term = %s',  # noqa: S608 - constants
        [term],
    )
    row = cursor.fetchone()
    return integers(row[0]), (integers(row[1]) if offsets else None)


def _sorted(values):
    """`values` ascending: the "instance" table gives a term's occurrences in the order of
    its doclist (row, then offset), checked here rather than assumed."""
    return values if np.all(values[1:] >= values[:-1]) else np.sort(values, kind="stable")


def _counted(rows):
    """(distinct values, how many of each) of the ascending array `rows`: np.unique's
    answer without its sort."""
    if not len(rows):
        return rows, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    return rows[starts], np.diff(np.r_[starts, len(rows)])


def _common(smaller, larger):
    """The values of the ascending arrays `smaller` that are in `larger`."""
    if not len(larger):
        return larger
    places = np.minimum(np.searchsorted(larger, smaller), len(larger) - 1)
    return smaller[larger[places] == smaller]


def frequencies(cursor, terms):
    """(rows ascending, how often in each) of the phrase `terms` (one or more terms at
    consecutive positions) in the whole index. Each term's occurrences come in row and
    offset order, so where each would start the phrase is kept ascending and the terms'
    starts are intersected by binary search, not by sorting them again (a phrase of two
    words with 38,000 and 11,000 occurrences: 15 ms by np.unique and np.intersect1d)."""
    if len(terms) == 1:
        rows, _offsets = _occurrences(cursor, terms[0], offsets=False)
        return _counted(_sorted(rows))
    found = None
    for place, term in enumerate(terms):
        rows, offsets = _occurrences(cursor, term, offsets=True)
        starts = offsets - place  # where a phrase holding this occurrence would start
        keys = _sorted((rows[starts >= 0] << 32) | starts[starts >= 0])
        found = keys if found is None else _common(*sorted((found, keys), key=len))
    return _counted(found >> 32)


def occurrences(cursor, terms):
    """How many times the `terms` occur in the whole index, together."""
    marks = ", ".join(["%s"] * len(terms))
    cursor.execute(
        f'SELECT COALESCE(SUM(cnt), 0) FROM temp."{_INDEX_TERMS}" WHERE term IN ({marks})',  # noqa: S608
        list(terms),
    )
    return cursor.fetchone()[0]


def bm25(ids, lengths, phrases, rows, total_tokens):
    """The bm25 of the rows `ids` (with their `lengths` in tokens), higher better, from each
    phrase's (rows, frequencies) in an index of `rows` rows and `total_tokens` tokens."""
    scores = np.zeros(len(ids), dtype=np.float64)
    if not rows or not total_tokens or not len(ids):
        return scores
    average = total_tokens / rows
    norm = K1 * (1 - B + B * lengths.astype(np.float64) / average)
    for found, counts in phrases:
        idf = math.log((rows - len(found) + 0.5) / (len(found) + 0.5))
        idf = idf if idf > 0 else 1e-6
        frequency = np.zeros(len(ids), dtype=np.float64)
        if len(found):
            places = np.clip(np.searchsorted(found, ids), 0, len(found) - 1)
            present = found[places] == ids
            frequency[present] = counts[places[present]]
        scores += idf * (frequency * (K1 + 1)) / (frequency + norm)
    return scores


def scores(cursor, index, parsed, ids, arrays):
    """bm25 (higher better) of the matched rows `ids` of `index` for the query `parsed`,
    with their lengths from `arrays` (item_arrays); None, for the caller to ask FTS5's
    `bm25()`, when the query has a prefix term or a phrase with no terms, or when bm25()
    is the cheaper: few matches, or words that occur often for the rows they match."""
    texts = phrases_of(parsed)
    if texts is None or len(ids) < FEWEST_MATCHES:
        return None
    _prepare(cursor, index)
    tokenized = [tokens(cursor, text) for text in texts]
    if not all(tokenized):
        return None
    terms = sorted({term for phrase in tokenized for term in phrase})
    if occurrences(cursor, terms) > MOST_OCCURRENCES_PER_MATCH * len(ids):
        return None
    phrases = [frequencies(cursor, phrase) for phrase in tokenized]
    positions, found = arrays.positions(ids)
    lengths = np.zeros(len(ids), dtype=np.int64)
    lengths[found] = arrays.length[positions]
    return bm25(ids, lengths, phrases, len(arrays.ids), int(arrays.length.sum()))
