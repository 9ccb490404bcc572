"""The facets whose values are not in the item's own row: its themes (synthesis.Coding,
any number per item), its stance (synthesis.ItemReview) and its respondent's closed
questionnaire answers (any number per item). The database backend counts and filters them
with numpy beside the packed facets; the Elasticsearch indexer writes them into documents.

The database backend reads all three from the process's item arrays (`item_arrays`: every
code's (item, theme, parent), every item's stance, and every closed answer an item carries
as (item, number of the value), kept fresh by the change log's triggers), so they cost a
search no query and numpy work in proportion to the items, not a look-up per match. The
readers below (`theme_rows`, `answer_rows`...) are the database's own answer: the
Elasticsearch indexer writes documents from them.

What the values mean, on every backend:

- theme: the ids of the item's themes, and of the parent of each sub-theme it has, so
  ticking a theme finds the items coded with it or with any of its sub-themes, and a
  theme's count is the number of items with it or any of its sub-themes (each item
  once). Ticking a sub-theme finds only that sub-theme's items. NONE: items with no theme.
- stance: the stance recorded for the item; NONE: not set.
- answer: "<question id>:<option id>" for each option the respondent chose in a closed
  question (single choice, multiple choice, agreement) of the consultation's
  questionnaire, in their submitted response. The items that carry them: the free-text
  answers of that response, and every comment, reply and post the same signed-in person
  wrote in that consultation ("what did people who disagreed with question 3 say on the
  draft?"). Drafts carry nothing. Ids are the questions' and options' stable block ids, so
  the values stay when the wording changes; labels are read from the questionnaire as it
  is now ("Q3 Agree: Safety should come first.").
"""

import collections
import json
from dataclasses import dataclass

import numpy as np
from django.db import connection

from consultation.feedback.models import FeedbackItem
from consultation.questionnaires import structure
from consultation.questionnaires.models import (
    Answer,
    AnswerChoice,
    Questionnaire,
    Response,
    ResponseStatus,
)
from consultation.search.types import NONE
from consultation.synthesis.models import Coding, ItemReview, Stance, Theme

THEME, STANCE, ANSWER = "theme", "stance", "answer"
NAMES = (THEME, STANCE, ANSWER)
STANCES = tuple(Stance.values)  # a stance's code is its position + 1; 0 is "not set"
REMOVED_OPTION = "an option since removed"
# Up to this many matched ids go to the database as a list (a look-up per match and
# source); with more, a source's rows are all read and sifted with numpy, which costs what
# the source holds (the items coded, reviewed or answered) instead.
ID_LIST_LIMIT = 1_000
_LOW_32 = (1 << 32) - 1


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def _among(column, ids):
    """A condition that `column` is one of `ids`, with its parameter (a JSON array read by
    json_each on SQLite, an array on PostgreSQL: one parameter however many ids); or no
    condition when there are more than ID_LIST_LIMIT, for the caller to sift the rows."""
    if len(ids) > ID_LIST_LIMIT:
        return "1 = 1", []
    ids = [int(i) for i in ids]
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", ["{" + ",".join(map(str, ids)) + "}"]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]  # noqa: S608


def _statement(sql, ids, *columns):
    """(sql, params): `sql`, whose `{0}`, `{1}`... are conditions that each of `columns` is
    one of `ids` (see _among), selecting every row of the items `ids`, and maybe others."""
    conditions, params = [], []
    for column in columns:
        condition, param = _among(column, ids)
        conditions.append(condition)
        params += param
    return sql.format(*conditions), params


def _fetch(statement):
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        return cursor.fetchall()


def _rows(sql, ids, *columns):
    """The rows of `_statement(sql, ids, *columns)` (none when `ids` is empty)."""
    if not len(ids):
        return []
    return _fetch(_statement(sql, ids, *columns))


def theme_rows(ids):
    """(item id, theme id, parent theme id or None) of every code of the items `ids`."""
    coding, theme = _table(Coding), _table(Theme)
    return _rows(
        f"SELECT c.item_id, c.theme_id, t.parent_id FROM {coding} c "  # noqa: S608 - our names
        f"JOIN {theme} t ON t.id = c.theme_id WHERE {{0}}",
        ids,
        "c.item_id",
    )


def stance_rows(ids):
    """(item id, stance) of the items `ids` with a stance set."""
    review = _table(ItemReview)
    return _rows(
        f"SELECT r.item_id, r.stance FROM {review} r "  # noqa: S608 - our names
        "WHERE r.stance <> '' AND {0}",
        ids,
        "r.item_id",
    )


def response_sql(ids):
    """(sql, params) of response_rows. Read whole (more than ID_LIST_LIMIT ids), it starts
    from what carries answers, never from the items: from the answer items through their
    own index (IS NOT NULL skips the other items' NULLs), and from the submitted responses
    to their respondents' items (SQLite's CROSS JOIN keeps that order; PostgreSQL orders
    joins itself). Left to choose, SQLite read all 100,000 items of the bench's database
    twice (130 ms a search) when the questionnaire tables were empty: ANALYZE writes no
    statistics for an empty table, so it guesses them large."""
    item, answer = _table(FeedbackItem), _table(Answer)
    response, questionnaire = _table(Response), _table(Questionnaire)
    submitted = ResponseStatus.SUBMITTED.value
    join = "CROSS JOIN" if len(ids) > ID_LIST_LIMIT else ","  # a comma: the planner's order
    return _statement(
        f"SELECT i.id, own.response_id FROM {item} i JOIN {answer} own "  # noqa: S608 - our names
        f"ON own.id = i.answer_source_id WHERE i.answer_source_id IS NOT NULL AND {{0}} "
        "UNION ALL "
        f"SELECT i.id, r.id FROM {response} r {join} {questionnaire} q {join} {item} i "
        "WHERE q.id = r.questionnaire_id AND i.author_id = r.respondent_id "
        "AND i.consultation_id = q.consultation_id "
        f"AND i.comment_id IS NOT NULL AND r.status = '{submitted}' AND {{1}}",
        ids,
        "i.id",
        "i.id",
    )


def response_rows(ids):
    """(item id, response id) of the items `ids` that carry a response's closed answers: an
    answer item its own response, a comment its author's submitted response to the
    consultation's questionnaire (see the module's text)."""
    return _fetch(response_sql(ids)) if len(ids) else []


def choice_rows(response_ids):
    """(response id, "<question id>:<option id>") of every option chosen in the responses
    `response_ids` (maybe others' too: see _among)."""
    answer, choice = _table(Answer), _table(AnswerChoice)
    rows = _rows(
        f"SELECT a.response_id, a.question_id, c.choice_id FROM {answer} a "  # noqa: S608
        f"JOIN {choice} c ON c.answer_id = a.id WHERE {{0}}",
        response_ids,
        "a.response_id",
    )
    return [(response, f"{question}:{option}") for response, question, option in rows]


def answer_rows(ids):
    """(item id, "<question id>:<option id>") of the closed answers the items `ids` carry."""
    carried = response_rows(ids)
    chosen = collections.defaultdict(list)
    for response, value in choice_rows(sorted({response for _item, response in carried})):
        chosen[response].append(value)
    return [(item, value) for item, response in carried for value in chosen.get(response, ())]


# -- the database backend: codes per matched item ------------------------------------------


@dataclass(frozen=True)
class MultiValued:
    """A multi-valued facet of the matches: (position, code) pairs, each pair once;
    `values` turns a code back into its value (None: the code is the value, an id)."""

    size: int
    positions: np.ndarray
    codes: np.ndarray
    values: tuple | None = None
    none: bool = False  # whether NONE (the matches with no value) is a value

    @classmethod
    def of(cls, size, positions, codes, values=None, *, none=False, distinct=False):
        """From (position, code) pairs, made each once unless they are already
        (`distinct`: a sort of every pair costs a search more than all the rest)."""
        if distinct:
            return cls(size, positions.astype(np.int64), codes.astype(np.int64), values, none)
        keys = np.unique((positions.astype(np.int64) << 32) | codes.astype(np.int64))
        return cls(size, keys >> 32, keys & _LOW_32, values, none)

    def code_of(self, value):
        if self.values is None:
            return int(value)
        try:
            return self.values.index(value) + 1
        except ValueError:
            return -1  # a value none of the matches has

    def value_of(self, code):
        return str(code) if self.values is None else self.values[code - 1]

    def mask(self, chosen):
        """The matches with any of the values `chosen` (NONE: with no value at all)."""
        codes = [self.code_of(value) for value in chosen if value != NONE]
        mask = np.zeros(self.size, dtype=bool)
        mask[self.positions[np.isin(self.codes, codes)]] = True
        if self.none and NONE in chosen:
            mask |= ~self.has_any()
        return mask

    def has_any(self):
        found = np.zeros(self.size, dtype=bool)
        found[self.positions] = True
        return found

    def counts(self, mask):
        """{value: number of the matches `mask` lets through that have it}, with NONE."""
        kept = self.codes[mask[self.positions]]
        numbers = np.bincount(kept) if len(kept) else np.zeros(0, dtype=np.int64)
        counts = {self.value_of(int(code)): int(numbers[code]) for code in np.flatnonzero(numbers)}
        if self.none:
            counts[NONE] = int((mask & ~self.has_any()).sum())
        return counts


@dataclass(frozen=True)
class SingleValued:
    """A facet with one value per match or none: codes aligned with the matches, 0 for
    none; a code is a position in `values` + 1."""

    codes: np.ndarray
    values: tuple

    def mask(self, chosen):
        codes = [0 if value == NONE else self.values.index(value) + 1 for value in chosen]
        return np.isin(self.codes, codes)

    def counts(self, mask):
        codes, numbers = np.unique(self.codes[mask], return_counts=True)
        return {
            (NONE if code == 0 else self.values[code - 1]): int(number)
            for code, number in zip(codes, numbers, strict=True)
        }


@dataclass(frozen=True)
class Held:
    """The process's ItemArrays (item_arrays) and the positions in them of the matches."""

    arrays: object
    positions: np.ndarray


def _themes(ids, held):
    """The themes' (position, code) pairs: each theme of a matched item, and its theme's
    parent for a sub-theme, each once, from the arrays (one pass over the items' themes,
    no sort)."""
    positions, themes = held.arrays.themes_of(held.positions)
    return MultiValued.of(len(ids), positions, themes[:, 1], none=True, distinct=True)


def _stances(ids, held):
    return SingleValued(held.arrays.stance[held.positions], STANCES)


def _answers(ids, held):
    """The answers' (position, code) pairs: each answer a matched item carries, from the
    arrays (one pass over the answers); a code is the value's number in the arrays."""
    positions, answers = held.arrays.answers_of(held.positions)
    # Each once already: an item carries one response, which chooses an option once.
    return MultiValued.of(
        len(ids), positions, answers[:, 1], held.arrays.answer_values, distinct=True
    )


LOADERS = {THEME: _themes, STANCE: _stances, ANSWER: _answers}


class ExtraFacets:
    """The theme, stance and answer facets of a search's matches (`ids`, a numpy array, at
    `positions` of the item arrays `arrays`), from the arrays (when asked for: `names`;
    every facet by default)."""

    def __init__(self, ids, names=NAMES, *, arrays, positions):
        held = Held(arrays, positions)
        self.facets = {name: LOADERS[name](ids, held) for name in names}

    def masks(self, query):
        """{facet: mask of the matches its ticked values let through}, for ticked facets."""
        return {
            name: self.facets[name].mask(values)
            for name, values in query.filters
            if name in self.facets
        }

    def counts(self, name, mask):
        """{value: count} of facet `name` among the matches `mask` lets through."""
        return {value: n for value, n in self.facets[name].counts(mask).items() if n}


def filtered_names(query):
    """The extra facets `query` filters by: what a download has to read."""
    return tuple(name for name, _values in query.filters if name in NAMES)


# -- labels ----------------------------------------------------------------------------------


def theme_labels(theme_ids=None):
    """{theme id: "Name"} ("Parent: Child" for a sub-theme) of `theme_ids` (every theme
    when None)."""
    themes = Theme.objects.select_related("parent")
    if theme_ids is not None:
        ids = [int(pk) for pk in theme_ids if str(pk).isdigit()]
        if not ids:
            return {}
        themes = themes.filter(pk__in=ids)
    return {str(theme.pk): str(theme) for theme in themes}


# Each questionnaire's closed questions, read from its StreamField once per version (its
# updated_at changes with every save): reading a StreamField costs more than a search.
_QUESTIONS = {}


def _closed_questions(questionnaire):
    key = (questionnaire.pk, questionnaire.updated_at)
    if key not in _QUESTIONS:
        if len(_QUESTIONS) > 100:  # old versions: forget them
            _QUESTIONS.clear()
        _QUESTIONS[key] = [q for q in structure.questions_of(questionnaire) if q.is_closed]
    return _QUESTIONS[key]


def answer_labels(values=None):
    """{"<question>:<option>": "Q3 Agree: <the question>"} for `values` (every closed
    question's options when None), from the questionnaires as they are now."""
    if values is not None and not values:
        return {}
    asked = {}
    for value in values or ():
        question, _sep, option = value.partition(":")
        asked.setdefault(question, []).append(option)
    labels = {}
    for questionnaire in Questionnaire.objects.all():
        for question in _closed_questions(questionnaire):
            if values is not None and question.id not in asked:
                continue
            options = question.choice_labels
            for option in options if values is None else asked[question.id]:
                label = options.get(option, REMOVED_OPTION)
                labels[f"{question.id}:{option}"] = f"Q{question.number} {label}: {question.text}"
    return labels


def labels(named=None):
    """{facet: {value: label}} for the theme and answer values in `named` ({facet: values};
    every theme and answer option when None)."""
    if named is None:
        return {THEME: theme_labels(), ANSWER: answer_labels()}
    return {
        THEME: theme_labels([v for v in named.get(THEME, ()) if v != NONE]),
        ANSWER: answer_labels(list(named.get(ANSWER, ()))),
    }


# -- the Elasticsearch documents -------------------------------------------------------------


def document_values(item_ids):
    """{item id: {"theme": [...], "stance": ..., "answer": [...]}} for the items `item_ids`,
    as their search engine documents hold them: NONE for no theme and no stance, so that
    the engine counts and filters them like any value. Four queries per ID_LIST_LIMIT
    items: named by id, never a source read whole for each batch of a reindex."""
    item_ids = list(item_ids)
    values = {pk: {THEME: set(), STANCE: NONE, ANSWER: set()} for pk in item_ids}
    for start in range(0, len(item_ids), ID_LIST_LIMIT):
        chunk = item_ids[start : start + ID_LIST_LIMIT]
        for item, theme, parent in theme_rows(chunk):
            values[item][THEME].update(str(pk) for pk in (theme, parent) if pk)
        for item, stance in stance_rows(chunk):
            values[item][STANCE] = stance
        for item, answer in answer_rows(chunk):
            values[item][ANSWER].add(answer)
    return {
        pk: {
            THEME: sorted(found[THEME], key=int) or [NONE],
            STANCE: found[STANCE],
            ANSWER: sorted(found[ANSWER]),
        }
        for pk, found in values.items()
    }
