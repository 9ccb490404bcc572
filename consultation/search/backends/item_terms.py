"""PostgreSQL: how often each lexeme occurs in each feedback item, in a table of its own kept
in step with the items by triggers, so that a search for one word reads its matches and
their relevance from one index instead of every match's tsvector.

The relevance of one lexeme, by `ts_rank` or `ts_rank_cd` alike, grows with how often it
occurs in the item and with nothing else (postgres.rank), so its number of occurrences
orders the matches as the rank does, ties included. Reading it for a common word in 32,000
of 100,000 items took 10 ms, against 40 ms for matching the GIN index and ranking every
match from its row (README, "Feedback search"). FTS5 holds these counts in its own index,
so SQLite needs no such table.

The table holds (lexeme, item, occurrences): its primary key (lexeme, item) with the count
included, so both a search and the triggers' deletes are index lookups. Triggers write it
in the transaction that writes the items: a statement trigger with the inserted or deleted
rows as a transition table, one statement for a bulk insert of 100,000 items; a row
trigger for an item whose text an UPDATE changed, its condition tested by PostgreSQL
without calling a function, so the far more frequent updates that leave the text alone
(moderation, a reindex's new hashes) cost nothing (a statement trigger had to join the
old and new rows to find the changed ones, and planned it badly: a reindex of 100,000
stale hashes took 160 s, against 27 s now); a TRUNCATE of the items empties it.
`manage.py reindex_feedback` makes it again (`rebuild_sql`). The count is the length of
the lexeme's list of positions, as the ranking functions read it (PostgreSQL keeps at most
256 positions of a lexeme).
"""

from consultation.search.backends.item_changes import ITEMS
from consultation.search.backends.postgres import CONFIG

TABLE = "feedback_itemterm"
_FUNCTION = "feedback_item_terms"


def _terms_of(rows):
    """SELECT of (lexeme, item id, occurrences) of each row of `rows` (a table or subquery
    with the item's id and search_vector, named "r")."""
    return (
        "SELECT u.lexeme, r.id, COALESCE(array_length(u.positions, 1), 1) "  # noqa: S608
        f"FROM {rows}, unnest(r.search_vector) AS u"
    )


def _insert(rows):
    return f'INSERT INTO "{TABLE}" ("lexeme", "item_id", "occurrences") {_terms_of(rows)}'


def _delete(rows):
    return (
        f'DELETE FROM "{TABLE}" AS t USING {rows}, unnest(r.search_vector) AS u '  # noqa: S608
        "WHERE t.lexeme = u.lexeme AND t.item_id = r.id"
    )


def _statement_body():
    return (
        "BEGIN "
        f"IF TG_OP = 'INSERT' THEN {_insert('new_rows AS r')}; "
        f"ELSIF TG_OP = 'DELETE' THEN {_delete('old_rows AS r')}; "
        f'ELSE TRUNCATE "{TABLE}"; '
        "END IF; RETURN NULL; END"
    )


def _row_body():
    return (
        "BEGIN "
        f"{_delete('(SELECT OLD.id, OLD.search_vector) AS r')}; "
        f"{_insert('(SELECT NEW.id, NEW.search_vector) AS r')}; "
        "RETURN NULL; END"
    )


def create_sql(vendor):
    """Statements that make the table, fill it from the items there and add its triggers."""
    if vendor != "postgresql":
        return []
    run = f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()"
    return [
        f'CREATE TABLE "{TABLE}" ("lexeme" text COLLATE "C" NOT NULL, "item_id" bigint NOT NULL, '
        f'"occurrences" smallint NOT NULL, '
        f'CONSTRAINT "{TABLE}_pkey" PRIMARY KEY ("lexeme", "item_id") INCLUDE ("occurrences"))',
        f"CREATE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ {_statement_body()} $$",
        f"CREATE FUNCTION {_FUNCTION}_row() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ {_row_body()} $$",
        f'CREATE TRIGGER "{TABLE}_insert" AFTER INSERT ON "{ITEMS}" '
        f"REFERENCING NEW TABLE AS new_rows {run}",
        # A row trigger whose condition PostgreSQL tests without calling the function: an
        # update that leaves the text alone (moderation, a reindex's new hash) costs nothing.
        f'CREATE TRIGGER "{TABLE}_update" AFTER UPDATE OF "text" ON "{ITEMS}" FOR EACH ROW '
        f"WHEN (OLD.text IS DISTINCT FROM NEW.text) EXECUTE FUNCTION {_FUNCTION}_row()",
        f'CREATE TRIGGER "{TABLE}_delete" AFTER DELETE ON "{ITEMS}" '
        f"REFERENCING OLD TABLE AS old_rows {run}",
        f'CREATE TRIGGER "{TABLE}_truncate" AFTER TRUNCATE ON "{ITEMS}" {run}',
        *rebuild_sql(vendor),
    ]


def rebuild_sql(vendor):
    """Statements that make the table's rows again from every item's tsvector."""
    if vendor != "postgresql":
        return []
    return [f'TRUNCATE "{TABLE}"', _insert(f'"{ITEMS}" AS r'), f'ANALYZE "{TABLE}"']


def drop_sql(vendor):
    if vendor != "postgresql":
        return []
    return [
        f'DROP TABLE IF EXISTS "{TABLE}"',
        f"DROP FUNCTION IF EXISTS {_FUNCTION}() CASCADE",
        f"DROP FUNCTION IF EXISTS {_FUNCTION}_row() CASCADE",
    ]


def occurrences_sql(word):
    """(sql, params) of one row: the ids of the items holding `word`'s lexeme and how often
    each holds it, each column one comma-separated string (as the database backend reads
    ids). `word` is one lexeme to PostgreSQL's parser (postgres.PostgresMatch.word); a stop
    word has none and matches nothing, as its tsquery does."""
    sql = (
        "SELECT string_agg(\"item_id\"::text, ','), string_agg(\"occurrences\"::text, ',') "  # noqa: S608 - constants
        f'FROM "{TABLE}" WHERE "lexeme" = '
        "(SELECT (tsvector_to_array(to_tsvector(%s::regconfig, %s)))[1])"
    )
    return sql, [CONFIG, word]


def create(apps, schema_editor):
    """A migration's RunPython: create_sql."""
    for statement in create_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    """A migration's RunPython: drop_sql."""
    for statement in drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)
