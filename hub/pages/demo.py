"""Demo content of the public site: the draft strategy, its phases, updates, the working
group and the supporting pages.

Facts come from the public articles the product started from (the NHS AI Lab's plans for a
national strategy for AI in health and adult social care, and the 2025 independent
evaluation of the AI Lab). The draft's wording is the hub's own; it quotes nobody. The
working group members are fictional, with generic roles and example organisations.

Dates: what the articles date keeps its date (the evaluation was published on 29 April
2025); what happens on this hub is dated relative to today, after that. Every page is
published at the time the story gives it, and its revision, log entry, version and
"last published" all say so.

Running `load` again changes nothing; it finds pages by slug and members by name, so it
also runs over a database an earlier version of the demo made.
"""

import datetime

from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision, Site

from hub.core import public_address
from hub.pages.models import (
    GetInvolvedPage,
    HomePage,
    Phase,
    PublishedVersion,
    SectionPage,
    StandardPage,
    StrategyPage,
    TimelinePage,
    UpdateIndexPage,
    UpdatePage,
    WorkingGroupMember,
    WorkingGroupPage,
)


def _p(text):
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def _h(text):
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def _inset(text):
    return {"type": "inset", "value": {"text": f"<p>{text}</p>"}}


# slug: (title, kind, summary, body of version 1, changes for version 2 or None)
# A version-2 change is a dict: {"edit": {index: new text}, "add": [(after_index, text)],
# "remove": [index]} applied to the version-1 blocks, keeping every block's id, and the
# editor's change note saying what changed ("note").
SECTIONS = [
    (
        "introduction",
        "Introduction",
        "introduction",
        "Why a national strategy for AI in health and adult social care, and what it covers.",
        [
            _p(
                "AI-driven technologies are increasingly being tested and used across health "
                "and care services to improve people's experience of care and to support the "
                "workforce who provide it."
            ),
            _p(
                "This strategy sets out how the development, implementation, scaling and "
                "monitoring of AI-driven technologies in the UK's health and adult social care "
                "system can be supported, so that safe AI is deployed in an ethical and "
                "effective way."
            ),
            _p(
                "It aims to create an ecosystem that supports AI-driven technologies from "
                "inception to implementation: streamlining regulation and routes to market, "
                "and supporting the health and care workforce to understand the benefits of AI "
                "and develop the skills to use it."
            ),
            _p(
                "The strategy dovetails with wider UK AI initiatives, including the Office for "
                "Artificial Intelligence's National AI Strategy and the UK AI Council's "
                "roadmap, which identify health and care as a sector of growth for AI."
            ),
            _inset(
                "This is a draft for consultation. Comment on any paragraph to tell the "
                "working group what should change."
            ),
        ],
        {
            "note": "Made equitable deployment at scale part of the aim, and added the "
            "independent evaluation's finding on procurement pathways.",
            "edit": {
                1: "This strategy sets out how the development, implementation, scaling and "
                "monitoring of AI-driven technologies in the UK's health and adult social care "
                "system can be supported, so that safe AI is deployed in an ethical and "
                "effective way, and so that deployment is equitable at scale."
            },
            "add": [
                (
                    3,
                    "An independent evaluation of the NHS AI Lab, published in April 2025, "
                    "found that scaling AI technologies has proved difficult, partly because of "
                    "uncertainty about procurement pathways. This draft responds to that finding.",
                )
            ],
        },
    ),
    (
        "ambition-1-monitoring-at-home",
        "Ambition 1: People monitor their long-term conditions from home",
        "ambition",
        "People use AI-driven tests on their smartphones to monitor a long-term condition at "
        "home and send the results directly to their GP.",
        [
            _p(
                "In the future this strategy works towards, people will use AI-driven tests "
                "on their smartphones to monitor their long-term condition from home and send "
                "the results directly to their GP."
            ),
            _p(
                "For this to happen safely, tests must be validated for the people who will "
                "use them, results must reach the right clinical record, and practices must "
                "be able to act on them."
            ),
            _p(
                "Home monitoring must not widen inequalities: people without a smartphone, "
                "or who need support to use one, need another route to the same care."
            ),
        ],
        {
            "note": "Said that general practice teams need the time and tools to act on "
            "results, added that people should see and share their own results, and "
            "reworded the paragraph on inequalities.",
            "edit": {
                1: "For this to happen safely, tests must be validated for the people who will "
                "use them, results must reach the right clinical record, and general practice "
                "teams must have the time and tools to act on them."
            },
            "remove": [2],
            "add": [
                (
                    1,
                    "People should be able to see, understand and share the results their "
                    "tests produce, and know who is responsible for acting on them.",
                ),
                (
                    1,
                    "People without a smartphone, or who need support to use one, need "
                    "another route to the same care, so that home monitoring does not widen "
                    "inequalities.",
                ),
            ],
        },
    ),
    (
        "ambition-2-diagnosis",
        "Ambition 2: Clinicians are assisted by AI diagnostic tools",
        "ambition",
        "AI diagnostic tools help clinicians identify diseases and the patients most at risk "
        "of developing specific conditions.",
        [
            _p(
                "Clinicians will be assisted by AI diagnostic tools to identify diseases and "
                "the patients most at risk of developing specific conditions."
            ),
            _p(
                "AI applied to imaging, such as cancer screening, is amongst the most "
                "advanced uses of AI in healthcare, and its adoption has significant potential "
                "to improve care outcomes and reduce costs."
            ),
            _p(
                "National resources such as the National COVID-19 Chest Imaging Database show "
                "how diverse, high-quality data can help train and validate AI models so that "
                "tools can be developed and used at scale."
            ),
        ],
        None,
    ),
    (
        "ambition-3-public-health",
        "Ambition 3: Public health teams spot patterns early",
        "ambition",
        "Public health officials use AI to identify patterns across a local area and are "
        "alerted to a potential public health emergency.",
        [
            _p(
                "Public health officials will use AI to identify patterns across a local area, "
                "alerting them to a potential public health emergency."
            ),
            _p(
                "This depends on data that can be shared lawfully and safely between "
                "organisations, and on clear responsibility for acting on an alert."
            ),
        ],
        None,
    ),
    (
        "ambition-4-patient-flow",
        "Ambition 4: Managers see waiting times and capacity in real time",
        "ambition",
        "AI-driven management systems give hospital managers a real-time view of waiting times "
        "and bed capacity.",
        [
            _p(
                "AI-driven management systems will give hospital managers a real-time view of "
                "waiting times and bed capacity, enabling them to move patients more "
                "efficiently through the system."
            ),
            _p(
                "Operational tools must be evaluated for their effect on patients as well as "
                "on flow, and staff should understand how their recommendations are made."
            ),
        ],
        None,
    ),
    (
        "ambition-5-care-needs",
        "Ambition 5: Local authorities plan for future care needs",
        "ambition",
        "Local authorities use predictive AI tools to understand the current and future care "
        "needs in their area.",
        [
            _p(
                "Local authorities will use predictive AI tools to understand the current and "
                "future care needs in their area."
            ),
            _p(
                "Adult social care providers, people who draw on care and their carers should "
                "be involved in deciding how such predictions are made and used."
            ),
        ],
        None,
    ),
    (
        "regulation",
        "Cross-cutting theme: Regulation and routes to market",
        "theme",
        "Streamlining regulation and routes to market so that safe AI can be adopted.",
        [
            _p(
                "Developers, buyers and users of AI-driven technologies need a clear and "
                "streamlined path through regulation and into use."
            ),
            _p(
                "Uncertainty about procurement pathways has made scaling AI technologies "
                "difficult, and clear processes for adoption are hard to establish without "
                "them."
            ),
            _p(
                "The strategy proposes regulation and market management approaches developed "
                "together with regulators, suppliers and the organisations that buy and use "
                "AI."
            ),
        ],
        {
            "note": "Added that evidence should be central to selecting and scaling "
            "technologies, as the evaluation of the AI Lab recommends.",
            "edit": {
                2: "The strategy proposes regulation and market management approaches, "
                "developed together with regulators, suppliers and the organisations that "
                "buy and use AI, with evidence central to selecting and scaling technologies."
            },
        },
    ),
    (
        "workforce-skills",
        "Cross-cutting theme: Workforce skills",
        "theme",
        "Supporting the health and care workforce to understand the benefits of AI and develop "
        "the skills to use it.",
        [
            _p(
                "The health and care workforce should be on the front foot in a rapidly "
                "changing AI landscape."
            ),
            _p(
                "Staff need to understand the benefits and limits of AI, and to develop the "
                "skills to use it safely in their work."
            ),
        ],
        None,
    ),
    (
        "equity",
        "Cross-cutting theme: Equity",
        "theme",
        "Making sure AI-driven technologies are deployed equitably and rooted in the needs of "
        "the people who use services.",
        [
            _p(
                "The aim is the equitable deployment of safe and effective AI-driven "
                "technologies at scale."
            ),
            _p(
                "AI development should be firmly rooted in the needs of the system and of "
                "service users, with frontline staff and the public involved, or systems risk "
                "not being adopted."
            ),
        ],
        None,
    ),
]

PHASES = [
    (
        "research",
        "Research",
        "Understanding the current landscape of AI in health and adult social care.",
        False,
    ),
    (
        "engagement",
        "Engagement",
        "Discussions with the people who will use, or feel the impact of, AI-driven "
        "technologies. The draft strategy is open for comment.",
        True,
    ),
    (
        "futures",
        "Futures",
        "Looking into possible futures for AI in health and care.",
        False,
    ),
    (
        "publication",
        "Publication",
        "Publishing the strategy, with what we heard and what we changed.",
        False,
    ),
]

# When things happen on this hub, in days before today: the hub opens with the plans, the
# working group forms, the draft is published and the consultation opens (consultation/demo.py
# opens it then too), and some sections get a second version after the first comments.
HUB_OPENED_DAYS_AGO = 90
WORKING_GROUP_FORMED_DAYS_AGO = 75
DRAFT_PUBLISHED_DAYS_AGO = 21
SECOND_VERSIONS_DAYS_AGO = 5
CONSULTATION_CLOSES_IN_DAYS = 40


def consultation_closes_at(now):
    """When the demo consultation closes (consultation/demo.py), which is when the
    engagement phase is expected to end: the last minute of the day, 40 days on."""
    return timezone.localtime(now + datetime.timedelta(days=CONSULTATION_CLOSES_IN_DAYS)).replace(
        hour=23, minute=59, second=0, microsecond=0
    )


def phase_dates(now):
    """{phase kind: (starts on, ends on)}. Research ran from the plans to the draft; the
    engagement phase opened with the draft and is expected to end when the consultation
    closes. The seed articles give the futures and publication phases no dates, so neither
    does the demo: the timeline says they are to be confirmed."""
    today = timezone.localdate(now)
    return {
        "research": (
            today - datetime.timedelta(days=HUB_OPENED_DAYS_AGO),
            today - datetime.timedelta(days=DRAFT_PUBLISHED_DAYS_AGO),
        ),
        "engagement": (
            today - datetime.timedelta(days=DRAFT_PUBLISHED_DAYS_AGO),
            consultation_closes_at(now).date(),
        ),
        "futures": (None, None),
        "publication": (None, None),
    }


# (slug, title, a fixed date from the articles or days before today, summary, paragraphs),
# oldest first.
UPDATES = [
    (
        "independent-evaluation-published",
        "Independent evaluation of the NHS AI Lab published",
        datetime.date(2025, 4, 29),
        "An independent evaluation of the NHS AI Lab by the University of Edinburgh calls for "
        "national support so that AI initiatives can be scaled and sustained.",
        [
            "NHS England commissioned researchers from the University of Edinburgh in March "
            "2024 to evaluate the NHS AI Lab, launched in 2019 with £250 million of investment.",
            "The evaluation found that the AI Lab made considerable progress, that scaling AI "
            "technologies has proved difficult partly because of uncertainty about procurement "
            "pathways, and that long-term vision and stable leadership are critical enablers.",
            "It recommends a coordinated approach: developing capabilities, building "
            "knowledge-sharing communities, establishing infrastructure, supporting "
            "implementation, and developing regulation and market management strategies.",
        ],
    ),
    (
        "plans-for-a-national-strategy",
        "Plans for a national strategy set out",
        HUB_OPENED_DAYS_AGO,
        "The vision, approach and areas of focus for a national strategy for AI in health and "
        "social care have been set out.",
        [
            "The NHS AI Lab is developing a national strategy for the development, "
            "implementation, scaling and monitoring of AI-driven technologies in health and "
            "adult social care.",
            "The work has three phases: research to understand the current landscape; "
            "discussions with those who will use or feel the impact of the technologies; and "
            "looking into possible futures for AI.",
        ],
    ),
    (
        "working-group-formed",
        "A working group will guide the strategy",
        WORKING_GROUP_FORMED_DAYS_AGO,
        "People involved in developing and deploying AI in health, and potential users of the "
        "technologies, have formed a working group.",
        [
            "The working group brings together people involved in the development and "
            "deployment of AI in health, and potential users of the technologies, to help guide "
            "the development of the strategy.",
        ],
    ),
    (
        "resources-shared",
        "The resources behind our thinking",
        60,
        "A list of the papers, reports and videos that have informed the strategy so far.",
        [
            "We have shared the resources used to form our thinking so far, including papers "
            "and reports such as the AI Council roadmap, and a collection of interview videos. "
            "They are in the knowledge library.",
        ],
    ),
    (
        "consultation-open",
        "The draft strategy is open for comment",
        DRAFT_PUBLISHED_DAYS_AGO,
        "Read the draft section by section and comment on any paragraph.",
        [
            "The first draft of the strategy is published on this hub, section by section, and "
            "the consultation on it is open. You can comment on any paragraph, reply to others "
            "and follow how the draft changes from version to version.",
        ],
    ),
]

# (name, role, organisation): invented people with generic roles, none of them anyone's
# real post. The name is the key `load` finds a member by.
MEMBERS = [
    ("Dr Ada Placeholder", "Clinical adviser", "Example NHS Trust"),
    ("Ben Sample", "Policy adviser", "Example Health Department"),
    ("Cara Example", "Public contributor", "Example Patients' Forum"),
    ("Dev Fictional", "Social care adviser", "Example Care Partnership"),
    ("Eli Invented", "Research adviser", "University of Example"),
    ("Fran Madeup", "Commissioning adviser", "Example County Council"),
]


def load(stdout):
    hub_opened = _days_ago(HUB_OPENED_DAYS_AGO)
    home = _home_page(published_at=hub_opened)
    if disagreement := public_address.sync_site_record():
        stdout.write(f"{disagreement} The site record now follows SITE_URL.")
    strategy = _child(
        home,
        StrategyPage,
        "strategy",
        {
            "title": "The draft strategy",
            "summary": "Supporting the equitable deployment of safe and effective AI-driven "
            "technologies at scale. Read each section, see how it has changed, and comment.",
            "status_note": "Draft for consultation",
            "show_in_menus": True,
        },
        published_at=_days_ago(DRAFT_PUBLISHED_DAYS_AGO),
    )
    created_sections = 0
    for slug, title, kind, summary, blocks, version_two in SECTIONS:
        if SectionPage.objects.child_of(strategy).filter(slug=slug).exists():
            continue
        section = SectionPage(title=title, slug=slug, kind=kind, summary=summary, body=blocks)
        strategy.add_child(instance=section)
        _publish(section, at=_days_ago(DRAFT_PUBLISHED_DAYS_AGO))
        if version_two:
            section.body = _apply_changes(section.body.raw_data, version_two)
            section.change_note = version_two["note"]
            _publish(section, at=_days_ago(SECOND_VERSIONS_DAYS_AGO))
        created_sections += 1
    _note_second_versions(strategy)

    dates = phase_dates(timezone.now())
    timeline = _child(
        home,
        TimelinePage,
        "timeline",
        {
            "title": "Phases and timeline",
            "intro": "<p>The strategy is developed in phases, in the open.</p>",
            "show_in_menus": True,
            "phases": [
                Phase(
                    sort_order=order,
                    kind=kind,
                    title=title,
                    summary=summary,
                    is_current=current,
                    starts_on=dates[kind][0],
                    ends_on=dates[kind][1],
                )
                for order, (kind, title, summary, current) in enumerate(PHASES)
            ],
        },
        published_at=hub_opened,
    )
    _date_earlier_phases(timeline, dates, published_at=hub_opened)

    updates = _child(
        home,
        UpdateIndexPage,
        "updates",
        {
            "title": "Progress updates",
            "intro": "What has happened, as the strategy is written.",
            "show_in_menus": True,
        },
        published_at=hub_opened,
    )
    today = timezone.localdate()
    for slug, title, when, summary, paragraphs in UPDATES:
        date = when if isinstance(when, datetime.date) else today - datetime.timedelta(days=when)
        _child(
            updates,
            UpdatePage,
            slug,
            {
                "title": title,
                "date": date,
                "summary": summary,
                "body": [_p(text) for text in paragraphs],
            },
            published_at=_morning_of(date),
        )

    _child(
        home,
        WorkingGroupPage,
        "working-group",
        {
            "title": "Working group",
            "intro": "<p>A working group of people involved in developing and deploying AI in "
            "health and care, and people who will use it, guides the strategy, reads what "
            "stakeholders say and publishes what it changed. <strong>The members listed here are "
            "fictional examples for this demo site.</strong></p>",
            "show_in_menus": True,
        },
        published_at=_days_ago(WORKING_GROUP_FORMED_DAYS_AGO),
    )
    for order, (name, role, organisation) in enumerate(MEMBERS):
        WorkingGroupMember.objects.update_or_create(
            name=name,
            defaults={
                "role": role,
                "organisation": organisation,
                "sort_order": order,
                "bio": "A fictional member of the working group, for the demo.",
            },
        )

    _child(
        home,
        GetInvolvedPage,
        "get-involved",
        {
            "title": "Get involved",
            "intro": "The strategy is written openly with the people who develop, use and receive "
            "care with the help of AI. Here is how to take part.",
            "body": [
                _h("Comment on the draft"),
                _p(
                    "Create an account, then comment on any paragraph of the draft strategy, reply "
                    "to other people and agree or disagree with their points."
                ),
                _h("Follow progress"),
                _p(
                    "Read the progress updates, subscribe to them by email, RSS or Atom, and see "
                    "every version of each section and what changed between them."
                ),
            ],
            "show_in_menus": True,
        },
        published_at=hub_opened,
    )
    _child(
        home,
        StandardPage,
        "privacy",
        {
            "title": "Privacy notice",
            "intro": "How this hub uses the information you give it.",
            "body": [
                _p(
                    "We ask for your email address to create your account and to send you the "
                    "notifications you choose. Your name is shown next to your comments only "
                    "if you agree. You can change your preferences at any time."
                )
            ],
            "show_in_footer": True,
        },
        published_at=hub_opened,
    )
    _child(
        home,
        StandardPage,
        "accessibility",
        {
            "title": "Accessibility statement",
            "intro": "This hub aims to meet the Web Content Accessibility Guidelines 2.2 "
            "at level AA.",
            "body": [
                _p(
                    "Every page works without JavaScript, with a keyboard and with a screen "
                    'reader. If something does not work for you, <a href="/get-involved/#contact">'
                    "tell us</a>."
                )
            ],
            "show_in_footer": True,
        },
        published_at=hub_opened,
    )
    stdout.write(f"Strategy: {created_sections} sections created.")


def _home_page(*, published_at):
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        welcome = list(Page.objects.filter(depth=2).exclude(content_type__model="homepage"))
        home = HomePage(
            title="National strategy for AI in health and adult social care",
            slug="hub",
            intro="A national strategy for AI in health and adult social care is being written "
            "in the open. Read the draft, comment on it and follow its progress.",
            get_involved="<p>Comment on any paragraph of the draft, reply to others and "
            "subscribe to updates.</p>",
        )
        root.add_child(instance=home)
        _publish(home, at=published_at)
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={
                **public_address.site_record_fields(),
                "root_page": home,
                "site_name": "AI in health and care strategy",
            },
        )
        for page in welcome:
            page.delete()
    return home


def _child(parent, model, slug, fields, *, published_at):
    """The child of `parent` with this slug, created and published if missing."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    _publish(page, at=published_at)
    return page


def _note_second_versions(strategy):
    """Second versions an earlier version of the demo published without a change note get
    the note the demo gives them now."""
    notes = {slug: changes["note"] for slug, *_, changes in SECTIONS if changes}
    for section in SectionPage.objects.child_of(strategy).filter(slug__in=notes):
        published = section.published_versions()
        if len(published) >= 2 and not published[1].change_note:
            PublishedVersion.objects.filter(
                page_id=section.pk, revision_id=published[1].revision_id
            ).update(change_note=notes[section.slug])


def _date_earlier_phases(timeline, dates, *, published_at):
    """Phases an earlier version of the demo made without dates get them, published as a
    new revision of the timeline (as an editor's change would be)."""
    phases = list(timeline.phases.order_by("sort_order", "pk"))
    undated = [p for p in phases if p.starts_on is None and p.ends_on is None and p.kind in dates]
    if not any(any(dates[phase.kind]) for phase in undated):
        return
    for phase in undated:
        phase.starts_on, phase.ends_on = dates[phase.kind]
    timeline.phases = phases
    _publish(timeline, at=published_at)


def _days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def _morning_of(date):
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(9)))


def _publish(page, *, at):
    """Publish `page` as it stands, dated `at` wherever the date is kept, so that its "last
    published", its versions, its revisions and its history tell the same story."""
    first = page.first_published_at is None
    revision = page.save_revision()
    revision.publish()
    Revision.objects.filter(pk=revision.pk).update(created_at=at)
    PageLogEntry.objects.filter(revision=revision).update(timestamp=at)
    PublishedVersion.objects.filter(revision=revision).update(published_at=at)
    dates = {"last_published_at": at, "latest_revision_created_at": at}
    if first:
        dates["first_published_at"] = at
        PageLogEntry.objects.filter(page=page, action="wagtail.create").update(timestamp=at)
    Page.objects.filter(pk=page.pk).update(**dates)
    page.refresh_from_db()


def _apply_changes(raw_blocks, changes):
    blocks = [dict(block) for block in raw_blocks]
    for index, text in changes.get("edit", {}).items():
        blocks[index] = {**blocks[index], "value": f"<p>{text}</p>"}
    additions = sorted(changes.get("add", []), key=lambda item: item[0], reverse=True)
    removed_ids = {blocks[index]["id"] for index in changes.get("remove", [])}
    for after, text in additions:
        blocks.insert(after + 1, _p(text))
    return [block for block in blocks if block.get("id") not in removed_ids]
