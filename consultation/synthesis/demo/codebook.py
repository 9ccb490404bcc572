"""The demo codebook: themes for the demo consultation, drawn from the five ambitions of the
draft strategy (monitoring at home, diagnosis, public health, patient flow, future care
needs) and what the seed articles on AI in health and care keep returning to (data and
trust, the workforce, evidence and safety, fair access, scaling beyond pilots), some with
sub-themes; and the coding the working group has done so far: a good share of the items
coded with stances, most by the demo analyst and some by the administrator, a few items
assigned to each, two notes, and many items left uncoded for the workspace to show.

Everything is written through the services (codebook, coding, review), so the audit log
shows it as it would show an analyst's work. Loading again changes nothing: a codebook
already there is left as it is."""

from django.contrib.auth import get_user_model

from consultation.feedback.models import FeedbackItem
from consultation.models import Consultation
from consultation.synthesis import codebook, coding, review
from consultation.synthesis.models import CodingAction, Colour, Stance, Theme

CONSULTATION_SLUG = "draft-strategy"  # consultation/demo.py
ANALYST, ADMIN = "analyst@example.org", "admin@example.org"  # hub/accounts/demo.py

# (name, colour, description, words that suggest it, [(sub-theme, description, words)])
THEMES = [
    ("Data and privacy", Colour.BLUE,
     "How health and care data is used, shared and protected, and whether people trust it.",
     ("data", "privacy", "record", "de-identified"),
     [("Data sharing between services", "Sharing between councils, providers and the NHS.",
       ("sharing", "share", "councils and health", "providers hold")),
      ("Transparency about AI use", "Telling people when AI played a part in their care.",
       ("told", "transparency", "know when", "register"))]),
    ("Workforce and skills", Colour.GREEN,
     "What staff in health and social care need to use AI safely: time, skills, support.",
     ("staff", "workforce", "nurse", "shifts"),
     [("Training and digital literacy", "Training that fits around work, for every role.",
       ("training", "modules", "know about ai", "three things"))]),
    ("Safety and evidence", Colour.RED,
     "Evidence that tools work for the people they are used on, evaluation and harms.",
     ("evidence", "evaluation", "evaluating", "validat", "surveillance", "harms", "risk"),
     [("Accountability for decisions", "Who is responsible when a tool informs a decision.",
       ("responsib", "sign off", "decide", "who acts"))]),
    ("Equity and inclusion", Colour.PURPLE,
     "Not leaving anyone behind: people without devices, skills or a voice.",
     ("behind", "equit", "do not own", "will not use an app", "rarely respond", "exclu",
      "inequal", "language"), []),
    ("Adult social care", Colour.DARK_PINK,
     "Care homes, home care, carers and councils, not only the NHS.",
     ("social care", "care home", "home care", "carer", "councils"), []),
    ("Monitoring at home", Colour.AQUA_GREEN_DARK,
     "Ambition 1: monitoring long-term conditions at home.",
     ("monitoring", "readings", "fall detection", "blood pressure"), []),
    ("Diagnosis and imaging", Colour.DARK_BLUE,
     "Ambition 2: AI diagnostic tools for clinicians.",
     ("imaging", "scans", "radiolog", "diagnos", "tests"), []),
    ("Public health patterns", Colour.DARK_GREEN,
     "Ambition 3: spotting public health patterns early.",
     ("public health", "population", "outbreak", "prevent", "screening", "patterns"), []),
    ("Patient flow and capacity", Colour.DARK_GREY,
     "Ambition 4: real-time waiting times, capacity and discharge.",
     ("discharg", "moving patients", "waiting", "capacity"), []),
    ("Future care needs", Colour.WARM_YELLOW_DARK,
     "Ambition 5: planning for future care needs.",
     ("predicting care", "care needs", "predictions", "future", "demand"), []),
    ("Procurement and scaling", Colour.BLUE,
     "Buying, funding and scaling tools beyond pilots; the market and suppliers.",
     ("procurement", "supplier", "market", "framework", "pilots", "sales"), []),
]  # fmt: skip

SUPPORTS = ("support", "good to see", "agree", "is right", "helps", "yes.", "promising")
OPPOSES = ("should not", "blocker", "barrier", "does not", "left out", "conflicts")

NOTES = {
    # the first words of an item's text: the note the working group left on it
    "Procurement is the biggest blocker": "Raise with the commercial team: trusts say the same.",
    "Imaging AI is promising": "Quote candidate for the diagnosis section.",
}  # fmt: skip


def _matches(text, words):
    text = text.lower()
    return any(word in text for word in words)


def _stance(text):
    text = text.lower()
    supports, opposes = _matches(text, SUPPORTS), _matches(text, OPPOSES)
    if supports and opposes:
        return Stance.MIXED
    return Stance.SUPPORTS if supports else Stance.OPPOSES if opposes else Stance.NEUTRAL


def _make_codebook(consultation, actor):
    """{theme: words} for every theme and sub-theme, made through the codebook service."""
    made = {}
    for order, (name, colour, description, words, subs) in enumerate(THEMES):
        theme = codebook.theme_create(
            actor=actor, consultation=consultation, name=name, description=description,
            colour=colour,
        )  # fmt: skip
        Theme.objects.filter(pk=theme.pk).update(sort_order=order)
        made[theme] = words
        for sub_name, sub_description, sub_words in subs:
            sub = codebook.theme_create(
                actor=actor, consultation=consultation, name=sub_name,
                description=sub_description, colour=colour, parent=theme,
            )  # fmt: skip
            made[sub] = sub_words
    return made


def load(stdout):
    consultation = Consultation.objects.filter(slug=CONSULTATION_SLUG).first()
    if consultation is None:
        stdout.write("Demo codebook: no demo consultation, nothing added.")
        return
    if Theme.objects.filter(consultation=consultation).exists():
        stdout.write("Demo codebook: already there.")
        return
    people = {
        user.email: user for user in get_user_model().objects.filter(email__in=[ANALYST, ADMIN])
    }
    analyst, admin = people.get(ANALYST), people.get(ADMIN)
    themes = _make_codebook(consultation, analyst)
    items = list(
        FeedbackItem.objects.filter(consultation=consultation, in_analysis=True)
        .exclude(text="")
        .order_by("created_at", "pk")
    )
    # Every third item stays uncoded even when its words suggest a theme, as do items whose
    # words suggest none: the workspace shows work still to do.
    coded = [item for n, item in enumerate(items) if n % 3 != 2]
    for n, (theme, words) in enumerate(themes.items()):
        chosen = [item.pk for item in coded if _matches(item.text, words)]
        if chosen:
            coding.apply_themes(
                actor=admin if n % 4 == 3 else analyst, consultation=consultation,
                item_ids=chosen, themes=[theme], scope=CodingAction.Scope.SELECTION,
            )  # fmt: skip
    with_codes = set(
        FeedbackItem.objects.filter(consultation=consultation, codings__isnull=False).values_list(
            "pk", flat=True
        )
    )
    for item in items:
        if item.pk in with_codes:
            review.stance_set(actor=analyst, item=item, stance=_stance(item.text))
        for start, note in NOTES.items():
            if item.text.startswith(start):
                review.note_add(actor=analyst, item=item, text=note)
    uncoded = [item for item in items if item.pk not in with_codes]
    for n, item in enumerate(uncoded[:10]):
        review.assign(actor=analyst, item=item, assignee=analyst if n % 2 == 0 else admin)
    stdout.write(
        f"Demo codebook: {len(themes)} themes and sub-themes, {len(with_codes)} of "
        f"{len(items)} items coded, {min(len(uncoded), 10)} uncoded items assigned."
    )
