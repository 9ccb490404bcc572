"""PostgreSQL full text for the database backend: the parse compiled into Django
SearchQuery objects, and the ranking and headline expressions.

Words and phrases go to PostgreSQL as data: `plainto_tsquery` and `phraseto_tsquery` take
them as text and never read operators in them. Only a prefix needs `to_tsquery` ("raw"),
and its lexeme is built here from letters and digits alone, quoted, with `:*` after it, so
nothing typed can reach tsquery syntax. The configuration is "english" (stemmed, with its
stop words), matching the stemming of the SQLite and Elasticsearch backends. A prefix made
of a stop word (`the*`, meant for "theory") uses "simple", which keeps it.
"""

import functools
import operator
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector

from consultation.search.highlight import ELLIPSIS, MARK_END, MARK_START
from consultation.search.query import Phrase, is_common

CONFIG = "english"
HEADLINE_WORDS = (12, 30)  # MinWords, MaxWords of each fragment
HEADLINE_FRAGMENTS = 2


def _atom(atom):
    if isinstance(atom, Phrase):
        return SearchQuery(" ".join(atom.words), config=CONFIG, search_type="phrase")
    lexeme = "".join(ch for ch in atom.word if ch.isalnum())
    if atom.prefix and lexeme:
        config = "simple" if is_common(atom.word) else CONFIG
        return SearchQuery(f"'{lexeme}':*", config=config, search_type="raw")
    return SearchQuery(atom.word, config=CONFIG, search_type="plain")


def _any(atoms):
    return functools.reduce(operator.or_, (_atom(atom) for atom in atoms))


@dataclass(frozen=True)
class PostgresMatch:
    """A compiled query: `where` is the tsquery rows must match (None: every row);
    `ranked` holds the clauses alone, for ranking and headlines (None when filters only:
    then there is nothing to rank, and highlight.plain_extract gives the extract);
    `one_lexeme` says `ranked` is one plain word of letters and digits (see `rank`)."""

    where: SearchQuery | None = None
    ranked: SearchQuery | None = None
    one_lexeme: bool = False


def _is_one_lexeme(parsed):
    """One clause of one word, not a prefix, of letters and digits only: the parser of
    PostgreSQL's text search makes one lexeme of it (a joined word, "e-mail", makes three)."""
    if len(parsed.clauses) != 1 or len(parsed.clauses[0].alternatives) != 1:
        return False
    (atom,) = parsed.clauses[0].alternatives
    return not isinstance(atom, Phrase) and not atom.prefix and atom.word.isalnum()


def compile_search(parsed):
    ranked = None
    if parsed.clauses:
        ranked = functools.reduce(
            operator.and_, (_any(clause.alternatives) for clause in parsed.clauses)
        )
    # A combined SearchQuery cannot be inverted as a whole (Django would write SQL NOT),
    # so each exclusion is inverted on its own: NOT (a OR b) is NOT a AND NOT b.
    excluded = [~_atom(atom) for atom in parsed.exclusions]
    parts = ([ranked] if ranked is not None else []) + excluded
    where = functools.reduce(operator.and_, parts) if parts else None
    return PostgresMatch(where=where, ranked=ranked, one_lexeme=_is_one_lexeme(parsed))


def search_vector(expression):
    """The tsvector of a text expression, for the generated column and its GIN index."""
    return SearchVector(expression, config=CONFIG)


def rank(vector, query, *, one_lexeme=False):
    """ts_rank_cd (cover density: matches close together count more) of `vector`; for a
    query of one lexeme, ts_rank, which orders the matches the same way for less (a common
    word, 21,000 matches of 100,000 items: the query took 46 ms with ts_rank_cd, 32 ms with
    ts_rank). With one lexeme, each of its occurrences is a cover of its
    own, so ts_rank_cd is 0.1 times its number of occurrences, and ts_rank grows with that
    number too (1 + 1/4 + 1/9 ...): both rank by how often the word occurs, with the same
    ties (a test holds the two orders equal)."""
    return SearchRank(vector, query, cover_density=not one_lexeme)


def headline(text, query):
    """ts_headline of `text` with MARK_START/MARK_END around the matches; its value goes
    through highlight.marked_to_html before it is shown. Costly: use it on one page of
    results, not on every match."""
    min_words, max_words = HEADLINE_WORDS
    return SearchHeadline(
        text,
        query,
        config=CONFIG,
        start_sel=MARK_START,
        stop_sel=MARK_END,
        min_words=min_words,
        max_words=max_words,
        max_fragments=HEADLINE_FRAGMENTS,
        fragment_delimiter=f" {ELLIPSIS} ",
    )
