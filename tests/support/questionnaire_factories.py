"""A questionnaire for the tests: two pages, one of each kind of question, on a
consultation; and answering it through the services in one call."""

from consultation.questionnaires import build, services
from consultation.questionnaires.models import Questionnaire
from consultation.questionnaires.structure import Kind, questions_of

CHOICES = ("Yes", "No", "Not sure")
AREAS = ("Data", "Skills", "Regulation", "Funding")


def two_pages(section=None, *, text_limit=200, optional_text=True):
    return [
        build.page(
            "Your views on the ambitions",
            [
                build.question(Kind.SINGLE, "Is the vision clear?", key="t/clear", choices=CHOICES),
                build.question(
                    Kind.MULTIPLE, "Which areas matter most?", key="t/areas", choices=AREAS
                ),
            ],
            key="t/page1",
            section=section,
        ),
        build.page(
            "Priorities",
            [
                build.question(
                    Kind.AGREEMENT, "Safety should come first.", key="t/safety", required=False
                ),
                build.question(
                    Kind.FREE_TEXT,
                    "What should change?",
                    key="t/change",
                    required=not optional_text,
                    max_length=text_limit,
                ),
            ],
            key="t/page2",
        ),
    ]


def questionnaire_on(consultation, *, section=None, pages=None, **fields):
    fields.setdefault("title", "Questions on the draft")
    return Questionnaire.objects.create(
        consultation=consultation, pages=pages or two_pages(section), **fields
    )


def answered(
    questionnaire,
    user,
    *,
    clear="Yes",
    areas=("Data",),
    safety="agree",
    text="Hi",
    submit=True,
    **respondent,
):
    """`user`'s response with these answers (option labels), submitted unless told not."""
    questions = questions_of(questionnaire)
    by_label = {q.id: {label: choice_id for choice_id, label in q.choices} for q in questions}
    single, multiple, scale, free = questions
    services.respondent_save(
        respondent=user,
        questionnaire=questionnaire,
        respondent_type=respondent.pop("respondent_type", "individual"),
        **respondent,
    )
    services.answers_save(
        respondent=user,
        questionnaire=questionnaire,
        answers={
            single.id: [by_label[single.id][clear]] if clear else [],
            multiple.id: [by_label[multiple.id][label] for label in areas],
            scale.id: [safety] if safety else [],
            free.id: [text],
        },
    )
    if submit:
        return services.response_submit(respondent=user, questionnaire=questionnaire)[0]
    return questionnaire.responses.get(respondent=user)
