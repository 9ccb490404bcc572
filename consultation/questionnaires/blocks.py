"""The blocks editors build a questionnaire from: pages of questions, each page optionally
about one section of the draft, each question one of four kinds.

Wagtail gives every block in a StreamField (and every item of a ListBlock) a UUID that it
keeps when the block is edited or moved: a question's id and each option's id are these,
so answers stay attached to their question and option when the wording changes. Changing
a question's kind makes a new question (a new block, a new id)."""

from wagtail import blocks


class QuestionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label="Question", max_length=300)
    help_text = blocks.TextBlock(
        label="Help text",
        required=False,
        max_length=600,
        help_text="Shown under the question: what it means, or how to answer.",
    )
    required = blocks.BooleanBlock(
        label="Required",
        required=False,
        default=True,
        help_text="People must answer it before they can submit their response.",
    )


class ChoiceQuestionBlock(QuestionBlock):
    choices = blocks.ListBlock(
        blocks.CharBlock(label="Option", max_length=200),
        label="Options",
        min_num=2,
        max_num=30,
        help_text="Each option keeps its id when you reword it: reword rather than delete.",
    )


class AgreementQuestionBlock(QuestionBlock):
    """A statement people agree or disagree with, on a fixed scale (structure.AGREEMENT)."""

    class Meta:
        help_text = (
            "A statement. People choose from strongly agree to strongly disagree, or don't know."
        )


class FreeTextQuestionBlock(QuestionBlock):
    max_length = blocks.IntegerBlock(
        label="Longest answer (characters)", default=2000, min_value=50, max_value=10000
    )


class QuestionsBlock(blocks.StreamBlock):
    single_choice = ChoiceQuestionBlock(label="Single choice", icon="radio-full")
    multiple_choice = ChoiceQuestionBlock(label="Multiple choice", icon="tasks")
    agreement = AgreementQuestionBlock(label="Agreement scale", icon="order")
    free_text = FreeTextQuestionBlock(label="Free text", icon="edit")


class QuestionPageBlock(blocks.StructBlock):
    """The questions shown on one page, which is saved when people go on to the next."""

    heading = blocks.CharBlock(max_length=150)
    section = blocks.PageChooserBlock(
        page_type="pages.SectionPage",
        required=False,
        help_text="The section of the draft these questions are about, if any: linked "
        "from the page so people can read it first.",
    )
    introduction = blocks.TextBlock(required=False, max_length=1000)
    questions = QuestionsBlock(min_num=1)

    class Meta:
        icon = "doc-full"
        label = "Page of questions"
