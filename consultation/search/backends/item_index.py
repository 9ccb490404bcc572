"""The database's full-text index of feedback items, and the SQL that makes, repairs and
removes it: on SQLite an external-content FTS5 table kept in step by triggers, on PostgreSQL
a generated tsvector column with a GIN index (and, for one-word searches, a table of each
item's lexeme counts kept in step by triggers: item_terms). The feedback migration creates it and
`manage.py reindex_feedback` repairs it; the database backend queries it. Both are kept
in step with the item table inside the transaction that writes an item, by the database
itself, so no code path that writes items can forget it."""

from contextlib import contextmanager

from consultation.search.backends import item_changes, item_terms
from consultation.search.backends.fts5 import Fts5Index
from consultation.search.backends.postgres import CONFIG

TABLE = "feedback_feedbackitem"
FTS = Fts5Index(table=TABLE, column="text")
VECTOR_COLUMN = "search_vector"
GIN_INDEX = "feedback_item_search_vector"


def create_sql(vendor):
    """Statements that create the index (and index the items already there)."""
    if vendor == "sqlite":
        return FTS.create_sql()
    if vendor == "postgresql":
        return [
            f'ALTER TABLE "{TABLE}" ADD COLUMN "{VECTOR_COLUMN}" tsvector GENERATED ALWAYS AS '
            f"(to_tsvector('{CONFIG}'::regconfig, COALESCE(\"text\", ''))) STORED",
            f'CREATE INDEX "{GIN_INDEX}" ON "{TABLE}" USING GIN ("{VECTOR_COLUMN}")',
            *storage_sql(vendor),
        ]
    return []


def storage_sql(vendor):
    """Statements that keep PostgreSQL's tsvector in the row, uncompressed where it fits:
    ranking reads the vector of every match, and with the column's default storage a long
    item's row went over the 2 kB toast threshold and the vector, its widest value, was
    compressed or moved out, so ranking decompressed it (a common word at 100,000 items,
    21,000 matches: 62 ms, against 42 ms with MAIN storage, which compresses the text, read
    only for a page's extracts, first). Rows written before keep theirs until rewritten."""
    if vendor == "postgresql":
        return [f'ALTER TABLE "{TABLE}" ALTER COLUMN "{VECTOR_COLUMN}" SET STORAGE MAIN']
    return []


def drop_sql(vendor):
    if vendor == "sqlite":
        return FTS.drop_sql()
    if vendor == "postgresql":
        return [f'ALTER TABLE "{TABLE}" DROP COLUMN IF EXISTS "{VECTOR_COLUMN}"']
    return []


def rebuild_sql(vendor):
    """Statements that rebuild the index from the item table (PostgreSQL's generated
    column is always in step; REINDEX rebuilds its GIN index, and the table of each
    item's lexeme counts is made again: item_terms)."""
    if vendor == "sqlite":
        return [FTS.rebuild_sql()]
    if vendor == "postgresql":
        return [f'REINDEX INDEX "{GIN_INDEX}"', *item_terms.rebuild_sql(vendor)]
    return []


def after_table_rebuild_sql(vendor):
    """Statements a migration runs after altering the item table: on SQLite, Django alters
    a column by copying the table, which drops its triggers, so the index is made again
    (PostgreSQL alters in place and keeps its generated column)."""
    if vendor == "sqlite":
        return [*drop_sql(vendor), *create_sql(vendor)]
    return []


@contextmanager
def loading(connection):
    """Around inserting many items (and nothing else: no update or delete of items) inside
    a transaction: on SQLite the index and the change log are written once for them all at
    the end, with one statement each, instead of by the insert triggers row by row
    (Fts5Index.load_sql, item_changes.load_sql); the same transaction, so neither is ever
    seen behind the table. Elsewhere nothing to do."""
    if connection.vendor != "sqlite":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("Loading items must happen inside a transaction.")
    steps = [FTS.load_sql(), item_changes.load_sql(connection.vendor)]
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{TABLE}"')  # noqa: S608 - a constant
        (largest,) = cursor.fetchone()
        for before, _after in steps:
            for sql in before:
                cursor.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _before, after in steps:
                cursor.execute(after[0], [largest])
                for sql in after[1:]:
                    cursor.execute(sql)
