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
from django.db.models import BooleanField, Case, FloatField, Q, When
from django.db.models.expressions import RawSQL
from django.db.models.lookups import GreaterThan, LessThanOrEqual

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
    `one_lexeme` says `ranked` is one plain word of letters and digits (see `rank`);
    `word` is that word when nothing is excluded either, so the query is the word alone
    and item_terms can read its matches; `phrase` holds the words of a phrase that is
    `ranked` alone (see `rank`)."""

    where: SearchQuery | None = None
    ranked: SearchQuery | None = None
    one_lexeme: bool = False
    word: str | None = None
    phrase: tuple[str, ...] = ()


def _is_one_lexeme(parsed):
    """One clause of one word, not a prefix, of letters and digits only: the parser of
    PostgreSQL's text search makes one lexeme of it (a joined word, "e-mail", makes three)."""
    if len(parsed.clauses) != 1 or len(parsed.clauses[0].alternatives) != 1:
        return False
    (atom,) = parsed.clauses[0].alternatives
    return not isinstance(atom, Phrase) and not atom.prefix and atom.word.isalnum()


def _lone_phrase(parsed):
    """The words of the query's one clause when it is one phrase alone, else ()."""
    if len(parsed.clauses) != 1 or len(parsed.clauses[0].alternatives) != 1:
        return ()
    (atom,) = parsed.clauses[0].alternatives
    return tuple(atom.words) if isinstance(atom, Phrase) else ()


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
    one_lexeme = _is_one_lexeme(parsed)
    word = parsed.clauses[0].alternatives[0].word if one_lexeme and not excluded else None
    return PostgresMatch(
        where=where, ranked=ranked, one_lexeme=one_lexeme, word=word, phrase=_lone_phrase(parsed)
    )


def search_vector(expression):
    """The tsvector of a text expression, for the generated column and its GIN index."""
    return SearchVector(expression, config=CONFIG)


# ts_rank of a lexeme that occurs once (of the default weight), whatever the lexeme: one
# subquery, which PostgreSQL computes once for the whole query.
_ONE_OCCURRENCE = "(SELECT ts_rank(to_tsvector('simple', 'x'), to_tsquery('simple', 'x')))"


def rank(vector, query, *, one_lexeme=False, phrase=()):
    """ts_rank_cd (cover density: matches close together count more) of `vector`; for a
    query of one lexeme, ts_rank, which orders the matches the same way for less (a common
    word, 21,000 matches of 100,000 items: the query took 46 ms with ts_rank_cd, 32 ms with
    ts_rank). With one lexeme, each of its occurrences is a cover of its
    own, so ts_rank_cd is 0.1 times its number of occurrences, and ts_rank grows with that
    number too (1 + 1/4 + 1/9 ...): both rank by how often the word occurs, with the same
    ties (a test holds the two orders equal).

    For a query that is one phrase alone (`phrase`: its words), ts_rank_cd sums one score
    for each occurrence of the phrase, the same for every occurrence. A matching row in
    which one of its words occurs once holds the phrase once, so its rank is that of the
    phrase's own text, computed once for the query; ts_rank_cd runs only on the rows in
    which every word repeats, a few of the matches (a phrase in 9,700 of 100,000 items: 35
    ms ranked by ts_rank_cd, 23 ms so; a test holds the values equal). A word occurs once
    where its ts_rank is that of one occurrence; a stop word, which has no lexeme, ranks 0
    and says nothing; a word that is not all letters and digits is left out of the test.
    A stop word inside the phrase leaves a gap that another occurrence of a word can fill,
    which changes the score: such a phrase is ranked by ts_rank_cd on every row."""
    if not phrase:
        return SearchRank(vector, query, cover_density=not one_lexeme)
    one = RawSQL(_ONE_OCCURRENCE, [], output_field=FloatField())  # noqa: S611 - constant
    once = []
    for word in dict.fromkeys(word for word in phrase if word.isalnum()):
        occurrences = SearchRank(vector, SearchQuery(word, config=CONFIG, search_type="plain"))
        once.append(Q(GreaterThan(occurrences, 0)) & Q(LessThanOrEqual(occurrences, one)))
    every_cover = SearchRank(vector, query, cover_density=True)
    if not once:
        return every_cover
    text = " ".join(phrase)
    one_cover = RawSQL(
        "(SELECT ts_rank_cd(to_tsvector(%s::regconfig, %s), phraseto_tsquery(%s::regconfig, %s)))",
        [CONFIG, text, CONFIG, text],
        output_field=FloatField(),
    )
    # Where the phrase leaves a gap (a stop word inside: 'care' <3> 'home'), another
    # occurrence of a word can fall in the gap and change the score: no shortcut.
    adjacent = RawSQL(
        "(SELECT phraseto_tsquery(%s::regconfig, %s)::text !~ '<[0-9]')",
        [CONFIG, text],
        output_field=BooleanField(),
    )
    return Case(
        When(Q(adjacent) & functools.reduce(operator.or_, once), then=one_cover),
        default=every_cover,
        output_field=FloatField(),
    )


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
