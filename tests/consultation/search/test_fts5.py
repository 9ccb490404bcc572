"""SQLite FTS5: the parse compiled into MATCH expressions, run with Python's sqlite3 module
against an in-memory external-content FTS5 table built by Fts5Index, and through Django's
own connection on SQLite (where the triggers share the saving transaction)."""

import sqlite3

import pytest
from django.db import connection, transaction

from consultation.search.backends import fts5
from consultation.search.backends.fts5 import Fts5Index, Fts5Match, compile_match, quoted
from consultation.search.highlight import marked_to_html
from consultation.search.query import Clause, ParsedQuery, Phrase, Term, parse
from tests.support.hostile import HOSTILE_QUERIES
from tests.support.search_corpus import CORPUS, EXPECTED

INDEX = Fts5Index(table="probe_items", column="body")


def _sqlite3(sql):
    # Django's SQLite backend turns its %s placeholders into sqlite3's ? the same way.
    return sql.replace("%s", "?")


@pytest.fixture
def db():
    database = sqlite3.connect(":memory:")
    database.execute("CREATE TABLE probe_items (id INTEGER PRIMARY KEY, body TEXT)")
    for statement in INDEX.create_sql():
        database.execute(statement)
    database.executemany("INSERT INTO probe_items (id, body) VALUES (?, ?)", CORPUS.items())
    yield database
    database.close()


def found(database, text):
    """Ids of the items a typed query finds, through where_sql on the item table."""
    where = INDEX.where_sql(compile_match(parse(text)))
    sql, params = where or ("1 = 1", [])
    rows = database.execute(_sqlite3(f"SELECT id FROM probe_items WHERE {sql}"), params)  # noqa: S608
    return {row[0] for row in rows}


def test_sqlite_has_fts5():
    options = {row[0] for row in sqlite3.connect(":memory:").execute("PRAGMA compile_options")}
    assert "ENABLE_FTS5" in options


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("care", '"care"'),
        ('"social care"', '"social care"'),
        ("robot*", '"robot" *'),
        ("nurse OR midwife", '("nurse" OR "midwife")'),
        ("care robots", '"care" AND "robots"'),
        ("care -insurance", '("care") NOT "insurance"'),
        ("care -insurance -robot*", '("care") NOT ("insurance" OR "robot" *)'),
        ("e-mail", '"e-mail"'),
        ("don't panic", '"panic"'),
        ("NEAR(procurement", '"procurement"'),
    ],
)
def test_every_token_is_a_quoted_string(text, expression):
    assert compile_match(parse(text)) == Fts5Match(include=expression)


def test_exclusions_alone_compile_to_rows_to_leave_out():
    assert compile_match(parse("-insurance -robot*")) == Fts5Match(
        exclude='("insurance" OR "robot" *)'
    )
    assert compile_match(parse("")) == Fts5Match()


def test_quotes_inside_a_word_are_doubled():
    # The parser never makes such a word; the compiler is safe with any parse.
    assert quoted('say "hi"') == '"say ""hi"""'
    parsed = ParsedQuery(
        clauses=(
            Clause(
                (Term('a"b OR c'), Phrase(('x"', "*"))),
            ),
        )
    )
    assert compile_match(parsed).include == '("a""b OR c" OR "x"" *")'


@pytest.mark.parametrize(("text", "ids"), EXPECTED.items())
def test_the_shared_corpus_finds_the_expected_items(db, text, ids):
    assert found(db, text) == ids


def test_stemming_and_diacritics_are_folded(db):
    assert found(db, "cafe") == {7}
    assert found(db, "CAFÉ") == {7}
    assert found(db, "resume") == {7}
    assert found(db, "carer") == {7}
    assert found(db, "organ*") == set()


def test_lower_case_not_casefold_is_what_the_index_matches(db):
    db.execute("INSERT INTO probe_items (id, body) VALUES (40, 'Klinik an der Straße')")
    assert found(db, "STRAẞE") == found(db, "straße") == {40}
    assert "straße".casefold() == "strasse" and found(db, "strasse") == set()


def extracts(execute, text, ids):
    """{id: extract} of the rows `ids` a typed query finds, through extracts_sql, with
    `execute(sql, params)` returning a cursor."""
    fill, select, empty = INDEX.extracts_sql(compile_match(parse(text)), ids)
    try:
        for sql, params in fill:
            execute(sql, params)
        return dict(execute(*select).fetchall())
    finally:
        execute(*empty)


def _run(database):
    return lambda sql, params: database.execute(_sqlite3(sql), params)


def test_extracts_are_marked_and_safe(db):
    snippets = {
        item_id: marked_to_html(snippet)
        for item_id, snippet in extracts(_run(db), "procurement", [1, 3, 8]).items()
    }
    assert set(snippets) == {3, 8}
    assert snippets[8] == (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; "
        "<mark>Procurement</mark> rules are unclear."
    )
    assert "<mark>procurement</mark>" in snippets[3]
    assert extracts(_run(db), "procurement", [1]) == {}  # and the page table is empty again
    page = f"temp.{INDEX.name}_page"
    assert db.execute(f"SELECT count(*) FROM {page}").fetchone() == (0,)  # noqa: S608


def _index_snippets(database, text):
    """{id: snippet} by snippet() on the whole index, as extracts were read before."""
    match = compile_match(parse(text)).include
    fts = INDEX.name
    return dict(
        database.execute(
            f"SELECT rowid, snippet({fts}, 0, ?, ?, ?, {fts5.SNIPPET_TOKENS}) FROM {fts} "  # noqa: S608
            f"WHERE {fts} MATCH ?",
            [fts5.MARK_START, fts5.MARK_END, fts5.ELLIPSIS, match],
        )
    )


@pytest.mark.parametrize("text", [*EXPECTED, *HOSTILE_QUERIES, '"care homes"', "robot* -care"])
def test_extracts_are_those_of_the_whole_index(db, text):
    """snippet() over a table of the page's rows alone gives what it gives over the whole
    index, for every query that finds anything."""
    if compile_match(parse(text)).include is None:
        return
    expected = _index_snippets(db, text)
    assert extracts(_run(db), text, sorted(CORPUS)) == expected


def test_extracts_need_words():
    with pytest.raises(ValueError, match="need a query with words"):
        INDEX.extracts_sql(compile_match(parse("-insurance")), [1])


def test_triggers_keep_the_index_in_step(db):
    db.execute("UPDATE probe_items SET body = 'Telehealth pilots' WHERE id = 8")
    assert found(db, "procurement") == {3}
    assert found(db, "telehealth") == {8}
    db.execute("DELETE FROM probe_items WHERE id = 3")
    assert found(db, "procurement") == set()
    db.execute("INSERT INTO probe_items (id, body) VALUES (30, 'Procurement again')")
    assert found(db, "procurement") == {30}
    db.execute("UPDATE probe_items SET id = 31 WHERE id = 30")
    assert found(db, "procurement") == {31}
    db.execute("INSERT INTO probe_items_fts(probe_items_fts) VALUES ('integrity-check')")


def test_create_indexes_existing_rows_and_drop_removes_everything():
    database = sqlite3.connect(":memory:")
    database.execute("CREATE TABLE probe_items (id INTEGER PRIMARY KEY, body TEXT)")
    database.execute("INSERT INTO probe_items VALUES (1, 'existing procurement text')")
    for statement in INDEX.create_sql():
        database.execute(statement)
    assert found(database, "procurement") == {1}
    for statement in INDEX.drop_sql():
        database.execute(statement)
    names = {row[0] for row in database.execute("SELECT name FROM sqlite_master")}
    assert names == {"probe_items"}


@pytest.mark.parametrize("name", ["items; DROP TABLE x", 'a"b', "", "1abc", "a b"])
def test_identifiers_must_be_plain(name):
    with pytest.raises(ValueError, match="Not a plain SQL identifier"):
        Fts5Index(table=name, column="body")
    with pytest.raises(ValueError, match="Not a plain SQL identifier"):
        Fts5Index(table="items", column=name)


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_hostile_input_never_errors(db, text):
    match = compile_match(parse(text))
    found(db, text)
    if match.include is not None:
        for snippet in extracts(_run(db), text, sorted(CORPUS)).values():
            marked_to_html(snippet)
    for expression in (match.include, match.exclude):
        if expression is not None:  # each expression on its own as MATCH, too
            db.execute(
                "SELECT rowid FROM probe_items_fts WHERE probe_items_fts MATCH ?", [expression]
            )


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_hostile_input_as_words_and_prefixes_never_errors(db, text):
    # Each hostile line once more as prefix, exclusion and phrase.
    for variant in (f"{text}*", f"-{text}", f'"{text}"', f"care OR {text}", f"care -{text}*"):
        found(db, variant)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 is SQLite's")
@pytest.mark.django_db
def test_through_djangos_connection_the_index_follows_the_transaction():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE probe_items (id INTEGER PRIMARY KEY, body TEXT)")
        for statement in INDEX.create_sql():
            cursor.execute(statement)
        cursor.execute("INSERT INTO probe_items (id, body) VALUES (%s, %s)", [1, "Robots in care"])

        def search(text):
            sql, params = INDEX.where_sql(compile_match(parse(text)))
            cursor.execute(f"SELECT id FROM probe_items WHERE {sql}", params)  # noqa: S608
            return {row[0] for row in cursor.fetchall()}

        with pytest.raises(RuntimeError), transaction.atomic():
            cursor.execute("INSERT INTO probe_items (id, body) VALUES (%s, %s)", [2, "robotic"])
            assert search("robot*") == {1, 2}
            raise RuntimeError("roll back")
        assert search("robot*") == {1}

        def execute(sql, params):
            cursor.execute(sql, params)
            return cursor

        assert {
            item_id: str(marked_to_html(snippet))
            for item_id, snippet in extracts(execute, "robots", [1]).items()
        } == {1: "<mark>Robots</mark> in care"}
