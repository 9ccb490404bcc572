"""The columns of every feedback item that the database search counts and ranks from (id,
consultation, section, packed facets, time, stance, and on SQLite its length in tokens),
its themes (item, theme, the theme's parent) and the closed questionnaire answers it
carries (item, answer: a number standing for "<question id>:<option id>",
`answer_values`), held in each process as numpy arrays sorted by item id, and brought up to
date from the change log (`item_changes`: items, codes, stances, theme parents, responses,
answers and chosen options log their items) before every search.

So a search reads from the database only what it cannot know: the ids (and relevance) its
words match, from the full-text index, and nothing for filters alone. `current()` costs
one indexed query on the log when nothing changed, two more to re-read the items that did
(their rows, codes and responses; then those responses' chosen options), and a full load
(three queries) the first time, after a "reload everything" row, or when the
log shows the arrays were built from writes that were then rolled back. The arrays are
never changed in place: a refresh makes new ones, so a search in another thread keeps
reading the ones it started with. Every search checks the arrays against what its own
connection sees, so a process never answers from rows another transaction has not
committed, nor from its own rolled-back ones.
"""

import dataclasses
import datetime
import json
import threading

import numpy as np

from consultation.feedback import facet_codes
from consultation.search.backends import item_changes
from consultation.search.backends.item_changes import (
    ANSWERS,
    CHOICES,
    CODES,
    ITEMS,
    QUESTIONNAIRES,
    RESPONSES,
    REVIEWS,
    SUBMITTED,
    TABLE,
    THEMES,
)
from consultation.search.backends.item_index import FTS
from consultation.synthesis.models import Stance

# Re-read at most this many changed items; beyond it a full load is about as quick.
MOST_CHANGES = 20_000
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)

# An item's stance as a number: its position in Stance + 1, 0 when not set.
STANCES = tuple(Stance.values)
_STANCE_WHEN = " ".join(f"WHEN '{value}' THEN {n + 1}" for n, value in enumerate(STANCES))
_STANCE_SQL = (
    f"COALESCE((SELECT CASE r.stance {_STANCE_WHEN} ELSE 0 END "  # noqa: S608 - constants
    f'FROM "{REVIEWS}" r WHERE r.item_id = "{ITEMS}".id), 0)'
)
_COLUMNS_SQL = {
    # Microseconds since 1970 (exact: julianday and unixepoch('subsec') keep milliseconds).
    "sqlite": (
        "id, consultation_id, COALESCE(section_id, 0), facet_bits, "
        "unixepoch(created_at) * 1000000 + CAST(substr(created_at || '000000', 21, 6) "
        f"AS INTEGER), {_STANCE_SQL}, " + FTS.tokens_sql(f'"{ITEMS}"."id"')
    ),
    # PostgreSQL ranks with ts_rank_cd itself: no length needed.
    "postgresql": (
        "id, consultation_id, COALESCE(section_id, 0), facet_bits, "
        f"(EXTRACT(EPOCH FROM created_at) * 1000000)::bigint, {_STANCE_SQL}, 0"
    ),
}
_NAMES = ("ids", "consultation", "section", "bits", "created", "stance", "length")
_WIDTH = len(_NAMES)
# Codes as rows of the same width as the items' (the theme and parent after the item's
# columns, zeros), so that items and their codes are read with one query: a row with a theme
# is a code.
_CODES_SQL = (
    f"SELECT c.item_id, {', '.join(['0'] * (_WIDTH - 1))}, c.theme_id, "  # noqa: S608
    f'COALESCE(t.parent_id, 0) FROM "{CODES}" c JOIN "{THEMES}" t ON t.id = c.theme_id'
)
# The response whose closed answers an item carries (search.backends.extra_facets says
# which), as rows of the same width with -1 where a code has its theme, and the response
# after it: its own response for an answer item, its author's submitted response to the
# consultation's questionnaire for a comment. Read whole, SQLite starts from the answer
# items and the submitted responses (CROSS JOIN keeps that order), never from every item.
_CARRIED_SQL = (
    f"SELECT i.id, {', '.join(['0'] * (_WIDTH - 1))}, -1, own.response_id "  # noqa: S608
    f'FROM "{ITEMS}" i JOIN "{ANSWERS}" own ON own.id = i.answer_source_id '
    "WHERE i.answer_source_id IS NOT NULL{and_id} UNION ALL "
    f"SELECT i.id, {', '.join(['0'] * (_WIDTH - 1))}, -1, r.id "
    f'FROM "{RESPONSES}" r {{join}} "{QUESTIONNAIRES}" q {{join}} "{ITEMS}" i '
    "WHERE q.id = r.questionnaire_id AND i.author_id = r.respondent_id "
    "AND i.consultation_id = q.consultation_id AND i.comment_id IS NOT NULL "
    f"AND r.status = '{SUBMITTED}'{{and_id}}"
)
_CHOSEN_SQL = (
    f'SELECT a.response_id, a.question_id, c.choice_id FROM "{ANSWERS}" a '  # noqa: S608
    f'JOIN "{CHOICES}" c ON c.answer_id = a.id'
)
_LOW_32 = (1 << 32) - 1
_EMPTY = np.zeros((0, _WIDTH), dtype=np.int64)
_NO_CODES = np.zeros((0, 3), dtype=np.int64)
_NO_ANSWERS = np.zeros((0, 2), dtype=np.int64)
_EMPTY_READ = np.zeros((0, _WIDTH + 2), dtype=np.int64)

# Every answer value ("<question id>:<option id>") this process has read, numbered from 1
# in the order first read: the arrays hold the numbers. Only ever added to, so the numbers
# of arrays made earlier (a search in another thread) keep their meaning; there are as
# many as the questionnaires have options.
_answer_values = []
_answer_numbers = {}
_values_lock = threading.Lock()


def _numbered(values):
    """The numbers of `values` (answer value strings), numbering those not seen yet; and
    the values as they stand (a tuple: value i is number i + 1)."""
    with _values_lock:
        for value in values:
            if value not in _answer_numbers:
                _answer_values.append(value)
                _answer_numbers[value] = len(_answer_values)
        numbers = np.fromiter(
            (_answer_numbers[value] for value in values), dtype=np.int64, count=len(values)
        )
        return numbers, tuple(_answer_values)


def microseconds(moment):
    """An aware datetime as the arrays' time: microseconds since 1970 UTC."""
    return (moment - _EPOCH) // _MICROSECOND


@dataclasses.dataclass(frozen=True)
class ItemArrays:
    """Every item's id (ascending), consultation, section (0: none), facet bits, time
    (microseconds), stance (STANCES position + 1; 0: none) and length in tokens (SQLite; 0
    elsewhere), as parallel arrays; and
    every code as (item id, theme id, the theme's parent or 0) in `codes`, by item id;
    every closed answer an item carries as (item id, number of its value) in `answers`, by
    item id, `answer_values` the values (number n is answer_values[n - 1]);
    `mark` says up to where the log was read."""

    ids: np.ndarray
    consultation: np.ndarray
    section: np.ndarray
    bits: np.ndarray
    created: np.ndarray
    stance: np.ndarray
    length: np.ndarray
    codes: np.ndarray = dataclasses.field(default_factory=lambda: _NO_CODES, compare=False)
    answers: np.ndarray = dataclasses.field(default_factory=lambda: _NO_ANSWERS, compare=False)
    answer_values: tuple = dataclasses.field(default=(), compare=False)
    mark: object = dataclasses.field(default=None, compare=False)
    # What is worked out from the arrays once (`_derived`), shared by the copies that only
    # move the mark (a search that finds nothing changed), so not worked out per search.
    derived: dict = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_rows(cls, rows, codes, answers, answer_values, mark):
        table = np.array(rows, dtype=np.int64).reshape(-1, _WIDTH) if len(rows) else _EMPTY
        table = table[np.argsort(table[:, 0], kind="stable")]
        columns = (np.ascontiguousarray(table[:, n]) for n in range(_WIDTH))
        return cls(
            *columns,
            codes=_by_item(codes, 3),
            answers=_by_item(answers, 2),
            answer_values=answer_values,
            mark=mark,
        )

    def rows(self, keep):
        return np.column_stack([getattr(self, name)[keep] for name in _NAMES])

    def _places(self, item_ids):
        """Where each of `item_ids` is in the arrays (the last place + 1 for one not there)."""
        places = np.searchsorted(self.ids, item_ids)
        inside = places < len(self.ids)
        inside[inside] = self.ids[places[inside]] == item_ids[inside]
        return np.where(inside, places, len(self.ids))

    def _derived(self, name, make):
        """`make()`, worked out once for these arrays and their copies (`derived`)."""
        found = self.derived.get(name)
        if found is None:
            found = self.derived[name] = make()
        return found

    @property
    def _code_places(self):
        return self._derived("code places", lambda: self._places(self.codes[:, 0]))

    @property
    def _answer_places(self):
        return self._derived("answer places", lambda: self._places(self.answers[:, 0]))

    @property
    def themes(self):
        """Each item's themes as (item, theme) rows, each once, by item: the theme of each
        of its codes and the parent of each sub-theme among them (a parent counts the items
        with it or any of its sub-themes). Worked out once per arrays, not per search."""

        def make():
            child = self.codes[:, 2] > 0
            pairs = np.concatenate([self.codes[:, :2], self.codes[child][:, [0, 2]]])
            keys = np.unique((pairs[:, 0] << 32) | pairs[:, 1])
            return np.column_stack([keys >> 32, keys & _LOW_32])

        return self._derived("themes", make)

    @property
    def _theme_places(self):
        return self._derived("theme places", lambda: self._places(self.themes[:, 0]))

    def _among(self, positions, places, rows):
        among = np.full(len(self.ids) + 1, -1, dtype=np.int64)
        among[positions] = np.arange(len(positions))
        at = among[places]
        kept = at >= 0
        return at[kept], rows[kept]

    @property
    def facets(self):
        """{facet: every item's code of its value (0: none)}, the packed bits decoded once
        per arrays rather than for each search's matches (which made a search of every
        item, filters alone, decode 100,000 bits nine times over). Read-only: searches share
        them."""

        def make():
            columns = facet_codes.decode(self.bits)
            columns["consultation"] = self.consultation
            columns["section"] = self.section
            for column in columns.values():
                column.flags.writeable = False
            return columns

        return self._derived("facets", make)

    def codes_of(self, positions):
        """(for each code of the items at `positions`, where its item is among `positions`;
        those codes' rows (item, theme, parent)): one pass over the codes."""
        return self._among(positions, self._code_places, self.codes)

    def themes_of(self, positions):
        """(for each theme of the items at `positions` (ItemArrays.themes), where its item
        is among `positions`; those rows (item, theme)): one pass over the themes."""
        return self._among(positions, self._theme_places, self.themes)

    def answers_of(self, positions):
        """(for each answer the items at `positions` carry, where its item is among
        `positions`; those rows (item, number of the value)): one pass over the answers."""
        return self._among(positions, self._answer_places, self.answers)

    def positions(self, ids):
        """(positions in the arrays of those of `ids` there are, mask of `ids` found)."""
        ids = np.asarray(ids, dtype=np.int64)
        places = np.searchsorted(self.ids, ids)
        found = places < len(self.ids)
        found[found] = self.ids[places[found]] == ids[found]
        return places[found], found


def _by_item(rows, width):
    """`rows` (item id first) as an int64 array of `width` columns, sorted by item id."""
    if not len(rows):
        return np.zeros((0, width), dtype=np.int64)
    rows = np.array(rows, dtype=np.int64).reshape(-1, width)
    return rows[np.argsort(rows[:, 0], kind="stable")]


def _fetch(cursor, sql, params=()):
    cursor.execute(sql, params)
    return cursor.fetchall()


def _ids_param(vendor, ids):
    """A condition on `{column}` that it is one of `ids`, and its one parameter (a JSON
    array read by json_each on SQLite, an array on PostgreSQL)."""
    ids = [int(i) for i in ids]
    if vendor == "postgresql":
        return "{column} = ANY(%s::bigint[])", "{" + ",".join(map(str, ids)) + "}"
    return "{column} IN (SELECT value FROM json_each(%s))", json.dumps(ids)


def _read_answers(cursor, vendor, carried):
    """(item, number of the value) of each closed answer the items of `carried` (rows of
    (item, response)) carry, and the values as they stand (`_numbered`): their responses'
    chosen options read in one query, joined to the items with numpy."""
    if not len(carried):
        return _NO_ANSWERS, tuple(_answer_values)
    condition, param = _ids_param(vendor, np.unique(carried[:, 1]))
    chosen = _fetch(
        cursor, f"{_CHOSEN_SQL} WHERE {condition.format(column='a.response_id')}", [param]
    )
    if not chosen:
        return _NO_ANSWERS, tuple(_answer_values)
    numbers, values = _numbered([f"{question}:{option}" for _r, question, option in chosen])
    responses = np.fromiter((row[0] for row in chosen), dtype=np.int64, count=len(chosen))
    order = np.argsort(responses, kind="stable")
    responses, numbers = responses[order], numbers[order]
    # Each carried (item, response) pair to each of its response's options.
    known, starts, counts = np.unique(responses, return_index=True, return_counts=True)
    found = np.clip(np.searchsorted(known, carried[:, 1]), 0, len(known) - 1)
    has = known[found] == carried[:, 1]
    items, found = carried[has, 0], found[has]
    each = counts[found]
    rows = np.repeat(starts[found] - np.cumsum(each) + each, each) + np.arange(each.sum())
    return np.column_stack([np.repeat(items, each), numbers[rows]]), values


def _read_items(cursor, vendor, where="", params=()):
    """(rows (id, consultation, section, bits, time, stance, length), codes (item, theme,
    parent), answers (item, number of the value), the answer values) of every item, or of
    those `where` keeps (an SQL condition on `{id}`, the item's id, with its `params`): one
    query for the items' rows, their codes' and the responses they carry, one more for
    those responses' chosen options."""
    items = f'SELECT {_COLUMNS_SQL[vendor]}, 0, 0 FROM "{ITEMS}"'  # noqa: S608 - constants
    if where:
        items += f" WHERE {where.format(id='id')}"
        codes = f"{_CODES_SQL} WHERE {where.format(id='c.item_id')}"
        carried = _CARRIED_SQL.format(and_id=f" AND {where.format(id='i.id')}", join=",")
        params = [*params] * 4
    else:
        codes = _CODES_SQL
        join = "CROSS JOIN" if vendor == "sqlite" else ","
        carried = _CARRIED_SQL.format(and_id="", join=join)
    rows = _fetch(cursor, f"{items} UNION ALL {codes} UNION ALL {carried}", params)
    table = np.array(rows, dtype=np.int64).reshape(-1, _WIDTH + 2) if rows else _EMPTY_READ
    kind = table[:, _WIDTH]
    answers, values = _read_answers(cursor, vendor, table[kind < 0][:, [0, _WIDTH + 1]])
    return (
        table[kind == 0, :_WIDTH],
        table[kind > 0][:, [0, _WIDTH, _WIDTH + 1]],
        answers,
        values,
    )


def _with_changes(arrays, changed, fresh, mark):
    """`arrays` with the items `changed` (ids) replaced by `fresh` (their rows, codes and
    answers read again, `_read_items`; a changed item with no row was deleted), marked
    `mark`."""
    if not changed:
        return dataclasses.replace(arrays, mark=mark)
    changed = np.fromiter(changed, dtype=np.int64, count=len(changed))
    rows, codes, answers, values = fresh

    def replaced(old, new, width):
        kept = old[~np.isin(old[:, 0], changed)]
        return np.concatenate([kept, np.array(new, dtype=np.int64).reshape(-1, width)])

    return ItemArrays.from_rows(
        replaced(arrays.rows(slice(None)), rows, _WIDTH),
        replaced(arrays.codes, codes, 3),
        replaced(arrays.answers, answers, 2),
        max(values, arrays.answer_values, key=len),  # the values only ever grow
        mark,
    )


# -- how each database says what changed ---------------------------------------------------


class SqliteLog:
    """A mark is the (seq, token) of the last log row read; (0, None) when the log was
    empty, which it is only when someone emptied it by hand: then nothing is kept."""

    vendor = "sqlite"

    def full(self, cursor, newest=None):
        """Every item, marked with the log's newest row (`newest`, when just read)."""
        if newest is None:
            last = _fetch(cursor, f'SELECT seq, token FROM "{TABLE}" ORDER BY seq DESC LIMIT 1')  # noqa: S608
            newest = (last[0][0], None, last[0][1]) if last else (0, None, None)
        return ItemArrays.from_rows(*_read_items(cursor, self.vendor), (newest[0], newest[2]))

    def refresh(self, arrays, cursor):
        seq, token = arrays.mark
        if not seq:
            return self.full(cursor)
        rows = _fetch(
            cursor,
            f'SELECT seq, item_id, token FROM "{TABLE}" WHERE seq >= %s ORDER BY seq',  # noqa: S608
            [seq],
        )
        if not rows or (rows[0][0], rows[0][2]) != (seq, token):
            # The row last read was rolled back (or pruned): what was read may be undone.
            return self.full(cursor, rows[-1] if rows else None)
        _pruned_older(rows[-1][0], seq)
        changed = {item_id for _seq, item_id, _token in rows[1:]}
        if None in changed or len(changed) > MOST_CHANGES:
            return self.full(cursor, rows[-1])
        fresh = _EMPTY, _NO_CODES, _NO_ANSWERS, ()
        if changed:  # one query however many changed: the log names them
            logged = f'SELECT item_id FROM "{TABLE}" WHERE seq > %s AND seq <= %s'  # noqa: S608
            fresh = _read_items(cursor, self.vendor, f"{{id}} IN ({logged})", [seq, rows[-1][0]])
        return _with_changes(arrays, changed, fresh, (rows[-1][0], rows[-1][2]))


class PostgresLog:
    """A mark is (horizon, {seq: xid} of the rows read whose transaction was at or above
    the horizon): item_changes.PG_HORIZON at the last look (the snapshot's xmin, leaving
    out other databases' transactions). A transaction below it had
    ended by then, so its rows were seen; one at or above it may commit later, with rows
    numbered below rows already read, so those rows are read again at the next look (and
    rows seen before that are no longer there were rolled back: a full load)."""

    vendor = "postgresql"
    _HORIZON = item_changes.PG_HORIZON
    # The rows at or above a horizon (an index range), then the horizon now. A first look
    # has no horizon: it takes that of its own snapshot.
    _SINCE = (
        f'SELECT seq, item_id, xid::text::bigint FROM "{TABLE}" '  # noqa: S608 - constants
        f"WHERE xid >= %s::text::xid8 UNION ALL SELECT NULL, NULL, {_HORIZON}::text::bigint"
    )
    _FIRST = (
        f"WITH snapshot AS (SELECT {_HORIZON} AS xmin) "  # noqa: S608 - constants
        f'SELECT seq, item_id, xid::text::bigint FROM "{TABLE}", snapshot '
        "WHERE xid >= snapshot.xmin UNION ALL SELECT NULL, NULL, xmin::text::bigint FROM snapshot"
    )

    def _look(self, cursor, horizon):
        if horizon is None:
            rows = _fetch(cursor, self._FIRST)
        else:
            rows = _fetch(cursor, self._SINCE, [horizon])
        entries = [row for row in rows if row[0] is not None]
        xmin = next(row[2] for row in rows if row[0] is None)
        seen = {seq: xid for seq, _item, xid in entries if xid >= xmin}
        return entries, (xmin, seen)

    def full(self, cursor, mark=None):
        """Every item, with the mark of a look just taken (`mark`) or of a new one."""
        if mark is None:
            _entries, mark = self._look(cursor, None)
        return ItemArrays.from_rows(*_read_items(cursor, self.vendor), mark)

    def refresh(self, arrays, cursor):
        horizon, seen = arrays.mark
        entries, mark = self._look(cursor, horizon)
        present = {seq for seq, _item, _xid in entries}
        if not present.issuperset(seen):
            return self.full(cursor, mark)  # rows read before were rolled back
        new = [seq for seq, _item, _xid in entries if seq not in seen]
        if new:
            _pruned_older(max(new), min(new) - 1)
        changed = {item for seq, item, _xid in entries if seq not in seen}
        # A row with a negative item: rows of transactions below minus it were removed
        # (item_changes.prune_older); a look older than that may have missed some.
        pruned = [-item for item in changed if item is not None and item < 0]
        if pruned and horizon < max(pruned):
            return self.full(cursor, mark)
        changed = {item for item in changed if item is None or item >= 0}
        if None in changed or len(changed) > MOST_CHANGES:
            return self.full(cursor, mark)
        fresh = (
            _read_items(cursor, self.vendor, "{id} = ANY(%s)", [list(changed)])
            if changed
            else (_EMPTY, _NO_CODES, _NO_ANSWERS, ())
        )
        return _with_changes(arrays, changed, fresh, mark)


def _pruned_older(newest, before):
    """When the log's newest row number `newest` has passed a multiple of PRUNE_EVERY since
    `before`, ask for the log to be pruned (consultation.search.pruning: once the search's
    transaction commits, and once for a burst)."""
    if newest // item_changes.PRUNE_EVERY > before // item_changes.PRUNE_EVERY:
        from consultation.search import pruning  # the task module imports the backends

        pruning.prune_soon()


LOGS = {"sqlite": SqliteLog(), "postgresql": PostgresLog()}
_current = {}
_lock = threading.Lock()


def current(connection):
    """The ItemArrays of every item as `connection` sees them now (read inside the
    caller's transaction, so they agree with its other queries)."""
    log = LOGS[connection.vendor]
    key = (connection.alias, connection.settings_dict["NAME"])
    arrays = _current.get(key)
    with connection.cursor() as cursor:
        arrays = log.full(cursor) if arrays is None else log.refresh(arrays, cursor)
    with _lock:
        _current[key] = arrays
    return arrays


def forget():
    """Drop this process's arrays (its next search loads them again)."""
    with _lock:
        _current.clear()
