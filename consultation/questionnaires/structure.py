"""A questionnaire's pages and questions as plain objects, read from its StreamField once:
what the forms, the review page, the receipt and the summary all walk through. Reading it
asks the database at most once (for the sections the pages are about)."""

from dataclasses import dataclass

from django.utils.functional import cached_property


class Kind:
    SINGLE = "single_choice"
    MULTIPLE = "multiple_choice"
    AGREEMENT = "agreement"
    FREE_TEXT = "free_text"

    CLOSED = (SINGLE, MULTIPLE, AGREEMENT)
    LABELS = {
        SINGLE: "Single choice",
        MULTIPLE: "Multiple choice",
        AGREEMENT: "Agreement scale",
        FREE_TEXT: "Free text",
    }


# The agreement scale: fixed ids, so answers and summaries keep their meaning whatever
# else changes. "Don't know" is an answer, not a blank.
AGREEMENT = (
    ("strongly_agree", "Strongly agree"),
    ("agree", "Agree"),
    ("neither", "Neither agree nor disagree"),
    ("disagree", "Disagree"),
    ("strongly_disagree", "Strongly disagree"),
    ("dont_know", "Don't know"),
)


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    number: int  # counted through the whole questionnaire, from 1
    page_number: int
    text: str
    help_text: str
    required: bool
    choices: tuple = ()  # (id, label) pairs, in order
    max_length: int = 0

    @property
    def is_closed(self):
        return self.kind in Kind.CLOSED

    @property
    def is_multiple(self):
        return self.kind == Kind.MULTIPLE

    @property
    def kind_label(self):
        return Kind.LABELS[self.kind]

    @cached_property
    def choice_labels(self):
        return dict(self.choices)


@dataclass(frozen=True)
class QuestionPage:
    number: int
    heading: str
    section: object  # a SectionPage or None
    introduction: str
    questions: tuple


def _choices(kind, value):
    if kind == Kind.AGREEMENT:
        return AGREEMENT
    if kind in (Kind.SINGLE, Kind.MULTIPLE):
        return tuple((item.id, str(item.value)) for item in value["choices"].bound_blocks)
    return ()


def pages_of(questionnaire):
    """The questionnaire's pages with their questions, numbered, remembered on the object."""
    # Remembered with the StreamValue it was read from: a form that assigns new pages
    # (the admin's edit) gets them read afresh.
    cached = getattr(questionnaire, "_structure_pages", None)
    if cached is not None and cached[0] is questionnaire.pages:
        return cached[1]
    pages, number = [], 0
    for page_number, page_block in enumerate(questionnaire.pages, start=1):
        page = page_block.value
        questions = []
        for block in page["questions"]:
            number += 1
            questions.append(
                Question(
                    id=block.id,
                    kind=block.block_type,
                    number=number,
                    page_number=page_number,
                    text=block.value["text"],
                    help_text=block.value["help_text"] or "",
                    required=bool(block.value["required"]),
                    choices=_choices(block.block_type, block.value),
                    max_length=block.value.get("max_length") or 0,
                )
            )
        pages.append(
            QuestionPage(
                number=page_number,
                heading=page["heading"],
                section=page["section"],
                introduction=page["introduction"] or "",
                questions=tuple(questions),
            )
        )
    questionnaire._structure_pages = (questionnaire.pages, pages)
    return pages


def questions_of(questionnaire):
    return [question for page in pages_of(questionnaire) for question in page.questions]


def question_map(questionnaire):
    return {question.id: question for question in questions_of(questionnaire)}
