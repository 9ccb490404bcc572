"""The change log of feedback items: one row for every item inserted, deleted, or updated
in a column the database search holds in memory (`item_arrays`), written by triggers in the
transaction that writes the item. Every path that writes items (the services through
`consultation.feedback.sync`, imports, migrations, cascading deletes, raw SQL) is logged
by the database itself, so none can forget to say so; a search asks the log what changed
since it last looked, with one indexed query, and re-reads only those items.

A row with no item (item_id NULL) means "reload everything": the migration writes one, a
TRUNCATE of the items writes one (PostgreSQL), and `prune` writes one after emptying the
log. `prune_older` keeps the newest rows instead (`manage.py prune_item_changes` on a
schedule, and a process that sees the log pass PRUNE_EVERY rows asks for it:
consultation.search.pruning), so processes that searched since carry on, and one whose
last look is older than what was removed loads everything again (on PostgreSQL it learns
that from a row whose item_id is minus the transaction id below which rows were removed).
How a reader knows it has seen every row differs by database (`item_arrays`):

- SQLite has one writer at a time, so rows are numbered (`seq`) in commit order; a
  random `token` on each row tells a row apart from one that took the number of a row
  rolled back (AUTOINCREMENT's counter rolls back with the transaction).
- PostgreSQL commits concurrent transactions in any order, so a row also records the id
  of the transaction that wrote it (`xid`); a reader re-reads the rows of transactions
  that were still running at its last look (those at or above its horizon, `PG_HORIZON`).
"""

TABLE = "feedback_itemchange"
# PostgreSQL: the horizon of a look (an xid8), below which every transaction had ended when
# the statement's snapshot was taken, so the rows they wrote were seen: the oldest
# transaction running then, leaving out those known to be another database's on the same
# server (they never write here; counted, as the snapshot's xmin counts them, a long
# transaction elsewhere held every process's horizon and every prune back). One that ended
# before the backends were read cannot be told apart and counts: the horizon errs low,
# never high. The looking transaction's own id counts too (the snapshot leaves it out of
# its list), so the rows it wrote are looked for again and, if it rolled back, missed.
# With none running, the snapshot's xmax. Every search looks, so the backends are read
# through the function under the pg_stat_activity view, without its joins (about 0.15 ms
# a look more than the xmin alone, where the view cost 0.55).
PG_HORIZON = (
    "(SELECT LEAST(min(running), pg_current_xact_id_if_assigned(), "
    "pg_snapshot_xmax(pg_current_snapshot())) "
    "FROM pg_snapshot_xip(pg_current_snapshot()) AS running "
    "WHERE running::text::bigint & 4294967295 NOT IN ("
    "SELECT backend_xid::text::bigint FROM pg_stat_get_activity(NULL) "
    "WHERE datid <> (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "AND backend_xid IS NOT NULL))"
)
ITEMS = "feedback_feedbackitem"
# What the arrays also hold of an item from other tables (its themes, and each sub-theme's
# parent; its stance): their own triggers log the item (`synthesis_create_sql`).
CODES = "synthesis_coding"
REVIEWS = "synthesis_itemreview"
THEMES = "synthesis_theme"
# And the closed answers an item carries (its own response's, or its author's submitted
# response's: search.backends.extra_facets): their own triggers log the items that carry
# a response whose chosen options or standing changed (`answers_create_sql`).
QUESTIONNAIRES = "questionnaires_questionnaire"
RESPONSES = "questionnaires_response"
ANSWERS = "questionnaires_answer"
CHOICES = "questionnaires_answerchoice"
SUBMITTED = "submitted"
# The item columns the in-memory arrays hold or derive from (the text: its length in
# tokens, which SQLite's relevance ranking reads, fts5_rank; the author, whose submitted
# response a comment carries): an UPDATE that changes none of them (a moderation note, the
# Elasticsearch mark) is not logged. A column added to the arrays must be added here, with
# a migration that makes the triggers again (`recreate`).
COLUMNS = ("consultation_id", "section_id", "facet_bits", "created_at", "text", "author_id")
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


def _sqlite_synthesis():
    log = f'INSERT INTO "{TABLE}" ("item_id")'
    both = f"BEGIN {log} SELECT old.item_id UNION SELECT new.item_id; END"
    stance_changed = "old.stance IS NOT new.stance OR old.item_id IS NOT new.item_id"
    return [
        f'CREATE TRIGGER {_trigger("code_insert")} AFTER INSERT ON "{CODES}" '  # noqa: S608 - constants
        f"BEGIN {log} VALUES (new.item_id); END",
        f'CREATE TRIGGER {_trigger("code_delete")} AFTER DELETE ON "{CODES}" '
        f"BEGIN {log} VALUES (old.item_id); END",
        f'CREATE TRIGGER {_trigger("code_update")} AFTER UPDATE OF "item_id", "theme_id" '
        f'ON "{CODES}" {both}',
        f'CREATE TRIGGER {_trigger("review_insert")} AFTER INSERT ON "{REVIEWS}" '  # noqa: S608 - constants
        f"WHEN new.stance <> '' BEGIN {log} VALUES (new.item_id); END",
        f'CREATE TRIGGER {_trigger("review_delete")} AFTER DELETE ON "{REVIEWS}" '
        f"WHEN old.stance <> '' BEGIN {log} VALUES (old.item_id); END",
        f'CREATE TRIGGER {_trigger("review_update")} AFTER UPDATE ON "{REVIEWS}" '
        f"WHEN {stance_changed} {both}",
        f'CREATE TRIGGER {_trigger("theme_update")} AFTER UPDATE OF "parent_id" ON "{THEMES}" '  # noqa: S608 - constants
        f"WHEN old.parent_id IS NOT new.parent_id "
        f'BEGIN {log} SELECT item_id FROM "{CODES}" WHERE theme_id = new.id; END',
    ]


def _postgres_synthesis():
    log = f'INSERT INTO "{TABLE}" ("item_id")'
    both = "SELECT item_id FROM old_rows UNION SELECT item_id FROM new_rows"
    bodies = {
        CODES: (
            f"IF TG_OP = 'INSERT' THEN {log} SELECT item_id FROM new_rows; "  # noqa: S608 - constants
            f"ELSIF TG_OP = 'DELETE' THEN {log} SELECT item_id FROM old_rows; "
            f"ELSE {log} {both}; END IF;"
        ),
        REVIEWS: (
            f"IF TG_OP = 'INSERT' THEN {log} SELECT item_id FROM new_rows WHERE stance <> ''; "  # noqa: S608 - constants
            f"ELSIF TG_OP = 'DELETE' THEN {log} SELECT item_id FROM old_rows WHERE stance <> ''; "
            f"ELSE {log} SELECT x.item_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
            "CROSS JOIN LATERAL (VALUES (n.item_id), (o.item_id)) AS x(item_id) "
            "WHERE o.stance IS DISTINCT FROM n.stance OR o.item_id IS DISTINCT FROM n.item_id; "
            "END IF;"
        ),
        THEMES: (
            f'{log} SELECT c.item_id FROM "{CODES}" c JOIN new_rows n ON n.id = c.theme_id '  # noqa: S608 - constants
            "JOIN old_rows o ON o.id = n.id WHERE o.parent_id IS DISTINCT FROM n.parent_id;"
        ),
    }
    every = ("insert", "update", "delete")
    return _postgres_statement_triggers(bodies, {CODES: every, REVIEWS: every, THEMES: ("update",)})


_REFERENCING = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
}


def _postgres_statement_triggers(bodies, events):
    """A function per table (its body from `bodies`) run once per statement of each of
    its `events`, with the statement's rows as transition tables (old_rows, new_rows)."""
    statements = []
    for table, body in bodies.items():
        function = f"{_FUNCTION}_{table}"
        run = f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        statements.append(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {body} RETURN NULL; END $$"
        )
        statements += [
            f'CREATE TRIGGER "{TABLE}_{table}_{event}" AFTER {event.upper()} ON "{table}" '
            f"{_REFERENCING[event]} {run}"
            for event in events[table]
        ]
    return statements


def synthesis_create_sql(vendor):
    """Statements that make writes of codes, stances and theme parents log their items."""
    if vendor == "sqlite":
        return _sqlite_synthesis()
    if vendor == "postgresql":
        return _postgres_synthesis()
    return []


def synthesis_drop_sql(vendor):
    if vendor == "sqlite":
        names = ["code_insert", "code_delete", "code_update", "review_insert", "review_delete",
                 "review_update", "theme_update"]  # fmt: skip
        return [f"DROP TRIGGER IF EXISTS {_trigger(name)}" for name in names]
    if vendor == "postgresql":
        return [
            f"DROP FUNCTION IF EXISTS {_FUNCTION}_{table}() CASCADE"
            for table in (CODES, REVIEWS, THEMES)
        ]
    return []


def _carriers(responses):
    """SQL selecting the ids of the items that carry the responses `responses` (SQL
    selecting response ids) if they are submitted: their answer items, and their
    respondents' comments in the questionnaire's consultation."""
    return (
        f'SELECT i.id FROM "{ITEMS}" i JOIN "{ANSWERS}" own ON own.id = i.answer_source_id '  # noqa: S608 - constants
        f"WHERE own.response_id IN ({responses}) UNION "
        f'SELECT i.id FROM "{RESPONSES}" r JOIN "{QUESTIONNAIRES}" q ON q.id = r.questionnaire_id '
        f'JOIN "{ITEMS}" i ON i.author_id = r.respondent_id '
        "AND i.consultation_id = q.consultation_id "
        f"WHERE r.id IN ({responses}) AND r.status = '{SUBMITTED}' AND i.comment_id IS NOT NULL"
    )


def _commenters(rows):
    """SQL selecting the ids of the comments whose author's response is among `rows` (a
    response row or table, e.g. `old`, `new_rows`) and submitted: what a response's
    standing (status, respondent, questionnaire) decides."""
    return (
        f'SELECT i.id FROM "{QUESTIONNAIRES}" q JOIN "{ITEMS}" i '  # noqa: S608 - constants
        "ON i.consultation_id = q.consultation_id "
        f"JOIN {rows} r ON q.id = r.questionnaire_id AND i.author_id = r.respondent_id "
        f"WHERE r.status = '{SUBMITTED}' AND i.comment_id IS NOT NULL"
    )


_STANDING = ("status", "respondent_id", "questionnaire_id")


def _sqlite_answers():
    log = f'INSERT INTO "{TABLE}" ("item_id")'

    def of_answers(answer_ids):
        return _carriers(f'SELECT response_id FROM "{ANSWERS}" WHERE id IN ({answer_ids})')  # noqa: S608

    def of_response(row):  # a trigger's old or new response row: SQLite has no FROM old
        return _commenters(f"(SELECT {row}.id AS id, {row}.status AS status, "
                           f"{row}.respondent_id AS respondent_id, "
                           f"{row}.questionnaire_id AS questionnaire_id)")  # fmt: skip

    standing = " OR ".join(f'old."{c}" IS NOT new."{c}"' for c in _STANDING)
    return [
        f'CREATE TRIGGER {_trigger("choice_insert")} AFTER INSERT ON "{CHOICES}" '
        f"BEGIN {log} {of_answers('new.answer_id')}; END",
        f'CREATE TRIGGER {_trigger("choice_delete")} AFTER DELETE ON "{CHOICES}" '
        f"BEGIN {log} {of_answers('old.answer_id')}; END",
        f'CREATE TRIGGER {_trigger("choice_update")} AFTER UPDATE OF "answer_id", "choice_id" '
        f'ON "{CHOICES}" BEGIN {log} {of_answers("old.answer_id, new.answer_id")}; END',
        # An answer's choices go before it; what is left is its response's other items.
        f'CREATE TRIGGER {_trigger("answer_delete")} AFTER DELETE ON "{ANSWERS}" '
        f"BEGIN {log} {_carriers('old.response_id')}; END",
        f'CREATE TRIGGER {_trigger("answer_update")} AFTER UPDATE OF "response_id", '
        f'"question_id" ON "{ANSWERS}" WHEN old.response_id IS NOT new.response_id '
        "OR old.question_id IS NOT new.question_id "
        f"BEGIN {log} {_carriers('old.response_id, new.response_id')}; END",
        f'CREATE TRIGGER {_trigger("response_insert")} AFTER INSERT ON "{RESPONSES}" '
        f"WHEN new.status = '{SUBMITTED}' BEGIN {log} {of_response('new')}; END",
        f'CREATE TRIGGER {_trigger("response_delete")} AFTER DELETE ON "{RESPONSES}" '
        f"WHEN old.status = '{SUBMITTED}' BEGIN {log} {of_response('old')}; END",
        f'CREATE TRIGGER {_trigger("response_update")} AFTER UPDATE ON "{RESPONSES}" '
        f"WHEN {standing} BEGIN {log} {of_response('old')} UNION {of_response('new')}; END",
    ]


def _postgres_answers():
    log = f'INSERT INTO "{TABLE}" ("item_id")'

    def of_answers(rows):
        return _carriers(
            f'SELECT a.response_id FROM "{ANSWERS}" a WHERE a.id IN (SELECT answer_id FROM {rows})'  # noqa: S608
        )

    # The responses of answers given another response or question, before and after.
    answers_moved = " UNION ALL ".join(
        f"SELECT {side}.response_id FROM old_rows o JOIN new_rows n ON n.id = o.id "  # noqa: S608
        "WHERE o.response_id IS DISTINCT FROM n.response_id "
        "OR o.question_id IS DISTINCT FROM n.question_id"
        for side in ("o", "n")
    )
    both_rows = "(SELECT answer_id FROM old_rows UNION ALL SELECT answer_id FROM new_rows) x"
    changed = " OR ".join(f'o."{c}" IS DISTINCT FROM n."{c}"' for c in _STANDING)
    moved = (  # the rows of a response whose standing changed, before and after
        "(SELECT {side}.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE "  # noqa: S608
        + changed
        + ")"
    )
    bodies = {
        CHOICES: (
            f"IF TG_OP = 'INSERT' THEN {log} {of_answers('new_rows')}; "
            f"ELSIF TG_OP = 'DELETE' THEN {log} {of_answers('old_rows')}; "
            f"ELSE {log} {of_answers(both_rows)}; END IF;"
        ),
        ANSWERS: (
            f"IF TG_OP = 'DELETE' THEN {log} {_carriers('SELECT response_id FROM old_rows')}; "  # noqa: S608
            f"ELSE {log} {_carriers(answers_moved)}; END IF;"
        ),
        RESPONSES: (
            f"IF TG_OP = 'INSERT' THEN {log} {_commenters('new_rows')}; "
            f"ELSIF TG_OP = 'DELETE' THEN {log} {_commenters('old_rows')}; "
            f"ELSE {log} {_commenters(moved.format(side='o'))} "
            f"UNION {_commenters(moved.format(side='n'))}; END IF;"
        ),
    }
    events = {
        CHOICES: ("insert", "update", "delete"),
        ANSWERS: ("update", "delete"),
        RESPONSES: ("insert", "update", "delete"),
    }
    return _postgres_statement_triggers(bodies, events)


def answers_create_sql(vendor):
    """Statements that make writes of responses, answers and chosen options log the items
    that carry them (the answers facet, held in the item arrays)."""
    if vendor == "sqlite":
        return _sqlite_answers()
    if vendor == "postgresql":
        return _postgres_answers()
    return []


def answers_drop_sql(vendor):
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {statement.split()[2]}" for statement in _sqlite_answers()]
    if vendor == "postgresql":
        return [
            f"DROP FUNCTION IF EXISTS {_FUNCTION}_{table}() CASCADE"
            for table in (CHOICES, ANSWERS, RESPONSES)
        ]
    return []


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


def position(connection):
    """A value that changes whenever a row of the log is committed, read in one query: for
    what others keep until an item changes (the dashboard's counts). On SQLite the newest
    row (numbered in commit order; its random token tells it from a row rolled back that had
    the same number); on PostgreSQL, which commits in any order, the newest number and how
    many rows there are (rows are only added, or all removed by `prune`, which adds a newer
    one)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f'SELECT seq, token FROM "{TABLE}" ORDER BY seq DESC LIMIT 1')  # noqa: S608
        elif connection.vendor == "postgresql":
            cursor.execute(f'SELECT max(seq), count(*) FROM "{TABLE}"')  # noqa: S608
        else:
            return None
        return tuple(cursor.fetchone() or ())


# What `prune_older` keeps: a process further behind than this many changed items loads
# everything again anyway (item_arrays.MOST_CHANGES).
KEEP = 20_000
# A process that sees the newest row's number pass a multiple of this asks for a prune.
PRUNE_EVERY = 100_000


def prune_older(connection, *, keep=KEEP):
    """Remove the log's rows but about the newest `keep` (at least one); returns how many
    went. A process whose last look is older than the rows removed loads everything again:
    on SQLite the row it last read is gone; on PostgreSQL, whose rows commit in any order,
    the rows of transactions below a transaction id go (that of the oldest row kept, or
    the horizon, PG_HORIZON, if older), and a row with minus that id as its item tells a
    process that looked before it to reload."""
    keep = max(int(keep), 1)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f'DELETE FROM "{TABLE}" WHERE seq <= (SELECT max(seq) FROM "{TABLE}") - %s',  # noqa: S608
                [keep],
            )
            return cursor.rowcount
        if connection.vendor != "postgresql":
            return 0
        cursor.execute(
            "SELECT LEAST((SELECT min(xid) FROM (SELECT xid FROM "  # noqa: S608 - constants
            f'"{TABLE}" ORDER BY seq DESC LIMIT %s) newest), {PG_HORIZON})::text::bigint',
            [keep],
        )
        (below,) = cursor.fetchone()
        cursor.execute(f'DELETE FROM "{TABLE}" WHERE xid < %s::text::xid8', [below])  # noqa: S608
        removed = cursor.rowcount
        if removed:
            cursor.execute(f'INSERT INTO "{TABLE}" ("item_id") VALUES (%s)', [-below])  # noqa: S608
        return removed


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


def create_synthesis(apps, schema_editor):
    """A migration's RunPython: make the triggers of codes, stances and theme parents, and
    a "reload everything" row (arrays loaded before them hold no codes)."""
    vendor = schema_editor.connection.vendor
    statements = synthesis_create_sql(vendor)
    if statements:
        statements.append(f'INSERT INTO "{TABLE}" ("item_id") VALUES (NULL)')  # noqa: S608
    _execute(schema_editor, statements)


def drop_synthesis(apps, schema_editor):
    _execute(schema_editor, synthesis_drop_sql(schema_editor.connection.vendor))


def create_answers(apps, schema_editor):
    """A migration's RunPython: make the triggers of responses, answers and chosen
    options, and a "reload everything" row (arrays loaded before them hold no answers)."""
    vendor = schema_editor.connection.vendor
    statements = answers_create_sql(vendor)
    if statements:
        statements.append(f'INSERT INTO "{TABLE}" ("item_id") VALUES (NULL)')  # noqa: S608
    _execute(schema_editor, statements)


def drop_answers(apps, schema_editor):
    _execute(schema_editor, answers_drop_sql(schema_editor.connection.vendor))


def recreate(apps, schema_editor):
    """A migration's RunPython: make the log and its triggers again, as COLUMNS says now
    (with a "reload everything" row)."""
    vendor = schema_editor.connection.vendor
    _execute(schema_editor, [*drop_sql(vendor), *create_sql(vendor)])
