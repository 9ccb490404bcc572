"""Demo content of the consultation app: an open consultation on the draft strategy, with
comments, replies and reactions from the demo stakeholders of different sectors, a few
discussion threads and one reported comment waiting for a moderator.

Every word below is written for the demo by the hub's authors: fictional people, no
quotations. Comments made before a section's second version are recorded on version 1,
so the section pages show "made on version 1" where the text has changed since.
Running `load` again changes nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from consultation.models import Consultation, FlagReason, ModerationMode, Reaction, Topic
from consultation.services import comments as comment_services
from consultation.services import moderation as moderation_services
from consultation.services import reactions as reaction_services
from hub.pages import demo as pages_demo
from hub.pages.models import SectionPage
from hub.pages.versions import paragraphs_of

SLUG = "draft-strategy"

TOPICS = [
    (
        "Data, privacy and trust",
        "What would make you confident that health and care data is used well by AI tools?",
    ),
    (
        "Skills and the workforce",
        "What do staff in health and social care need to use AI safely in their work?",
    ),
    (
        "Fair access for everyone",
        "How do we make sure AI-driven services do not leave anyone behind?",
    ),
]

# A comment: (author, section slug, paragraph number in the version it was made on, or
# None for the whole section, version (1, or 0 for the current one), days ago, text,
# reactions {author: value}, replies [(author, days ago, text, reactions, replies)]).
# Authors are the local part of the demo accounts' addresses.
COMMENTS = [
    (
        "carer",
        "introduction",
        2,
        1,
        20,
        "Please say plainly who this strategy is for. As a carer I read it twice and still "
        "was not sure whether it covers care at home or only hospitals.",
        {"charity": "agree", "socialcare": "agree", "nurse": "agree"},
        [
            (
                "socialcare",
                19,
                "Agree. Adult social care is in the title but the examples are mostly NHS. "
                "Home care and care homes need their own examples.",
                {"carer": "agree", "council": "agree"},
                [
                    (
                        "industry",
                        18,
                        "There are home care pilots using fall detection and medication "
                        "reminders. They could be cited as examples.",
                        {"socialcare": "agree"},
                        [],
                    ),
                ],
            ),
        ],
    ),
    (
        "academic",
        "introduction",
        3,
        1,
        18,
        "An **ecosystem from inception to implementation** is a good aim, but the draft "
        "says little about *evaluation after deployment*. Most of the evidence gaps are there.",
        {"clinician": "agree", "charity": "agree", "industry": "disagree"},
        [
            (
                "industry",
                17,
                "Post-market surveillance already exists for medical devices. A second "
                "evaluation regime would slow adoption without adding much.",
                {"academic": "disagree"},
                [
                    (
                        "academic",
                        16,
                        "Surveillance picks up harms; it does not tell a trust whether the "
                        "tool improved outcomes for its population. Both are needed.",
                        {"clinician": "agree", "nurse": "agree"},
                        [],
                    ),
                ],
            ),
        ],
    ),
    (
        "council",
        "introduction",
        None,
        0,
        3,
        "The introduction now mentions the independent evaluation, which helps. It would "
        "help councils to see the timetable for the remaining phases here too.",
        {"socialcare": "agree"},
        [],
    ),
    (
        "nurse",
        "ambition-1-monitoring-at-home",
        2,
        1,
        15,
        "Who acts on the results? A practice that receives readings from hundreds of "
        "patients needs staff time and a clear protocol, or the data just piles up.",
        {"clinician": "agree", "carer": "agree", "council": "agree"},
        [
            (
                "clinician",
                14,
                "This is the key risk. We tried remote blood pressure monitoring and the "
                "inbox filled up within weeks. Triage rules must come with the tools.",
                {"nurse": "agree"},
                [],
            ),
        ],
    ),
    (
        "charity",
        "ambition-1-monitoring-at-home",
        3,
        1,
        14,
        "We strongly support this paragraph. Many of the people we work with do not own a "
        "smartphone. A non-digital route must be guaranteed, not just encouraged.",
        {"carer": "agree", "socialcare": "agree"},
        [],
    ),
    (
        "industry",
        "ambition-1-monitoring-at-home",
        1,
        0,
        2,
        "Validating tests for the people who use them is right. Please say which body "
        "validates them, so suppliers know where to go.",
        {"academic": "agree"},
        [],
    ),
    (
        "clinician",
        "ambition-2-diagnosis",
        2,
        0,
        12,
        "Imaging AI is promising, but radiologists still sign off the report. The "
        "strategy should be clear that responsibility stays with the clinician.",
        {"nurse": "agree", "charity": "agree"},
        [
            (
                "industry",
                11,
                "Some tools now triage normal scans without a human read. Responsibility "
                "for those needs a different answer.",
                {},
                [],
            ),
        ],
    ),
    (
        "academic",
        "ambition-2-diagnosis",
        3,
        0,
        9,
        "Training data should reflect the population it will be used on. Please add that "
        "datasets must report who is under-represented.",
        {"charity": "agree", "carer": "agree", "clinician": "agree"},
        [],
    ),
    (
        "council",
        "ambition-3-public-health",
        2,
        0,
        10,
        "Data sharing between councils and health bodies is the real barrier here. The "
        "strategy could point to model data sharing agreements.",
        {"academic": "agree"},
        [],
    ),
    (
        "nurse",
        "ambition-4-patient-flow",
        1,
        0,
        8,
        "Moving patients efficiently should not mean discharging them before care at home "
        "is ready. Flow tools must see social care capacity too.",
        {"socialcare": "agree", "carer": "agree", "council": "agree"},
        [
            (
                "socialcare",
                7,
                "Yes. We are often told about a discharge on the day. Shared visibility of "
                "capacity would help everyone.",
                {"nurse": "agree"},
                [],
            ),
        ],
    ),
    (
        "industry",
        "ambition-4-patient-flow",
        2,
        0,
        6,
        "Evaluating operational tools for their effect on patients is sensible, but the "
        "strategy should name proportionate methods, not full trials.",
        {},
        [],
    ),
    (
        "socialcare",
        "ambition-5-care-needs",
        2,
        0,
        9,
        "Providers hold much of the data these predictions need. Involve us early, and "
        "share the results back with us.",
        {"council": "agree", "carer": "agree"},
        [],
    ),
    (
        "carer",
        "ambition-5-care-needs",
        1,
        0,
        5,
        "Predicting care needs is fine, as long as it does not decide anyone's individual "
        "care package. A person must always make that decision.",
        {"charity": "agree", "socialcare": "agree", "nurse": "agree"},
        [],
    ),
    (
        "industry",
        "regulation",
        2,
        1,
        13,
        "Procurement is the biggest blocker we face. Each trust runs its own process and "
        "asks for the same evidence in different forms.",
        {"academic": "agree", "clinician": "agree"},
        [
            (
                "council",
                12,
                "Local authorities see the same problem. A shared framework that councils "
                "can use as well as the NHS would help.",
                {"industry": "agree"},
                [],
            ),
        ],
    ),
    (
        "academic",
        "regulation",
        3,
        1,
        11,
        "Managing the market together with suppliers needs safeguards against conflicts "
        "of interest. Who chairs these conversations?",
        {"charity": "agree"},
        [],
    ),
    (
        "clinician",
        "regulation",
        3,
        0,
        3,
        "Good to see evidence made central to selecting technologies. Please define what "
        "counts as enough evidence for different levels of risk.",
        {"academic": "agree", "nurse": "agree"},
        [],
    ),
    (
        "nurse",
        "workforce-skills",
        2,
        0,
        8,
        "Training has to fit into shifts. Short modules and protected time matter more "
        "than another long e-learning course.",
        {"clinician": "agree", "socialcare": "agree"},
        [],
    ),
    (
        "socialcare",
        "workforce-skills",
        None,
        0,
        6,
        "The care workforce is often left out of digital training. This section should "
        "name social care staff explicitly.",
        {"nurse": "agree", "council": "agree"},
        [],
    ),
    (
        "charity",
        "equity",
        2,
        0,
        7,
        "Involving the public should include people who rarely respond to consultations. "
        "Fund community groups to run sessions.",
        {"carer": "agree", "academic": "agree"},
        [
            (
                "academic",
                6,
                "Deliberative panels have worked well for this elsewhere. Happy to share methods.",
                {"charity": "agree"},
                [],
            ),
        ],
    ),
    (
        "industry",
        "equity",
        1,
        0,
        4,
        "Equitable deployment matters, but the strategy should not require every tool to "
        "work everywhere before it is used anywhere.",
        {"carer": "disagree", "charity": "disagree"},
        [],
    ),
]

# (topic number, author, days ago, title, text, replies [(author, days ago, text)])
THREADS = [
    (
        0,
        "carer",
        10,
        "Will I be told when AI was used in my care?",
        "I would like to know when a decision about my mother's care was helped by an AI "
        "tool, and who to ask about it.",
        [
            ("clinician", 9, "We would support that. A line in the letter or record would do."),
            (
                "academic",
                8,
                "Transparency registers exist in some places; one for health "
                "and care would be a start.",
            ),
        ],
    ),
    (
        0,
        "industry",
        7,
        "Access to data for training",
        "Suppliers need a clear route to access de-identified data under proper controls. "
        "Today it depends on who you know.",
        [("charity", 6, "Any route must include the public in deciding who gets access.")],
    ),
    (
        1,
        "nurse",
        9,
        "What should every nurse know about AI?",
        "If you had to choose three things, what would they be? Mine: what it is for, how "
        "it can be wrong, and who to tell when it is.",
        [("socialcare", 8, "Add: what to tell the person you care for.")],
    ),
    (
        2,
        "charity",
        5,
        "Digital exclusion",
        "Around the edges of every service there are people who will not use an app. How "
        "do we keep their route as good as everyone else's?",
        [],
    ),
]

# Reported to the moderators and still waiting for a decision.
REPORTED = (
    "industry",
    "equity",
    None,
    1,
    "Our platform solves all of this already. Contact our sales team for a demonstration "
    "at www.example.com/offer",
    [("charity", FlagReason.SPAM, "Advertising."), ("carer", FlagReason.OFF_TOPIC, "")],
)


def load(stdout):
    if Consultation.objects.filter(slug=SLUG).exists():
        stdout.write("Demo consultation: already there.")
        return
    sections = {section.slug: section for section in SectionPage.objects.live().specific()}
    if not sections:
        stdout.write("Demo consultation: no sections of the draft yet, nothing added.")
        return
    users = {
        user.email.split("@")[0]: user
        for user in get_user_model().objects.filter(email__endswith="@example.org")
    }
    now = timezone.now()
    # The same dates as the timeline's engagement phase (hub/pages/demo.py).
    closes = pages_demo.consultation_closes_at(now)
    consultation = Consultation.objects.create(
        title="Consultation on the draft national strategy for AI in health and adult social care",
        slug=SLUG,
        summary="Read the draft strategy section by section and tell the working group what "
        "should change. Comment on any paragraph, reply to others and join the discussion.",
        opens_at=now - datetime.timedelta(days=pages_demo.DRAFT_PUBLISHED_DAYS_AGO),
        closes_at=closes,
        moderation=ModerationMode.POST,
        comments_public=True,
    )
    consultation.sections.add(*sections.values())
    topics = [
        Topic.objects.create(consultation=consultation, title=title, description=text, sort_order=n)
        for n, (title, text) in enumerate(TOPICS)
    ]
    counts = {"comments": 0, "replies": 0, "reactions": 0}
    for entry in COMMENTS:
        _comment(consultation, sections, users, entry, counts, now)
    for topic_number, author, days, title, text, replies in THREADS:
        if author not in users:
            continue
        post, _ = comment_services.thread_create(
            author=users[author],
            topic=topics[topic_number],
            title=title,
            text=text,
            now=now - datetime.timedelta(days=days),
        )
        for reply_author, reply_days, reply_text in replies:
            if reply_author in users:
                comment_services.reply_create(
                    author=users[reply_author],
                    parent=post,
                    text=reply_text,
                    now=now - datetime.timedelta(days=reply_days),
                    notify=False,
                )
    author, slug, number, days, text, flags = REPORTED
    reported = _comment(
        consultation, sections, users, (author, slug, number, 0, days, text, {}, []), counts, now
    )
    if reported is not None:
        for flagger, reason, note in flags:
            if flagger in users:
                moderation_services.flag_create(
                    user=users[flagger], comment=reported, reason=reason, note=note
                )
    stdout.write(
        f"Demo consultation: {counts['comments']} comments, {counts['replies']} replies, "
        f"{counts['reactions']} reactions, {len(THREADS)} discussions, one report to moderate."
    )


def _comment(consultation, sections, users, entry, counts, now):
    author, slug, number, version, days, text, reactions, replies = entry
    section = sections.get(slug)
    if section is None or author not in users:
        return None
    revision = None
    page = section
    if version:
        versions = section.published_versions()
        if len(versions) >= version:
            revision = versions[version - 1].revision
            page = revision.as_object()
    paragraph_id = ""
    if number is not None:
        paragraphs = paragraphs_of(page)
        if number > len(paragraphs):
            return None
        paragraph_id = paragraphs[number - 1].id
    comment, _ = comment_services.comment_create(
        author=users[author],
        consultation=consultation,
        section=section,
        paragraph_id=paragraph_id,
        text=text,
        now=now - datetime.timedelta(days=days, hours=number or 0),
        revision=revision,
    )
    counts["comments"] += 1
    _react(comment, users, reactions, counts)
    _replies(comment, users, replies, counts, now)
    return comment


def _replies(parent, users, replies, counts, now):
    for author, days, text, reactions, nested in replies:
        if author not in users:
            continue
        reply, _ = comment_services.reply_create(
            author=users[author],
            parent=parent,
            text=text,
            now=now - datetime.timedelta(days=days),
            notify=False,
        )
        counts["replies"] += 1
        _react(reply, users, reactions, counts)
        _replies(reply, users, nested, counts, now)


def _react(comment, users, reactions, counts):
    for person, value in reactions.items():
        if person in users and users[person] != comment.author:
            reaction_services.reaction_set(
                user=users[person], comment=comment, value=Reaction.Value(value)
            )
            counts["reactions"] += 1
