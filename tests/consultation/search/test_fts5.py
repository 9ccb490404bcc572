"""SQLite FTS5: the parse compiled into MATCH expressions, run with Python's sqlite3 module
against an in-memory external-content FTS5 table built by Fts5Index, and through Django's
own connection on SQLite (where the triggers share the saving transaction)."""

import sqlite3

import pytest
from django.db import connection, transaction

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


def test_hits_have_a_score_and_a_safe_snippet(db):
    sql, params = INDEX.hits_sql(compile_match(parse("procurement")))
    rows = db.execute(_sqlite3(f"{sql} ORDER BY score DESC"), params).fetchall()
    assert {row[0] for row in rows} == {3, 8}
    assert all(score > 0 for _id, score, _snippet in rows)
    snippets = {item_id: marked_to_html(snippet) for item_id, _score, snippet in rows}
    assert snippets[8] == (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; "
        "<mark>Procurement</mark> rules are unclear."
    )
    assert "<mark>procurement</mark>" in snippets[3]


def test_better_matches_score_higher(db):
    db.execute("INSERT INTO probe_items (id, body) VALUES (20, 'care care care care')")
    sql, params = INDEX.hits_sql(compile_match(parse("care")))
    rows = db.execute(_sqlite3(f"{sql} ORDER BY score DESC"), params).fetchall()
    assert rows[0][0] == 20


def test_hits_need_words():
    with pytest.raises(ValueError, match="needs a query with words"):
        INDEX.hits_sql(compile_match(parse("-insurance")))


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
        sql, params = INDEX.hits_sql(match)
        for _id, _score, snippet in db.execute(_sqlite3(sql), params):
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
        sql, params = INDEX.hits_sql(compile_match(parse("robots")))
        cursor.execute(sql, params)
        assert [(row[0], str(marked_to_html(row[2]))) for row in cursor.fetchall()] == [
            (1, "<mark>Robots</mark> in care")
        ]
