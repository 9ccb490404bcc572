"""The change log of feedback items: one row for every item inserted, deleted, or updated
in a column the database search holds in memory (`item_arrays`), written by triggers in the
transaction that writes the item. Every path that writes items (the services through
`consultation.feedback.sync`, imports, migrations, cascading deletes, raw SQL) is logged
by the database itself, so none can forget to say so; a search asks the log what changed
since it last looked, with one indexed query, and re-reads only those items.

A row with no item (item_id NULL) means "reload everything": the migration writes one, a
TRUNCATE of the items writes one (PostgreSQL), and `prune` writes one after emptying the
log. How a reader knows it has seen every row differs by database (`item_arrays`):

- SQLite has one writer at a time, so rows are numbered (`seq`) in commit order; a
  random `token` on each row tells a row apart from one that took the number of a row
  rolled back (AUTOINCREMENT's counter rolls back with the transaction).
- PostgreSQL commits concurrent transactions in any order, so a row also records the id
  of the transaction that wrote it (`xid`); a reader re-reads the rows of transactions
  that were still running at its last look (those at or above the snapshot's xmin).
"""

TABLE = "feedback_itemchange"
ITEMS = "feedback_feedbackitem"
# The item columns the in-memory arrays hold or derive from (the text: its length in
# tokens, which SQLite's relevance ranking reads, fts5_rank): an UPDATE that changes none
# of them (a moderation note, the Elasticsearch mark) is not logged. A column added to the
# arrays must be added here, with a migration that makes the triggers again (`recreate`).
COLUMNS = ("consultation_id", "section_id", "facet_bits", "created_at", "text")
_FUNCTION = "feedback_item_changed"


def _trigger(suffix):
    return f'"{TABLE}_{suffix}"'


def _sqlite_insert_trigger():
    log = f'INSERT INTO "{TABLE}" ("item_id")'
    return (
        f'TRIGGER {_trigger("insert")} AFTER INSERT ON "{ITEMS}" '  # noqa: S608 - constants
        f"BEGIN {log} VALUES (new.id); END"
    )


def _sqlite_create():
    log = f'INSERT INTO "{TABLE}" ("item_id")'
    changed = " OR ".join(f'old."{c}" IS NOT new."{c}"' for c in ("id", *COLUMNS))
    return [
        f'CREATE TABLE "{TABLE}" ("seq" integer NOT NULL PRIMARY KEY AUTOINCREMENT, '
        f'"item_id" integer NULL, "token" integer NOT NULL DEFAULT (random()))',
        f"CREATE {_sqlite_insert_trigger()}",
        f'CREATE TRIGGER {_trigger("delete")} AFTER DELETE ON "{ITEMS}" '
        f"BEGIN {log} VALUES (old.id); END",
        f'CREATE TRIGGER {_trigger("update")} AFTER UPDATE ON "{ITEMS}" WHEN {changed} '
        f"BEGIN {log} SELECT old.id UNION SELECT new.id; END",
        f"{log} VALUES (NULL)",
    ]


def _postgres_create():
    log = f'INSERT INTO "{TABLE}" ("item_id")'
    changed = " OR ".join(f'o."{c}" IS DISTINCT FROM n."{c}"' for c in COLUMNS)
    # Statement triggers with transition tables: one INSERT ... SELECT per statement, so
    # a bulk UPDATE of 100,000 items logs them in one go, not a trigger call per row.
    body = (
        "BEGIN "  # noqa: S608 - constants
        f"IF TG_OP = 'INSERT' THEN {log} SELECT id FROM new_rows; "
        f"ELSIF TG_OP = 'DELETE' THEN {log} SELECT id FROM old_rows; "
        f"ELSIF TG_OP = 'UPDATE' THEN {log} SELECT n.id FROM new_rows n "
        f"JOIN old_rows o ON o.id = n.id WHERE {changed}; "
        f"ELSE {log} VALUES (NULL); "
        "END IF; RETURN NULL; END"
    )
    run = f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()"
    return [
        f'CREATE TABLE "{TABLE}" ("seq" bigserial PRIMARY KEY, "item_id" bigint NULL, '
        f'"xid" xid8 NOT NULL DEFAULT pg_current_xact_id())',
        f'CREATE INDEX "{TABLE}_xid" ON "{TABLE}" ("xid")',
        f"CREATE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$",
        f'CREATE TRIGGER {_trigger("insert")} AFTER INSERT ON "{ITEMS}" '
        f"REFERENCING NEW TABLE AS new_rows {run}",
        f'CREATE TRIGGER {_trigger("update")} AFTER UPDATE ON "{ITEMS}" '
        f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows {run}",
        f'CREATE TRIGGER {_trigger("delete")} AFTER DELETE ON "{ITEMS}" '
        f"REFERENCING OLD TABLE AS old_rows {run}",
        f'CREATE TRIGGER {_trigger("truncate")} AFTER TRUNCATE ON "{ITEMS}" {run}',
        f"{log} VALUES (NULL)",
    ]


def create_sql(vendor):
    """Statements that create the log and its triggers, with one "reload everything" row."""
    if vendor == "sqlite":
        return _sqlite_create()
    if vendor == "postgresql":
        return _postgres_create()
    return []


def load_sql(vendor):
    """(before, after): on SQLite, statements to run around inserting many items (and
    nothing else) in one transaction, as item_index.loading does for the FTS5 index:
    `before` drops the insert trigger, `after` (with the largest item id there was before
    as its parameter) logs the new items with one statement and makes the trigger again.
    The trigger row by row adds about 2 s to 100,000 inserts. Elsewhere nothing."""
    if vendor != "sqlite":
        return [], []
    return (
        [f"DROP TRIGGER IF EXISTS {_trigger('insert')}"],
        [
            f'INSERT INTO "{TABLE}" ("item_id") SELECT id FROM "{ITEMS}" '  # noqa: S608
            "WHERE id > %s ORDER BY id",
            f"CREATE {_sqlite_insert_trigger().replace('TRIGGER', 'TRIGGER IF NOT EXISTS', 1)}",
        ],
    )


def drop_sql(vendor):
    if vendor == "sqlite":
        triggers = [f"DROP TRIGGER IF EXISTS {_trigger(s)}" for s in ("insert", "delete", "update")]
        return [*triggers, f'DROP TABLE IF EXISTS "{TABLE}"']
    if vendor == "postgresql":
        return [
            f'DROP TABLE IF EXISTS "{TABLE}"',
            f"DROP FUNCTION IF EXISTS {_FUNCTION}() CASCADE",
        ]
    return []


def after_table_rebuild_sql(vendor):
    """On SQLite a migration that alters the item table copies it, which drops its
    triggers: make the log again (with its "reload everything" row)."""
    if vendor == "sqlite":
        return [*drop_sql(vendor), *create_sql(vendor)]
    return []


def prune(connection):
    """Empty the log, leaving one "reload everything" row: every process reloads its
    arrays once at its next search. For after a rebuild, or when the log has grown long."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{TABLE}"')  # noqa: S608 - a constant
        cursor.execute(f'INSERT INTO "{TABLE}" ("item_id") VALUES (NULL)')  # noqa: S608


def _execute(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def create(apps, schema_editor):
    """A migration's RunPython: make the log and its triggers (create_sql)."""
    _execute(schema_editor, create_sql(schema_editor.connection.vendor))


def drop(apps, schema_editor):
    """A migration's RunPython: remove what `create` made."""
    _execute(schema_editor, drop_sql(schema_editor.connection.vendor))


def recreate(apps, schema_editor):
    """A migration's RunPython: make the log and its triggers again, as COLUMNS says now
    (with a "reload everything" row)."""
    vendor = schema_editor.connection.vendor
    _execute(schema_editor, [*drop_sql(vendor), *create_sql(vendor)])
