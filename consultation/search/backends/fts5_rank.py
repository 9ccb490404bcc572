"""Relevance on SQLite, computed with numpy by FTS5's own bm25 formula, so that a search
asks FTS5 only which rows match (its cheap part) and never calls `bm25()` on each of them.

FTS5's `bm25()` costs most of a common word's search: at 100,000 items a word in 25,000 of
them took 8 ms for the matching ids alone and 69 ms with `bm25` (a quiet machine), because
it is called once per matching row. The same score is a few array operations when each of
the query's phrases' occurrences are known: for a word, the rows it is in and how often
(read from an `fts5vocab` "instance" table, one row per occurrence, with `group_concat`
into one string: building a Python tuple per row was most of the time of reading them);
for a phrase of several words, the rows FTS5 matches it in and its rarest word's
occurrences, the phrase being there once wherever that word is there no more often than
in the phrase; the few other rows are tokenized again, or, when there are many, every
word's occurrences are read and those at consecutive positions counted
(`phrase_frequencies`). Each row's length in tokens is in the process's arrays
(item_arrays), kept current by the change log.

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

from consultation.search.backends.fts5 import (
    TOKENIZE,
    compile_match,
    integers,
    phrases_of,
    quoted,
)

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
# query's words per matching row bm25() is the cheaper (a phrase's words counted as
# `_reads` expects to read them): the phrases of the feedback search bench took 4,649 ms in
# all (8 rounds of 40) with 3, 4,212 with 4.5, 4,284 with 6 and 4,652 with numpy for every
# one, when every word of a phrase was read.
MOST_OCCURRENCES_PER_MATCH = 4.5
# Below this many matching rows bm25() costs a few milliseconds: less than the queries
# this module asks (200 rows: 0.7 against 5.8 ms).
FEWEST_MATCHES = 2_000
# A row of a phrase tokenized again to count it (phrase_frequencies) costs about as much as
# reading this many occurrences from the index (12 µs against 0.15).
RECOUNT_COST = 80
MOST_RECOUNTED = 5_000  # rows named in one statement, far below SQLite's 32,766 parameters
_MOST_TOKENIZED = 10_000  # texts whose tokens a process remembers
_tokenized = {}
_lock = threading.Lock()


def _prepare(cursor, index):
    """The connection's temporary tables: one to tokenize a query's words (and rows
    counted again), and the "instance" views of it and of the index. The first keeps no
    copy of the text (contentless), so it is emptied at once by "delete-all", where a
    DELETE tokenizes every row again (0.4 ms for 21 rows). One query finds them there on
    every search but a connection's first (or the first after a rollback undid them)."""
    names = (_QUERY_TABLE, _QUERY_VOCAB, _INDEX_VOCAB, _INDEX_TERMS)
    marks = ", ".join(["%s"] * len(names))
    cursor.execute(
        f"SELECT count(*) FROM temp.sqlite_master WHERE name IN ({marks})",  # noqa: S608
        list(names),
    )
    if cursor.fetchone()[0] == len(names):
        return
    cursor.execute(
        f'CREATE VIRTUAL TABLE IF NOT EXISTS temp."{_QUERY_TABLE}" USING fts5(t, '
        f"content='', tokenize='{TOKENIZE}')"
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


def _empty(cursor):
    cursor.execute(
        f'INSERT INTO temp."{_QUERY_TABLE}" ("{_QUERY_TABLE}") VALUES (%s)',  # noqa: S608
        ["delete-all"],
    )


def tokens(cursor, text):
    """The terms FTS5's tokenizer makes of `text`, in order (stemmed, folded)."""
    known = _tokenized.get(text)
    if known is not None:
        return known
    cursor.execute(f'INSERT INTO temp."{_QUERY_TABLE}" (rowid, t) VALUES (1, %s)', [text])  # noqa: S608
    cursor.execute(f'SELECT term FROM temp."{_QUERY_VOCAB}" ORDER BY "offset"')  # noqa: S608
    found = tuple(term for (term,) in cursor.fetchall())
    _empty(cursor)
    with _lock:
        if len(_tokenized) >= _MOST_TOKENIZED:
            _tokenized.clear()
        _tokenized[text] = found
    return found


def _occurrences(cursor, term, *, offsets, vocab=_INDEX_VOCAB):
    """(rows, offsets or None) of every occurrence of `term` in the "instance" table
    `vocab` (the index's, or the temporary table's of recounted rows)."""
    columns = 'group_concat(doc), group_concat("offset")' if offsets else "group_concat(doc)"
    cursor.execute(
        f'SELECT {columns} FROM temp."{vocab}" WHERE term = %s',  # noqa: S608 - constants
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


def _lookup(values, keys, counts, default):
    """The counts of `values` among the ascending `keys` (`default` where absent)."""
    found = np.full(len(values), default, dtype=np.int64)
    if len(keys):
        places = np.minimum(np.searchsorted(keys, values), len(keys) - 1)
        present = keys[places] == values
        found[present] = counts[places[present]]
    return found


def _starts(cursor, term, place, vocab=_INDEX_VOCAB):
    """Ascending (row << 32 | start) of every occurrence of `term` that can be at `place`
    of a phrase, `start` being where that phrase would begin."""
    rows, offsets = _occurrences(cursor, term, offsets=True, vocab=vocab)
    starts = offsets - place
    kept = starts >= 0
    return _sorted((rows[kept] << 32) | starts[kept])


def frequencies(cursor, terms, vocab=_INDEX_VOCAB, known=None):
    """(rows ascending, how often in each) of the phrase `terms` (one or more terms at
    consecutive positions) in the "instance" table `vocab`; `known` may hold {place:
    _starts of the term at that place} already read. Each term's occurrences come in row
    and offset order, so where each would start the phrase is kept ascending and the
    terms' starts are intersected by binary search, not by sorting them again (a phrase of
    two words with 38,000 and 11,000 occurrences: 15 ms by np.unique and np.intersect1d)."""
    if len(terms) == 1:
        rows, _offsets = _occurrences(cursor, terms[0], offsets=False, vocab=vocab)
        return _counted(_sorted(rows))
    known = known or {}
    found = None
    for place, term in enumerate(terms):
        keys = known[place] if place in known else _starts(cursor, term, place, vocab)
        found = keys if found is None else _common(*sorted((found, keys), key=len))
    return _counted(found >> 32)


def _recounted(cursor, index, rows, terms):
    """How often the phrase `terms` occurs in each of the `rows` (all of which hold it),
    from their texts tokenized again in the connection's temporary table, as the extracts
    are: the index cannot give one row's offsets without every row's."""
    try:
        cursor.execute(*index.copy_rows_sql(f'temp."{_QUERY_TABLE}"', "t", rows.tolist()))
        found, counts = frequencies(cursor, terms, vocab=_QUERY_VOCAB)
    finally:
        _empty(cursor)
    return _lookup(rows, found, counts, default=1)


def _rarest(terms, counts):
    """The place in the phrase `terms` of its term with the fewest occurrences."""
    return min(range(len(terms)), key=lambda place: (counts[terms[place]][0], place))


def phrase_frequencies(cursor, index, terms, rows, counts):
    """(rows ascending, how often in each) of the phrase of several `terms`, given the
    `rows` FTS5 finds it in and each term's (occurrences, rows) in the index (`counts`).
    A row holds the phrase as often as its rarest term at most, so where that term occurs
    as often as the phrase has it, the phrase is there once: the rarest term's occurrences
    are read, and only the rows where it occurs more often are counted again, or, when
    those would cost more, the other terms' occurrences are read and intersected (a phrase
    in 9,700 of 100,000 items: its rarest word's 10,000 occurrences and 21 rows counted
    again, where its other word has 34,000 occurrences)."""
    rows = _sorted(rows)
    place = _rarest(terms, counts)
    rarest = terms[place]
    keys = _starts(cursor, rarest, place)
    held, times = _counted(keys >> 32)
    unsure = _lookup(rows, held, times, default=0) != terms.count(rarest)
    frequency = np.ones(len(rows), dtype=np.int64)
    if not np.any(unsure):
        return rows, frequency
    others = sum(counts[term][0] for term in set(terms) - {rarest})
    recounted = np.count_nonzero(unsure)
    if RECOUNT_COST * recounted > others or recounted > MOST_RECOUNTED:
        return frequencies(cursor, terms, known={place: keys})
    frequency[unsure] = _recounted(cursor, index, rows[unsure], terms)
    return rows, frequency


def _reads(terms, counts):
    """What finding the frequencies of the phrase `terms` is expected to cost, in
    occurrences read: a term's occurrences; for a phrase of several, its rarest term's
    plus its rows that may hold that term more often than the phrase does, counted again
    (at most its occurrences beyond one a row), or every term's, whichever is less."""
    if len(terms) == 1:
        return counts[terms[0]][0]
    rarest = terms[_rarest(terms, counts)]
    occurrences, held = counts[rarest]
    surplus = occurrences - held if terms.count(rarest) == 1 else held
    every = sum(counts[term][0] for term in set(terms))
    return min(occurrences + RECOUNT_COST * surplus, every)


def term_counts(cursor, terms):
    """{term: (occurrences, rows holding it)} in the whole index of each of `terms`
    ((0, 0) for a term it does not hold)."""
    marks = ", ".join(["%s"] * len(terms))
    cursor.execute(
        f'SELECT term, cnt, doc FROM temp."{_INDEX_TERMS}" WHERE term IN ({marks})',  # noqa: S608
        list(terms),
    )
    counts = dict.fromkeys(terms, (0, 0))
    counts.update({term: (cnt, doc) for term, cnt, doc in cursor.fetchall()})
    return counts


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
        if found is ids:  # a word alone: its rows are the matches
            frequency[:] = counts
        elif len(found):
            places = np.clip(np.searchsorted(found, ids), 0, len(found) - 1)
            present = found[places] == ids
            frequency[present] = counts[places[present]]
        scores += idf * (frequency * (K1 + 1)) / (frequency + norm)
    return scores


def _alone(parsed, texts):
    """Whether the query `parsed` is its one phrase `texts` alone (nothing excluded), so
    that the rows it matches are that phrase's."""
    return [quoted(text) for text in texts] == [compile_match(parsed).include]


def _phrase_rows(cursor, index, text):
    """The rows the phrase `text` alone matches in `index`."""
    fts = f'"{index.name}"'
    cursor.execute(
        f"SELECT group_concat(rowid) FROM {fts} WHERE {fts} MATCH %s",  # noqa: S608 - checked
        [quoted(text)],
    )
    return integers(cursor.fetchone()[0])


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
    counts = term_counts(cursor, sorted({term for phrase in tokenized for term in phrase}))
    if sum(_reads(terms, counts) for terms in tokenized) > MOST_OCCURRENCES_PER_MATCH * len(ids):
        return None
    alone = _alone(parsed, texts)
    phrases = []
    for text, terms in zip(texts, tokenized, strict=True):
        if len(terms) == 1:
            phrases.append(frequencies(cursor, terms))
            continue
        rows = ids if alone else _phrase_rows(cursor, index, text)
        phrases.append(phrase_frequencies(cursor, index, terms, rows, counts))
    return _scored(ids, phrases, arrays)


def _scored(ids, phrases, arrays):
    """bm25 of the rows `ids` from their `phrases`, with their lengths from `arrays`."""
    positions, found = arrays.positions(ids)
    lengths = np.zeros(len(ids), dtype=np.int64)
    lengths[found] = arrays.length[positions]
    return bm25(ids, lengths, phrases, len(arrays.ids), int(arrays.length.sum()))


def word_ranking(cursor, index, parsed, arrays):
    """(matched rows ascending, their bm25) of a query of one word alone, from the word's
    occurrences only: its rows are the matches, so FTS5 is not asked for them as well (a
    word in 32,000 of 100,000 items: 2 ms saved of 16); None for any other query, or when
    `bm25()` is the cheaper (as `scores`)."""
    texts = phrases_of(parsed)
    if texts is None or not _alone(parsed, texts):
        return None
    _prepare(cursor, index)
    terms = tokens(cursor, texts[0])
    if len(terms) != 1:
        return None
    occurrences, held = term_counts(cursor, terms)[terms[0]]
    if held < FEWEST_MATCHES or occurrences > MOST_OCCURRENCES_PER_MATCH * held:
        return None
    rows, counts = frequencies(cursor, terms)
    return rows, _scored(rows, [(rows, counts)], arrays)
