"""Demo content of the questionnaires: a questionnaire on the demo consultation with a page
for each of the draft's five ambitions (from the strategy's published aims: monitoring at
home, diagnosis, public health, patient flow, future care needs) and one on priorities,
answered by the demo stakeholders: seven submitted responses (two on behalf of their
organisations) and one draft still being written.

Every answer below is written for the demo by the hub's authors, for fictional people: no
quotations. Running `load` again changes nothing (it finds the questionnaire by its
consultation, and each response by its respondent)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from consultation.models import Consultation
from consultation.questionnaires import build, services
from consultation.questionnaires.models import Questionnaire
from consultation.questionnaires.structure import Kind
from hub.pages.models import SectionPage

CONSULTATION_SLUG = "draft-strategy"  # consultation/demo.py

# (section slug, short name) of the five ambitions, in the draft's order.
AMBITIONS = [
    ("ambition-1-monitoring-at-home", "Monitoring long-term conditions at home"),
    ("ambition-2-diagnosis", "AI diagnostic tools for clinicians"),
    ("ambition-3-public-health", "Spotting public health patterns early"),
    ("ambition-4-patient-flow", "Real-time waiting times and capacity"),
    ("ambition-5-care-needs", "Planning for future care needs"),
]
CONFIDENCE = (
    "Very confident",
    "Fairly confident",
    "Not very confident",
    "Not at all confident",
)


def _pages(sections):
    pages = []
    for number, (slug, name) in enumerate(AMBITIONS, start=1):
        key = f"demo/ambition-{number}"
        pages.append(
            build.page(
                f"Ambition {number}: {name}",
                [
                    build.question(
                        Kind.AGREEMENT,
                        "This ambition should be part of the national strategy.",
                        key=f"{key}/agree",
                    ),
                    build.question(
                        Kind.FREE_TEXT,
                        "What would help or get in the way of this ambition where you live "
                        "or work?",
                        key=f"{key}/text",
                        required=False,
                        max_length=1500,
                    ),
                ],
                key=key,
                section=sections.get(slug),
                introduction="Read the section of the draft first if you can.",
            )
        )
    pages.append(
        build.page(
            "Priorities",
            [
                build.question(
                    Kind.MULTIPLE,
                    "Which ambitions matter most to you?",
                    key="demo/priorities/most",
                    choices=[name for _, name in AMBITIONS],
                    help_text="Choose up to all five.",
                ),
                build.question(
                    Kind.SINGLE,
                    "How confident are you that AI will be used safely in health and care?",
                    key="demo/priorities/confidence",
                    choices=CONFIDENCE,
                ),
            ],
            key="demo/priorities",
        )
    )
    return pages


# Who answered what: days ago, the scale answer for each ambition, free text by ambition
# number, the ambitions that matter most (numbers), confidence, and the organisation they
# responded for (None: as an individual). `submit` False leaves a draft.
RESPONSES = {
    "clinician": {
        "days": 12,
        "scale": ["agree", "strongly_agree", "agree", "neither", "agree"],
        "texts": {
            2: "A tool that flags a patient should say why. Without the reason, a busy "
            "clinician either ignores it or follows it blindly, and neither is safe."
        },
        "most": [2, 1],
        "confidence": "Fairly confident",
    },
    "nurse": {
        "days": 10,
        "scale": ["strongly_agree", "agree", "neither", "agree", "agree"],
        "texts": {
            1: "Home monitoring works when someone answers the readings. Plan the nursing "
            "time to respond, not only the devices."
        },
        "most": [1, 4],
        "confidence": "Not very confident",
    },
    "carer": {
        "days": 9,
        "scale": ["agree", "agree", "dont_know", "disagree", "agree"],
        "texts": {
            1: "The person I care for will not use a smartphone. Make sure a phone call "
            "or a visit stays a proper option.",
            4: "Moving people faster through hospital should not mean sending them home "
            "before the care at home is ready.",
        },
        "most": [1, 5],
        "confidence": "Not very confident",
    },
    "socialcare": {
        "days": 8,
        "scale": ["agree", "neither", "agree", "neither", "strongly_agree"],
        "texts": {
            5: "Care homes hold data that would make these forecasts better, but nobody "
            "asks us for it and we have no analysts."
        },
        "most": [5],
        "confidence": "Fairly confident",
        "organisation": ("Example Care Homes", "social_care"),
    },
    "industry": {
        "days": 7,
        "scale": ["strongly_agree", "strongly_agree", "agree", "strongly_agree", "agree"],
        "texts": {},
        "most": [2, 4],
        "confidence": "Very confident",
    },
    "academic": {
        "days": 6,
        "scale": ["agree", "agree", "strongly_agree", "neither", "neither"],
        "texts": {
            3: "Publish how alerts are evaluated, including false alarms, so that local "
            "teams can judge whether to act on them."
        },
        "most": [3, 2],
        "confidence": "Fairly confident",
    },
    "charity": {
        "days": 5,
        "scale": ["neither", "agree", "agree", "disagree", "agree"],
        "texts": {
            1: "Ask the people who are least online how they want to be monitored, before "
            "the service is designed."
        },
        "most": [1, 5, 3],
        "confidence": "Not very confident",
        "organisation": ("Example Patients Association", "patient_group"),
    },
    "council": {
        "days": 2,
        "scale": ["agree", "agree", "agree"],
        "texts": {},
        "most": [],
        "confidence": "",
        "submit": False,
    },
}


def load(stdout):
    consultation = Consultation.objects.filter(slug=CONSULTATION_SLUG).first()
    if consultation is None:
        stdout.write("Demo questionnaire: no demo consultation yet, nothing added.")
        return
    questionnaire = Questionnaire.objects.filter(consultation=consultation).first()
    if questionnaire is None:
        sections = {
            section.slug: section
            for section in SectionPage.objects.filter(slug__in=[slug for slug, _ in AMBITIONS])
        }
        questionnaire = Questionnaire.objects.create(
            consultation=consultation,
            title="Questionnaire on the five ambitions",
            introduction="Six short pages: one for each ambition of the draft strategy, and "
            "one on priorities. It takes about ten minutes.",
            pages=_pages(sections),
            allow_changes=True,
            publish_summary=True,
        )
    users = {
        user.email.split("@")[0]: user
        for user in get_user_model().objects.filter(email__endswith="@example.org")
    }
    made = 0
    for name, plan in RESPONSES.items():
        user = users.get(name)
        if user is None or questionnaire.responses.filter(respondent=user).exists():
            continue
        _respond(questionnaire, user, plan)
        made += 1
    stdout.write(
        f"Demo questionnaire: {made} responses added."
        if made
        else "Demo questionnaire: already there."
    )


def _respond(questionnaire, user, plan):
    when = timezone.now() - datetime.timedelta(days=plan["days"])
    organisation, organisation_type = plan.get("organisation") or ("", "")
    services.respondent_save(
        respondent=user,
        questionnaire=questionnaire,
        respondent_type="organisation" if organisation else "individual",
        organisation_name=organisation,
        organisation_type=organisation_type,
        now=when,
    )
    answers = {}
    for number, value in enumerate(plan["scale"], start=1):
        answers[build.stable_id(f"demo/ambition-{number}/agree")] = [value]
    for number, text in plan["texts"].items():
        answers[build.stable_id(f"demo/ambition-{number}/text")] = [text]
    if plan["most"]:
        answers[build.stable_id("demo/priorities/most")] = [
            build.stable_id(f"demo/priorities/most/{AMBITIONS[n - 1][1]}") for n in plan["most"]
        ]
    if plan["confidence"]:
        answers[build.stable_id("demo/priorities/confidence")] = [
            build.stable_id(f"demo/priorities/confidence/{plan['confidence']}")
        ]
    services.answers_save(respondent=user, questionnaire=questionnaire, answers=answers, now=when)
    if plan.get("submit", True):
        services.response_submit(
            respondent=user, questionnaire=questionnaire, now=when, send_receipt=False
        )
