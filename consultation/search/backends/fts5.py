"""SQLite FTS5 for the database backend: the parse compiled into a MATCH expression, and
the SQL that creates, keeps in step and queries an external-content FTS5 table.

Every token in a compiled expression is a double-quoted FTS5 string (quotes inside are
doubled), so nothing a person typed is read as FTS5 syntax: a prefix is `"robot" *`, a
phrase one quoted string (the tokenizer splits it into a phrase), and the operators are
our own AND, OR and NOT. FTS5 has no unary NOT, so a query of exclusions only is compiled
into the rows to leave out (`Fts5Match.exclude`), which `Fts5Index.where_sql` turns into
`NOT IN`.

The FTS5 table holds no copy of the text (`content=` the item table); triggers on the item
table update it in the same transaction as every insert, update and delete. Its tokenizer
stems English (porter) and folds case and diacritics (unicode61 remove_diacritics 2).
"""

import re
from dataclasses import dataclass

import numpy as np

from consultation.search.highlight import ELLIPSIS, MARK_END, MARK_START
from consultation.search.query import Phrase

TOKENIZE = "porter unicode61 remove_diacritics 2"
SNIPPET_TOKENS = 32  # FTS5 allows at most 64
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def integers(joined):
    """The integers of a `group_concat` (comma-separated; None when it had no rows), as a
    numpy array: one string from SQLite instead of a Python tuple per row, which was most of
    the cost of reading 25,000 ids; parsed in C (np.fromstring's text mode: 4.5 ms for
    40,000, where np.array of the split strings took 27)."""
    if not joined:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(joined, dtype=np.int64, sep=",")


def quoted(text):
    """`text` as an FTS5 string: in double quotes, with any double quote doubled."""
    return '"' + text.replace('"', '""') + '"'


def _atom(atom):
    if isinstance(atom, Phrase):
        return quoted(" ".join(atom.words))
    return quoted(atom.word) + (" *" if atom.prefix else "")


def _any(atoms):
    parts = [_atom(atom) for atom in atoms]
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


@dataclass(frozen=True)
class Fts5Match:
    """A compiled query: `include` is the MATCH expression of the rows to find (with the
    exclusions folded in); a query of exclusions only has no `include` and an `exclude`,
    the MATCH expression of the rows to leave out. Both None: every row."""

    include: str | None = None
    exclude: str | None = None


def compile_match(parsed):
    excluded = _any(parsed.exclusions) if parsed.exclusions else None
    if parsed.filters_only:
        return Fts5Match(exclude=excluded)
    required = " AND ".join(_any(clause.alternatives) for clause in parsed.clauses)
    if excluded:
        required = f"({required}) NOT {excluded}"
    return Fts5Match(include=required)


def phrases_of(parsed):
    """The text of each phrase compile_match puts in `include` before any exclusion, in
    order, for ranking them (fts5_rank: an excluded phrase is in no row that matches, so it
    adds nothing); None when one is a prefix, whose phrase is every word it begins."""
    atoms = [atom for clause in parsed.clauses for atom in clause.alternatives]
    if any(not isinstance(atom, Phrase) and atom.prefix for atom in atoms):
        return None
    return [" ".join(atom.words) for atom in atoms]


def _name(identifier):
    if not _IDENTIFIER.match(identifier):
        raise ValueError(f"Not a plain SQL identifier: {identifier!r}")
    return f'"{identifier}"'


@dataclass(frozen=True)
class Fts5Index:
    """An FTS5 index of `table`.`column`, whose rows are named by `id_column` (an integer
    primary key). SQL is in Django's style (%s placeholders), for `connection.cursor()`
    and RawSQL."""

    table: str
    column: str
    id_column: str = "id"

    def __post_init__(self):
        for identifier in (self.table, self.column, self.id_column):
            _name(identifier)

    @property
    def name(self):
        return f"{self.table}_fts"

    def create_sql(self):
        """Statements that create the FTS5 table and its triggers, then index the rows
        already in the table (for a migration)."""
        fts, table, column, row = self._quoted()
        # Identifiers are checked by _name; nothing else is put into this SQL.
        add = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.{row}, new.{column});"  # noqa: S608
        old = f"'delete', old.{row}, old.{column}"
        remove = f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ({old});"  # noqa: S608
        return [
            f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content={table}, "
            f"content_rowid={row}, tokenize='{TOKENIZE}', prefix='2 3')",
            f"CREATE {self._insert_trigger()}",
            f"CREATE TRIGGER {_name(self.name + '_delete')} AFTER DELETE ON {table} "
            f"BEGIN {remove} END",
            # Rewriting an unchanged text (a moderation decision, a rebuild) leaves the
            # index alone: tokenizing it twice again would be most of the update's cost.
            f"CREATE TRIGGER {_name(self.name + '_update')} AFTER UPDATE OF {column}, {row} "
            f"ON {table} WHEN old.{column} IS NOT new.{column} OR old.{row} IS NOT new.{row} "
            f"BEGIN {remove} {add} END",
            self.rebuild_sql(),
        ]

    def _quoted(self):
        """The FTS table's, the table's, the column's and the id column's names, quoted."""
        return tuple(_name(n) for n in (self.name, self.table, self.column, self.id_column))

    def _insert_trigger(self):
        fts, table, column, row = self._quoted()
        add = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.{row}, new.{column});"  # noqa: S608
        return f"TRIGGER {_name(self.name + '_insert')} AFTER INSERT ON {table} BEGIN {add} END"

    def load_sql(self):
        """(before, after): statements to run around inserting many rows (and nothing
        else) in one transaction. `before` drops the insert trigger; `after`, with the
        largest id there was before as its parameter, indexes the new rows with one
        statement and makes the trigger again. Measured on 40,000 items: the trigger row by
        row takes 4.2 s, the one INSERT ... SELECT 0.5 s. Run in the same transaction, so
        no other connection sees the index behind the table (SQLite's DDL is transactional
        and the write lock is held from the start)."""
        fts, table, column, row = self._quoted()
        return (
            [f"DROP TRIGGER IF EXISTS {_name(self.name + '_insert')}"],
            [
                f"INSERT INTO {fts}(rowid, {column}) "  # noqa: S608 - checked names
                f"SELECT {row}, {column} FROM {table} WHERE {row} > %s",
                f"CREATE {self._insert_trigger().replace('TRIGGER', 'TRIGGER IF NOT EXISTS', 1)}",
            ],
        )

    def drop_sql(self):
        """Statements that remove what create_sql made."""
        triggers = [
            f"DROP TRIGGER IF EXISTS {_name(self.name + suffix)}"
            for suffix in ("_insert", "_delete", "_update")
        ]
        return [*triggers, f"DROP TABLE IF EXISTS {_name(self.name)}"]

    def rebuild_sql(self):
        """Reindex every row from the item table (after a bulk load, or to repair)."""
        fts = _name(self.name)
        return f"INSERT INTO {fts}({fts}) VALUES ('rebuild')"  # noqa: S608 - a checked name

    def extracts_sql(self, match, ids):
        """(fill, select, empty): statements (sql, params) that give each of the rows `ids`
        that `match.include` finds with its extract, text with MARK_START/MARK_END for
        highlight.marked_to_html. FTS5's snippet() runs over a temporary FTS5 table that
        `fill` makes (if missing) and fills with those rows' text alone, tokenized alike;
        `select` reads (id, extract); `empty` empties it, to be run whatever happened. A
        row's snippet depends on its text and the query alone, and matching among a page of
        rows skips seeking each of them in the whole index: a page of 20 at 100,000 items
        took 3 to 5.5 ms that way and takes 0.4 to 1.4 ms this way, the same extracts."""
        if match.include is None:
            raise ValueError("extracts need a query with words")
        name = _name(self.name + "_page")
        page = f"temp.{name}"
        snippet = f"snippet({name}, 0, %s, %s, %s, {SNIPPET_TOKENS})"
        fill = [
            (f"CREATE VIRTUAL TABLE IF NOT EXISTS {page} USING fts5(t, tokenize='{TOKENIZE}')", []),
            self.copy_rows_sql(page, "t", ids),
        ]
        select = (
            f"SELECT rowid, {snippet} FROM {page} WHERE {name} MATCH %s",  # noqa: S608
            [MARK_START, MARK_END, ELLIPSIS, match.include],
        )
        return fill, select, (f"DELETE FROM {page}", [])  # noqa: S608 - checked names

    def copy_rows_sql(self, target, target_column, ids):
        """(sql, params) copying the text of the rows `ids` into the FTS5 table `target`
        (a quoted name of our own) as its rows of the same rowid, in `target_column`."""
        _fts, table, column, row = self._quoted()
        marks = ", ".join(["%s"] * len(ids))
        return (
            f"INSERT INTO {target} (rowid, {_name(target_column)}) "  # noqa: S608 - checked names
            f"SELECT {row}, {column} FROM {table} WHERE {row} IN ({marks})",
            list(ids),
        )

    def tokens_sql(self, id_sql):
        """An SQL expression: the length in tokens of the row `id_sql` names (0 without
        one), as bm25 reads it. FTS5 keeps it in its docsize table as a varint (SQLite's:
        seven bits a byte, high bit set on all but the last), decoded here from its hex
        for up to three bytes (two million tokens, far more than an item holds)."""
        size = _name(f"{self.name}_docsize")
        digits = "'123456789ABCDEF'"  # instr gives each hex digit its value (0 for "0")

        def byte(n):
            high, low = (f"instr({digits}, substr(hex(d.sz), {n * 2 + k}, 1))" for k in (1, 2))
            return f"({high} * 16 + {low})"

        b0, b1, b2 = byte(0), byte(1), byte(2)
        decoded = (
            f"CASE WHEN {b0} < 128 THEN {b0} WHEN {b1} < 128 THEN (({b0} - 128) << 7) | {b1} "
            f"ELSE (({b0} - 128) << 14) | (({b1} - 128) << 7) | {b2} END"
        )
        return f"COALESCE((SELECT {decoded} FROM {size} d WHERE d.id = {id_sql}), 0)"  # noqa: S608

    def where_sql(self, match, id_sql=None):
        """(sql, params) of a WHERE condition on the item table keeping the rows `match`
        finds, or None when it finds every row. `id_sql` names the id column in the
        outer query (default: "table"."id")."""
        id_sql = id_sql or f"{_name(self.table)}.{_name(self.id_column)}"
        fts = _name(self.name)
        subquery = f"(SELECT rowid FROM {fts} WHERE {fts} MATCH %s)"  # noqa: S608 - checked
        if match.include is not None:
            return f"{id_sql} IN {subquery}", [match.include]
        if match.exclude is not None:
            return f"{id_sql} NOT IN {subquery}", [match.exclude]
        return None
