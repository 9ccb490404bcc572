"""PostgreSQL full text: the parse compiled into SearchQuery objects, run against a real
server on a throwaway table with a generated tsvector column and a GIN index, made here
from the same expressions the feedback item's migration will use."""

import numpy as np
import pytest
from django.contrib.postgres.search import SearchVectorField
from django.db import connection
from django.db.models import TextField
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query

from consultation.search.backends.postgres import (
    PostgresMatch,
    compile_search,
    headline,
    rank,
    search_vector,
)
from consultation.search.highlight import marked_to_html
from consultation.search.query import Clause, ParsedQuery, Term, parse
from tests.support.hostile import HOSTILE_QUERIES
from tests.support.search_corpus import CORPUS, EXPECTED

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db,
]

BODY = RawSQL('"body"', [], output_field=TextField())
VECTOR = RawSQL('"vector"', [], output_field=SearchVectorField())


def sql_of(expression):
    """(sql, params) of an expression, compiled without a model."""
    query = Query(None)
    compiler = query.get_compiler(connection=connection)
    return compiler.compile(expression.resolve_expression(query))


@pytest.fixture
def probe(db):
    vector_sql = connection.ops.compose_sql(*sql_of(search_vector(BODY)))
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE probe_items (id integer PRIMARY KEY, body text NOT NULL, "
            f"vector tsvector GENERATED ALWAYS AS ({vector_sql}) STORED)"
        )
        cursor.execute("CREATE INDEX probe_items_vector ON probe_items USING GIN (vector)")
        cursor.executemany("INSERT INTO probe_items (id, body) VALUES (%s, %s)", CORPUS.items())
        yield cursor


def found(cursor, text):
    match = compile_search(parse(text))
    if match.where is None:
        cursor.execute("SELECT id FROM probe_items")
    else:
        sql, params = sql_of(match.where)
        cursor.execute(f"SELECT id FROM probe_items WHERE vector @@ {sql}", params)  # noqa: S608
    return {row[0] for row in cursor.fetchall()}


def ranked(cursor, text):
    """(id, rank, headline) of each match, best first."""
    match = compile_search(parse(text))
    where, where_params = sql_of(match.where)
    rank_sql, rank_params = sql_of(rank(VECTOR, match.ranked))
    headline_sql, headline_params = sql_of(headline(BODY, match.ranked))
    columns = f"id, {rank_sql}, {headline_sql}"
    sql = f"SELECT {columns} FROM probe_items WHERE vector @@ {where} ORDER BY 2 DESC, id"  # noqa: S608
    cursor.execute(sql, rank_params + headline_params + where_params)
    return cursor.fetchall()


def scored(cursor, match, **options):
    """(id, rank) of each row `match` finds, by id, ranked by `rank(..., **options)`."""
    where, where_params = sql_of(match.where)
    rank_sql, rank_params = sql_of(rank(VECTOR, match.ranked, **options))
    cursor.execute(
        f"SELECT id, {rank_sql} FROM probe_items WHERE vector @@ {where} ORDER BY id",  # noqa: S608
        rank_params + where_params,
    )
    return cursor.fetchall()


def test_filters_only_has_no_text_condition():
    assert compile_search(parse("")) == PostgresMatch()
    match = compile_search(parse("-insurance"))
    assert match.ranked is None and match.where is not None


def test_words_and_phrases_are_data_and_a_prefix_is_a_quoted_lexeme():
    sql, params = sql_of(compile_search(parse('care "social care" robot* -insurance')).where)
    assert "plainto_tsquery" in sql and "phraseto_tsquery" in sql and "!!(" in sql
    assert {"care", "social care", "'robot':*", "insurance"} <= set(params)
    # A prefix lexeme keeps only letters and digits, whatever a parse holds.
    odd = ParsedQuery(clauses=(Clause((Term("ro'b|o&t:!(", prefix=True),)),))
    assert "'robot':*" in sql_of(compile_search(odd).where)[1]


@pytest.mark.parametrize(("text", "ids"), EXPECTED.items())
def test_the_shared_corpus_finds_the_expected_items(probe, text, ids):
    assert found(probe, text) == ids


def test_rank_prefers_closer_and_more_matches(probe):
    probe.execute("INSERT INTO probe_items (id, body) VALUES (20, 'social care social care')")
    rows = ranked(probe, '"social care"')
    assert rows[0][0] == 20
    assert all(row[1] > 0 for row in rows)


def test_one_lexeme_is_told_apart():
    one = {"care", "covid19", "2026", "caf\u00e9"}
    for text in one:
        assert compile_search(parse(text)).one_lexeme, text
        assert compile_search(parse(f"{text} -robot")).one_lexeme, text
    for text in ("e-mail", "don't", "nhs.uk", "care*", '"social care"', "care OR health",
                 "care health", "-care", ""):  # fmt: skip
        assert not compile_search(parse(text)).one_lexeme, text


@pytest.mark.parametrize("word", ["care", "social", "procurement", "data"])
def test_one_lexeme_ranks_as_cover_density_does(probe, word):
    """`rank` uses ts_rank for a query of one lexeme, cheaper than ts_rank_cd: the order of
    the matches (ties by id) is the same, however often the word occurs."""
    rows = [
        " ".join([word] * occurrences + ["filler"] * padding)
        for occurrences in range(1, 6)
        for padding in (0, 3, 40)
    ]
    probe.executemany(
        "INSERT INTO probe_items (id, body) VALUES (%s, %s)",
        [(100 + number, body) for number, body in enumerate(rows)],
    )
    match = compile_search(parse(word))
    assert match.one_lexeme
    cover_density, plain = (
        [item for item, _score in sorted(scored(probe, match, one_lexeme=one_lexeme),
                                         key=lambda row: (-row[1], row[0]))]
        for one_lexeme in (False, True)
    )  # fmt: skip
    assert len(cover_density) > len(rows)  # the corpus's own matches among them
    assert plain == cover_density


def test_headline_is_made_safe(probe):
    probe.execute(
        "INSERT INTO probe_items (id, body) VALUES (21, %s)",
        ['Costs < benefits & "procurement" <img src=x onerror=alert(1)> matters'],
    )
    rows = {row[0]: str(marked_to_html(row[2])) for row in ranked(probe, "procurement")}
    assert rows[21] == (
        "Costs &lt; benefits &amp; &quot;<mark>procurement</mark>&quot; "
        "&lt;img src=x onerror=alert(1)&gt; matters"
    )
    # PostgreSQL's parser leaves out what it reads as a tag, and a script's content.
    assert rows[8].startswith("<mark>Procurement</mark> rules")
    assert "<mark>procurement</mark>" in rows[3]


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_hostile_input_never_errors(probe, text):
    for variant in (text, f"{text}*", f"-{text}", f'"{text}"', f"care OR {text}"):
        found(probe, variant)
        if compile_search(parse(variant)).ranked is not None:
            for _id, _rank, snippet in ranked(probe, variant):
                marked_to_html(snippet)


LONE_PHRASES = [
    '"social care"',
    '"care homes"',
    '"care of the homes"',  # a stop word inside: ts_rank_cd on every row
    '"e-mail care"',
    '"care care"',
]


@pytest.mark.parametrize("text", LONE_PHRASES)
def test_a_lone_phrase_ranks_as_cover_density_does(probe, text):
    """`rank` scores a row in which one of the phrase's words occurs once with the score of
    the phrase's own text: the same values as ts_rank_cd on every row, however the words
    repeat around the phrase."""
    rng = np.random.default_rng(len(text))
    vocabulary = ["social", "care", "homes", "the", "of", "e-mail", "data", "nurse"]
    bodies = [" ".join(rng.choice(vocabulary, size=rng.integers(2, 14))) for _ in range(400)]
    probe.executemany(
        "INSERT INTO probe_items (id, body) VALUES (%s, %s)",
        [(1_000 + number, body) for number, body in enumerate(bodies)],
    )
    match = compile_search(parse(text))
    assert match.phrase
    cover_density, shortcut = (scored(probe, match, phrase=phrase) for phrase in ((), match.phrase))
    assert len(cover_density) > 20
    assert len({score for _id, score in cover_density}) > 1  # some rows hold it twice
    assert shortcut == cover_density


def test_a_phrase_is_told_apart():
    assert compile_search(parse('"social care"')).phrase == ("social", "care")
    assert compile_search(parse('"social care" -robot')).phrase == ("social", "care")
    for text in ('"social care" data', '"social care" OR data', "care", ""):
        assert compile_search(parse(text)).phrase == (), text
    assert compile_search(parse("care")).word == "care"
    assert compile_search(parse("care -robot")).word is None
