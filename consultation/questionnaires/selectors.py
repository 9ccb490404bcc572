"""Reading questionnaires and responses: one's own response with its answers, answers
arranged by page for the review page, the response page and the receipt, and the summary
of the closed questions. Each reads in a fixed number of queries, however many responses
and answers there are."""

from dataclasses import dataclass, replace

from django.db.models import Count, Prefetch

from consultation.questionnaires import answers as answer_rules
from consultation.questionnaires import structure
from consultation.questionnaires.models import (
    Answer,
    AnswerChoice,
    Questionnaire,
    Response,
    ResponseStatus,
)
from hub.accounts.models import Region, Sector
from hub.core import small_counts


def questionnaire_for(slug):
    """The questionnaire of the consultation with this slug, with its consultation, or None."""
    return (
        Questionnaire.objects.select_related("consultation").filter(consultation__slug=slug).first()
    )


def response_of(user, questionnaire):
    """The person's response (draft or submitted) with its answers and their options, or
    None: three queries."""
    if not user.is_authenticated:
        return None
    response = (
        Response.objects.filter(questionnaire=questionnaire, respondent=user)
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.prefetch_related("choices")))
        .first()
    )
    if response is not None:
        response.questionnaire = questionnaire
    return response


def response_with_answers(response_id):
    """A response for its receipt: questionnaire, consultation, respondent and answers."""
    return (
        Response.objects.select_related("questionnaire__consultation", "respondent__profile")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.prefetch_related("choices")))
        .filter(pk=response_id)
        .first()
    )


def stored_answers(response):
    """{question id: option ids (a tuple) or text} of a response loaded by the above."""
    if response is None:
        return {}
    stored = {}
    for answer in response.answers.all():
        choices = tuple(sorted(choice.choice_id for choice in answer.choices.all()))
        stored[answer.question_id] = choices or answer.text
    return stored


@dataclass(frozen=True)
class AnsweredQuestion:
    question: object
    shown: object  # None, the text, or the chosen options' labels

    @property
    def is_text(self):
        return isinstance(self.shown, str)


@dataclass(frozen=True)
class AnsweredPage:
    page: object
    questions: list


def answered_pages(questionnaire, response):
    """Every page with each question and its answer as people read it (options in the
    order the question lists them)."""
    stored = stored_answers(response)
    pages = []
    for page in structure.pages_of(questionnaire):
        rows = []
        for question in page.questions:
            value = stored.get(question.id)
            if value and question.is_closed:
                order = {choice_id: n for n, (choice_id, _) in enumerate(question.choices)}
                value = tuple(sorted(value, key=lambda choice: order.get(choice, len(order))))
            rows.append(AnsweredQuestion(question, answer_rules.shown(question, value or None)))
        pages.append(AnsweredPage(page, rows))
    return pages


# ---------------------------------------------------------------------------------------
# The summary of closed questions

GROUPINGS = {
    "sector": ("author_sector", "Sector", Sector),
    "region": ("author_region", "Region", Region),
}
NOT_GIVEN = "Not given"


@dataclass(frozen=True)
class Cell:
    count: int | None  # None: withheld from a public table (hub.core.small_counts)
    percent: float | None  # of those in the column who answered the question

    @property
    def withheld(self):
        return self.count is None


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    answered: int
    withheld: bool = False  # a public table does not say how few answered


@dataclass(frozen=True)
class OptionRow:
    label: str
    cells: list


@dataclass(frozen=True)
class QuestionSummary:
    question: object
    columns: list
    rows: list

    @property
    def answered(self):
        return self.columns[0].answered


@dataclass(frozen=True)
class Summary:
    respondents: int
    by: str
    by_label: str
    questions: list


def _cell(count, answered):
    return Cell(count, round(100 * count / answered, 1) if answered else None)


def _withhold_small_cells(columns, rows):
    """The columns and rows of a public table with small counts withheld (and the cells
    that would give them back: hub.core.small_counts)."""
    counts = {(r, c): cell.count for r, row in enumerate(rows) for c, cell in enumerate(row.cells)}
    lines = [[(r, c) for r in range(len(rows))] for c in range(len(columns))]
    lines += [[(r, c) for c in range(1, len(columns))] for r in range(len(rows))]
    withheld = small_counts.withheld_cells(counts, lines)
    rows = [
        OptionRow(
            row.label,
            [Cell(None, None) if (r, c) in withheld else cell for c, cell in enumerate(row.cells)],
        )
        for r, row in enumerate(rows)
    ]
    columns = [
        replace(column, withheld=small_counts.is_small(column.answered)) for column in columns
    ]
    return columns, rows


def closed_summary(questionnaire, *, by="", public=False):
    """Counts and percentages of each option of each closed question among the submitted
    responses: overall, and with `by` ("sector" or "region") a column per group that has
    answered (in the order the profile form lists them). `public`: small counts are
    withheld, for the summary everyone can read. Three queries."""
    submitted = Response.objects.filter(
        questionnaire=questionnaire, status=ResponseStatus.SUBMITTED
    )
    field, by_label, choices = GROUPINGS.get(by, ("", "", None))
    group = [f"response__{field}"] if field else []
    answered_rows = (
        Answer.objects.filter(response__in=submitted)
        .values("question_id", *group)
        .annotate(n=Count("id"))
        .order_by()
    )
    chosen_rows = (
        AnswerChoice.objects.filter(answer__response__in=submitted)
        .values("answer__question_id", "choice_id", *[f"answer__{name}" for name in group])
        .annotate(n=Count("id"))
        .order_by()
    )
    answered, chosen, groups = {}, {}, set()
    for row in answered_rows:
        key = row.get(group[0], "") if group else ""
        groups.add(key)
        answered[row["question_id"], key] = row["n"]
    for row in chosen_rows:
        key = row.get(f"answer__{group[0]}", "") if group else ""
        chosen[row["answer__question_id"], row["choice_id"], key] = row["n"]
    order = [value for value, _ in choices.choices] if choices else []
    labels = dict(choices.choices) if choices else {}
    group_keys = sorted(groups, key=lambda key: order.index(key) if key in order else len(order))
    questions = []
    for question in structure.questions_of(questionnaire):
        if not question.is_closed:
            continue
        total = sum(answered.get((question.id, key), 0) for key in groups)
        columns = [Column("", "All respondents", total)]
        if field:
            columns += [
                Column(key, labels.get(key, NOT_GIVEN), answered.get((question.id, key), 0))
                for key in group_keys
            ]
        rows = []
        for choice_id, label in question.choices:
            counts = {key: chosen.get((question.id, choice_id, key), 0) for key in groups}
            cells = [_cell(sum(counts.values()), total)]
            if field:
                cells += [_cell(counts[column.key], column.answered) for column in columns[1:]]
            rows.append(OptionRow(label, cells))
        if public:
            columns, rows = _withhold_small_cells(columns, rows)
        questions.append(QuestionSummary(question, columns, rows))
    return Summary(
        respondents=submitted.count(),
        by=by if field else "",
        by_label=by_label,
        questions=questions,
    )
