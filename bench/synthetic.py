"""Realistic synthetic feedback at any size, for the benches of search, import, export,
campaign grouping and coding (standard library only, the same records for the same seed).

`generate(count, seed=...)` yields `FeedbackRecord`s: the text someone sent, its source kind,
the author's sector, region and organisation (sector and region values as in
`hub.accounts.models`), a section and paragraph index for a loader to map onto real ones,
a time within twelve weeks, a moderation status, and ground truth for the benches: whether
the record is an original response, a copy of a campaign letter (and of which campaign), an
original that quotes one line of a campaign letter, or a stub ("see attached", "I agree",
an empty body). `write_csv` writes records as CSV, the shape an import or export bench reads.

Words come from the public Polis comments in ../shared/data/polis (relative to the
repository root, column `comment-body`), read at run time; without that folder a small
vocabulary of our own stands in. Original responses are Polis comments with about a quarter
of their words replaced by words drawn from the same comments (so word frequencies stay
natural but no two originals share long runs of text, as independent people's words do
not); campaigns are template letters that people personalise with a greeting, a paragraph
about themselves, a sign-off, a sentence or two added or cut, and the odd changed word.

    .venv/bin/python bench/synthetic.py 100000 [--seed 0] [--csv out.csv] [--polis DIR]
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from bisect import bisect
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import accumulate, cycle
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parent.parent
POLIS = REPO.parent / "shared" / "data" / "polis"

# The values of hub.accounts.models.Sector and Region (a test keeps them equal), with
# rough shares of who answers a national health and care consultation.
SECTORS = {
    "clinician": 14,
    "nurse_ahp": 12,
    "patient_carer": 25,
    "social_care": 7,
    "nhs_manager": 8,
    "industry": 8,
    "academia": 7,
    "local_authority": 4,
    "charity": 6,
    "government": 2,
    "other": 7,
}
REGIONS = {
    "north_east": 4,
    "north_west": 11,
    "yorkshire": 8,
    "east_midlands": 7,
    "west_midlands": 9,
    "east": 10,
    "london": 14,
    "south_east": 14,
    "south_west": 9,
    "scotland": 5,
    "wales": 3,
    "northern_ireland": 2,
    "outside_uk": 1,
}
# How likely someone of a sector writes for an organisation rather than for themselves.
ORGANISATION_SHARE = {
    "clinician": 0.15,
    "nurse_ahp": 0.1,
    "patient_carer": 0.03,
    "social_care": 0.35,
    "nhs_manager": 0.5,
    "industry": 0.85,
    "academia": 0.5,
    "local_authority": 0.8,
    "charity": 0.7,
    "government": 0.8,
    "other": 0.2,
}
KINDS = ("comment", "reply", "post", "answer", "imported")
# What the hub holds today; pass `kinds=` to add questionnaire answers and imports.
DEFAULT_KINDS = {"comment": 60, "reply": 25, "post": 15}
STATUSES = {"published": 940, "pending": 20, "hidden": 10, "rejected": 15, "withdrawn": 15}
ORIGINS = ("original", "campaign", "quote", "stub")
WEEKS = 12
DEFAULT_START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)

# Short answers that say nothing on their own; real consultations have many.
STUBS = (
    "",
    "see attached",
    "See attached.",
    "Please see attached document.",
    "I agree",
    "I agree.",
    "Agree",
    "agree",
    "Disagree",
    "no comment",
    "No comment.",
    "N/A",
    "n/a",
    "None",
    "Yes",
    "No",
    "Nothing to add.",
    "As above.",
    "See my previous answer.",
    "I agree with this section.",
    "-",
    ".",
)

# Stands in for the Polis comments when ../shared/data is absent; our own sentences.
FALLBACK_CORPUS = (
    "Patients should always be told when a computer has helped to make a decision about "
    "their care.",
    "The strategy needs to say who is accountable when an AI tool gets a diagnosis wrong.",
    "Staff need protected time and proper training before any new system goes live on a ward.",
    "Rural areas still have poor broadband, so digital services must not replace phone and "
    "face to face appointments.",
    "Data from GP records should only be shared for research with clear consent and "
    "strong safeguards.",
    "Carers are often left out of conversations about technology that affects the people "
    "they look after.",
    "Small companies find it hard to get their products evaluated and bought by the NHS.",
    "Social care providers cannot afford the licences and the hardware that these tools need.",
    "Bias in training data will make existing health inequalities worse unless it is checked.",
    "There should be a single national register of AI tools used in the health service.",
    "Local authorities need funding to join up their care records with the NHS.",
    "The evidence standards for AI should be the same as for any other medical device.",
    "I worry that automation will be used to cut staff rather than to give them more time.",
    "Older people and people with learning disabilities need accessible alternatives.",
    "Hospitals should publish how well their algorithms perform for different groups.",
    "Clinicians must be able to override any recommendation that a system makes.",
    "Patients should be able to see and correct the information held about them.",
    "Funding is short term and pilots stop just as they start to show results.",
    "The regulator needs more staff with technical expertise to keep up with industry.",
    "Community pharmacies could do much more if their systems were connected.",
    "Mental health services should be careful with chatbots that replace human contact.",
    "Procurement rules favour large suppliers and lock trusts into long contracts.",
    "Every new tool should be tested with the people who will use it before it is bought.",
    "Translation and interpreting tools could help patients who do not speak English well.",
    "Cyber security has to be funded properly or patient data will be put at risk.",
    "Research using health data should benefit the public and not only private companies.",
    "Remote monitoring at home has helped my father stay out of hospital this winter.",
    "Nurses spend hours on paperwork that better systems could take away.",
    "The public should be involved in deciding which uses of AI are acceptable.",
    "Waiting lists will not fall without more staff, whatever technology we buy.",
    "Scotland, Wales and Northern Ireland need to be part of a shared approach.",
    "Ambulance services need systems that talk to hospital emergency departments.",
    "People should have a right to a human review of any automated decision.",
    "Training courses for doctors and nurses should include data and digital skills.",
    "Information governance teams need clear national guidance so that they stop saying no.",
    "Voice recognition could save clinicians time writing letters and notes.",
    "It is not clear how the strategy will be paid for after the first two years.",
    "Charities hold a lot of useful knowledge about patients that the NHS rarely uses.",
    "Consent forms are too long and nobody understands what they agree to.",
    "I support the aims of this section but the timescales are unrealistic.",
)

# Template letters of our own (campaigns organise people to send the same words).
CAMPAIGN_LETTERS = (
    (
        "I am writing to ask that the strategy guarantees every patient the right to opt "
        "out of their records being used to train artificial intelligence.",
        "Health data is given in confidence to doctors and nurses, not to technology companies.",
        "The current opt out is hard to find and harder to understand.",
        "Many people I know did not realise that their records could be shared at all.",
        "Please make the opt out simple, available by post and by phone, and respected by "
        "every organisation that receives NHS data.",
        "Please also publish a list of every company that has been given access to patient "
        "records and what they used them for.",
        "Trust is hard to win back once it has been lost.",
        "I ask the working group to put patient consent at the heart of this strategy.",
    ),
    (
        "Nurses and allied health professionals must be involved in choosing, testing and "
        "running any AI system used in patient care.",
        "We see the risks first when a system does not fit the way care is really delivered.",
        "Too often new technology is bought by managers and then handed to staff with no "
        "training and no time to learn it.",
        "The strategy should require protected learning time for every member of staff who "
        "is asked to use a new tool.",
        "It should also make clear that technology will not be used as a reason to reduce "
        "safe staffing levels on wards or in the community.",
        "Professional judgement must always come first, and staff must be able to raise "
        "concerns about a system without fear.",
        "Please add a commitment to consult the nursing workforce before any national "
        "rollout begins.",
    ),
    (
        "I live in a rural area where the internet connection is slow and the mobile signal "
        "comes and goes.",
        "The draft strategy assumes that everyone can use apps and video calls, but many of "
        "my neighbours cannot.",
        "Older people, disabled people and people on low incomes are most likely to be left "
        "behind.",
        "Please make sure that every digital service has a non digital alternative that is "
        "just as quick and just as good.",
        "Please also fund local help so that people can learn to use these services if they "
        "want to.",
        "A strategy for everyone has to work for the people who are hardest to reach.",
    ),
    (
        "Artificial intelligence in health and care needs an independent regulator with the "
        "powers and the staff to do the job properly.",
        "At the moment responsibility is split between several bodies and nobody is clearly "
        "in charge.",
        "Companies do not know which rules apply to them, and patients do not know who to "
        "complain to when something goes wrong.",
        "The strategy should set out one clear route for approving, monitoring and "
        "withdrawing AI products.",
        "Every approved product should be listed on a public register with its evidence and "
        "its known limitations.",
        "Serious incidents involving AI should be reported and investigated in the same way "
        "as other patient safety incidents.",
        "Independent oversight will protect patients and give honest companies the "
        "confidence to invest.",
        "I urge the working group to include this in the final strategy.",
    ),
    (
        "Adult social care has been left out of most national plans for technology, and "
        "this draft is no different.",
        "Care homes and home care agencies hold vital information about the people they "
        "support, yet they still rely on paper and fax machines.",
        "Without funding for equipment, connectivity and training, care providers cannot take "
        "part in a joined up system.",
        "The strategy should ring fence money for social care technology and give providers "
        "a real say in how it is spent.",
        "Care workers should have access to the records they need to keep people safe, "
        "including medication and allergy information.",
        "Families and unpaid carers should be able to see and add to those records with consent.",
        "Please give social care an equal place in this strategy.",
    ),
)

GREETINGS = (
    "Dear Working Group,",
    "Dear Sir or Madam,",
    "To whom it may concern,",
    "Hello,",
    "Dear consultation team,",
    "Good afternoon,",
)
SIGN_OFFS = (
    "Yours faithfully.",
    "Yours sincerely.",
    "Kind regards.",
    "Thank you for reading this.",
    "Thank you for listening.",
    "Best wishes.",
)
ROLES = (
    "a retired nurse",
    "a carer for my mother",
    "a GP",
    "a parent of a disabled child",
    "a pharmacist",
    "someone living with diabetes",
    "a paramedic",
    "a care home manager",
    "a student nurse",
    "a patient with a long term condition",
    "a physiotherapist",
    "a home care worker",
)
PLACES = (
    "in a small market town",
    "in the north of England",
    "in a busy city practice",
    "on the coast",
    "in a village with no bus service",
    "in a large teaching hospital",
    "in the community",
)
SPANS = ("for ten years", "for over twenty years", "since last spring", "for most of my life")
ORGANISATION_PLACES = (
    "Northmere",
    "Eastbrook",
    "Westhollow",
    "Southvale",
    "Ashcombe",
    "Brindlefield",
    "Coldharbour",
    "Dunmoor",
    "Elmstead",
    "Fernleigh",
    "Greystone",
    "Hartwell",
    "Kingsreach",
    "Larkhill",
    "Millbrook",
    "Oakhurst",
)
ORGANISATION_KINDS = {
    "clinician": ("Medical Practice", "Hospitals Trust", "Clinical Network"),
    "nurse_ahp": ("Community Nursing Team", "Therapy Services", "Hospitals Trust"),
    "patient_carer": ("Patient Group", "Carers Forum"),
    "social_care": ("Care Homes", "Home Care Services", "Care Association"),
    "nhs_manager": ("Integrated Care Board", "Hospitals Trust", "Health Partnership"),
    "industry": ("Health Analytics Ltd", "Digital Care Ltd", "Medical Imaging Ltd"),
    "academia": ("University", "Institute of Health Research"),
    "local_authority": ("County Council", "Borough Council", "City Council"),
    "charity": ("Health Foundation", "Care Trust", "Patients Association"),
    "government": ("Health Board", "Public Health Office"),
    "other": ("Community Association", "Professional Network"),
}

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


class FeedbackRecord(NamedTuple):
    """One synthetic contribution, with the ground truth a bench checks grouping against
    (a named tuple: a hundred thousand of them are made in a few seconds)."""

    index: int
    text: str
    kind: str
    sector: str
    region: str
    organisation: str  # blank for someone writing as an individual
    section: int | None  # index for a loader to map onto a real section; None for posts
    paragraph: int | None  # index within the section; None for the whole section
    created_at: datetime
    author: int
    parent: int | None  # the index of the record a reply answers
    status: str
    origin: str  # one of ORIGINS
    campaign: int | None  # ground truth: the campaign letter this is a copy of

    @property
    def external_id(self):
        return f"syn-{self.index:07d}"

    @property
    def is_organisation(self):
        return bool(self.organisation)


def load_corpus(directory: Path | None = None) -> list[str]:
    """The Polis comment bodies in `directory` (../shared/data/polis by default), or our own
    fallback sentences when the folder is absent or holds none."""
    directory = POLIS if directory is None else Path(directory)
    texts = []
    for path in sorted(directory.glob("*.csv")) if directory.is_dir() else []:
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                body = " ".join((row.get("comment-body") or "").split())
                if len(body.split()) >= 4:
                    texts.append(body)
    return texts or list(FALLBACK_CORPUS)


class _Writer:
    """Turns the corpus into new text: originals, added sentences, personal paragraphs."""

    def __init__(self, rng: random.Random, corpus: list[str]):
        self.rng = rng
        self.comments = [text.split() for text in corpus]
        # Words drawn uniformly from every word of the corpus keep their natural frequencies;
        # a long stream of them drawn once is cheaper than one draw per replaced word.
        words = [word.lower() for text in corpus for word in _WORD.findall(text)] or ["care"]
        self.replacement = cycle(rng.choices(words, k=65_521)).__next__

    def rewrite(self, tokens: list[str], *, every: int = 4, rounds: int = 3) -> str:
        """The tokens with one in `every` replaced (from a random offset, so two rewrites of
        one comment keep few word triples in common) and any other with probability
        1 / 2**rounds (so no two look regular); `every=0` for the random ones only."""
        mask = (1 << len(tokens)) - 1
        for _ in range(rounds):
            mask &= self.rng.getrandbits(len(tokens))
        if every:
            mask |= int(
                ("1" + "0" * (every - 1)) * (len(tokens) // every + 1), 2
            ) >> self.rng.randrange(every)
        flags, replacement = f"{mask:0{len(tokens)}b}"[-len(tokens) :], self.replacement
        return " ".join(
            [
                replacement() if flag == "1" else token
                for token, flag in zip(tokens, flags, strict=True)
            ]
        )

    def sentence(self) -> str:
        text = self.rewrite(self.rng.choice(self.comments))
        return text if text[-1] in ".!?" else text + "."

    def original(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.choice((1, 1, 2, 2, 2, 3, 4))))

    def about_me(self) -> str:
        rng = self.rng
        role, place, span = rng.choice(ROLES), rng.choice(PLACES), rng.choice(SPANS)
        opening = f"As {role} {place} {span}, I have seen this first hand."
        return " ".join([opening, *(self.sentence() for _ in range(rng.choice((0, 1, 1, 2))))])


class _Weighted:
    """A weighted choice with its cumulative weights worked out once (it is drawn a lot)."""

    def __init__(self, weights: dict):
        self.names, self.cumulative = list(weights), list(accumulate(weights.values()))

    def __call__(self, rng: random.Random):
        return self.names[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


class _Campaign:
    """A template letter, the section it is about, and when it was launched."""

    def __init__(self, number, sentences, section, launch):
        self.number, self.sentences, self.section, self.launch = number, sentences, section, launch


def _campaigns(rng, writer, count, sections):
    campaigns = []
    for number in range(count):
        if number < len(CAMPAIGN_LETTERS):
            sentences = CAMPAIGN_LETTERS[number]
        else:  # more campaigns than letters of our own: compose more from the corpus
            sentences = tuple(writer.sentence() for _ in range(rng.randint(6, 9)))
        launch = timedelta(days=rng.uniform(0, WEEKS * 7 - 21))
        campaigns.append(_Campaign(number, sentences, rng.randrange(sections), launch))
    return campaigns


def personalise(rng: random.Random, writer: _Writer, sentences: tuple[str, ...]) -> str:
    """One person's copy of a template letter. About a third send it as it is; the rest add
    a greeting, a paragraph about themselves, a sign-off, a sentence or two of their own,
    cut up to a fifth of the letter, move a sentence, change a word here and there, or
    (one in ten) reword it all the way through (about one word in eight)."""
    if rng.random() < 0.3:
        return " ".join(sentences)
    body = list(sentences)
    for _ in range(rng.randint(0, len(body) // 5)):
        del body[rng.randrange(len(body))]
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        body.insert(rng.randint(0, len(body)), writer.sentence())
    if rng.random() < 0.1:
        body.insert(rng.randint(0, len(body) - 1), body.pop(rng.randrange(len(body))))
    if rng.random() < 0.1:
        body = [writer.rewrite(sentence.split(), every=0) for sentence in body]
    elif rng.random() < 0.2:
        changed = rng.randrange(len(body))
        body[changed] = writer.rewrite(body[changed].split(), every=0)
    parts = [rng.choice(GREETINGS)] if rng.random() < 0.7 else []
    if rng.random() < 0.5:
        parts.append(writer.about_me())
    parts.append(" ".join(body))
    if rng.random() < 0.6:
        parts.append(rng.choice(SIGN_OFFS))
    text = "\n\n".join(parts)
    return text.lower() if rng.random() < 0.05 else text


def campaign_copies(
    count: int, *, seed: int = 0, letter: int = 0, corpus: list[str] | None = None
) -> list[str]:
    """`count` personalised copies of one of the template letters (none sent unchanged),
    and as many original responses, for measuring how small a campaign is still found."""
    rng = random.Random(seed)
    writer = _Writer(rng, corpus if corpus is not None else load_corpus())
    sentences = CAMPAIGN_LETTERS[letter % len(CAMPAIGN_LETTERS)]
    copies = []
    while len(copies) < count:
        if (text := personalise(rng, writer, sentences)) != " ".join(sentences):
            copies.append(text)
    return copies + [writer.original() for _ in range(count)]


def _quote(rng, writer, campaign):
    """An original response that quotes one line of a campaign letter, with at least twice
    as many words of its own around it."""
    line = rng.choice(campaign.sentences)
    lead = rng.choice(("I have seen the letter that says", "Some people say", "I disagree that"))
    before, after = writer.original(), writer.sentence()
    while len(before.split()) + len(after.split()) < 2 * len(line.split()):
        after = f"{after} {writer.sentence()}"
    return f"{before} {lead}: \u201c{line}\u201d {after}"


def _organisations(rng, sector):
    return [
        f"{place} {kind}"
        for place in rng.sample(ORGANISATION_PLACES, 6)
        for kind in ORGANISATION_KINDS[sector]
    ]


def own_corpus() -> list[str]:
    """Our own sentences only (FALLBACK_CORPUS), never the Polis comments: the corpus for
    demo content, which ../shared/data may not supply."""
    return list(FALLBACK_CORPUS)


def authors(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """`count` authors as (sector, region, organisation or blank), drawn with the shares of
    who answers a national health and care consultation."""
    sectors = rng.choices(list(SECTORS), weights=list(SECTORS.values()), k=count)
    regions = rng.choices(list(REGIONS), weights=list(REGIONS.values()), k=count)
    names = {sector: _organisations(rng, sector) for sector in SECTORS}
    found = []
    for sector, region in zip(sectors, regions, strict=True):
        writes_for = rng.random() < ORGANISATION_SHARE[sector]
        found.append((sector, region, rng.choice(names[sector]) if writes_for else ""))
    return found


def _when(rng, start):
    """A time within the twelve weeks: busier in the first and the last fortnight."""
    period = WEEKS * 7 * 86400
    draw = rng.random()
    if draw < 0.15:
        seconds = rng.uniform(0, 14 * 86400)
    elif draw < 0.3:
        seconds = rng.uniform(period - 14 * 86400, period)
    else:
        seconds = rng.uniform(0, period)
    return start + timedelta(seconds=min(seconds, period - 1))


def generate(
    count: int,
    *,
    seed: int = 0,
    sections: int = 8,
    paragraphs: int = 12,
    campaigns: int = 5,
    campaign_share: float = 0.2,
    stub_share: float = 0.08,
    quote_share: float = 0.02,
    kinds: dict[str, float] | None = None,
    start: datetime = DEFAULT_START,
    corpus: list[str] | None = None,
) -> Iterator[FeedbackRecord]:
    """Yield `count` records, the same ones for the same arguments.

    `campaign_share` of them copy one of `campaigns` template letters (the first campaign
    largest, each next one about half as large as the one before it), `stub_share` are stubs,
    `quote_share` are originals quoting one line of a letter, and the rest are originals.
    Originals never repeat one another. `kinds` weighs the source kinds (`DEFAULT_KINDS`
    unless given; any of `KINDS`). `corpus` replaces the texts read by `load_corpus()`."""
    if count < 0:
        raise ValueError("count must not be negative")
    kinds = dict(kinds or DEFAULT_KINDS)
    if unknown := set(kinds) - set(KINDS):
        raise ValueError(f"unknown kinds: {sorted(unknown)}")
    rng = random.Random(seed)
    writer = _Writer(rng, corpus if corpus is not None else load_corpus())
    letters = _campaigns(rng, writer, campaigns, sections)
    people = authors(rng, max(10, count // 4))
    # A campaign writes to a section: its copies are comments, answers or imports.
    letter_kinds = [kind for kind in kinds if kind not in ("reply", "post")] or ["comment"]
    pick_kind, pick_status = _Weighted(kinds), _Weighted(STATUSES)
    pick_section = _Weighted({number: 1 / (number + 1) ** 0.5 for number in range(sections)})
    pick_letter = _Weighted({letter: 0.5**letter.number for letter in letters})
    shares = (campaign_share if campaigns else 0.0, stub_share, quote_share if campaigns else 0.0)
    threads: dict[int, list[int]] = {}  # section -> recent comments a reply can answer
    where: dict[int, tuple[int | None, int | None]] = {}
    originals: set[str] = set()

    for index in range(count):
        draw = rng.random()
        campaign = None
        if draw < shares[0]:
            origin = "campaign"
            letter = pick_letter(rng)
            campaign = letter.number
            text = personalise(rng, writer, letter.sentences)
        elif draw < shares[0] + shares[1]:
            origin, text = "stub", rng.choice(STUBS)
        elif draw < sum(shares):
            origin, text = "quote", _quote(rng, writer, rng.choice(letters))
        else:
            origin = "original"
            text = writer.original()
            while (seen := text.lower()) in originals:  # a longer text is new sooner
                text = f"{text} {writer.sentence()}"
            originals.add(seen)

        kind = pick_kind(rng)
        if origin == "campaign" and kind not in letter_kinds:
            kind = rng.choice(letter_kinds)
        section = pick_section(rng)
        paragraph = rng.randrange(paragraphs) if rng.random() < 0.8 else None
        parent = None
        if campaign is not None:
            section, paragraph = letters[campaign].section, None
        if kind == "reply":
            recent = threads.get(section)
            if recent:
                parent = rng.choice(recent)
                section, paragraph = where[parent]
            else:
                kind = "comment"
        if kind == "post":
            section = paragraph = None
        elif kind in ("answer", "imported"):
            paragraph = None
        if kind == "comment":
            recent = threads.setdefault(section, [])
            recent.append(index)
            where[index] = (section, paragraph)
            if len(recent) > 200:
                where.pop(recent.pop(0), None)

        if campaign is not None:  # most copies arrive in the fortnight after the launch
            offset = letters[campaign].launch + timedelta(days=rng.expovariate(1 / 5))
            created_at = start + min(offset, timedelta(weeks=WEEKS, seconds=-1))
        else:
            created_at = _when(rng, start)
        author = int(len(people) * rng.random() ** 2)  # a few people write a lot
        sector, region, organisation = people[author]
        yield FeedbackRecord(
            index=index,
            text=text,
            kind=kind,
            sector=sector,
            region=region,
            organisation=organisation,
            section=section,
            paragraph=paragraph,
            created_at=created_at,
            author=author,
            parent=parent,
            status=pick_status(rng),
            origin=origin,
            campaign=campaign,
        )


CSV_COLUMNS = (
    "external_id",
    "text",
    "kind",
    "sector",
    "region",
    "organisation",
    "section",
    "paragraph",
    "created_at",
    "author",
    "parent",
    "status",
)
TRUTH_COLUMNS = ("origin", "campaign")


def csv_row(record: FeedbackRecord, *, truth: bool = False) -> list[str]:
    """A record as the cells of one CSV row (blank for None), in `CSV_COLUMNS` order."""
    parent = "" if record.parent is None else f"syn-{record.parent:07d}"
    row = [
        record.external_id,
        record.text,
        record.kind,
        record.sector,
        record.region,
        record.organisation,
        "" if record.section is None else str(record.section),
        "" if record.paragraph is None else str(record.paragraph),
        record.created_at.isoformat(),
        str(record.author),
        parent,
        record.status,
    ]
    if truth:
        row += [record.origin, "" if record.campaign is None else str(record.campaign)]
    return row


def write_csv(records: Iterable[FeedbackRecord], target, *, truth: bool = False) -> int:
    """Write records as CSV with a header row to `target` (a path or an open text file);
    `truth` adds the ground-truth columns. Returns the number of records written."""
    if isinstance(target, str | Path):
        with Path(target).open("w", newline="", encoding="utf-8") as handle:
            return write_csv(records, handle, truth=truth)
    writer = csv.writer(target)
    writer.writerow(CSV_COLUMNS + (TRUTH_COLUMNS if truth else ()))
    written = 0
    for record in records:
        writer.writerow(csv_row(record, truth=truth))
        written += 1
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, nargs="?", default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--csv", type=Path, help="write the records here as CSV")
    parser.add_argument("--truth", action="store_true", help="add the ground-truth columns")
    parser.add_argument("--polis", type=Path, help="folder of Polis comment CSVs")
    arguments = parser.parse_args(argv)
    corpus = load_corpus(arguments.polis)
    started, cpu = time.perf_counter(), time.process_time()
    records = list(generate(arguments.count, seed=arguments.seed, corpus=corpus))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    origins = {origin: sum(r.origin == origin for r in records) for origin in ORIGINS}
    print(
        f"{len(records):,} records in {wall:.2f} s wall, {cpu:.2f} s CPU, "
        f"from {len(corpus):,} corpus texts"
    )
    print("  " + ", ".join(f"{origin} {number:,}" for origin, number in origins.items()))
    if arguments.csv:
        started = time.perf_counter()
        write_csv(records, arguments.csv, truth=arguments.truth)
        print(f"  CSV written in {time.perf_counter() - started:.2f} s to {arguments.csv}")


if __name__ == "__main__":
    sys.exit(main())
