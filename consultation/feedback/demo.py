"""Demo feedback in volume: a few hundred comments, replies and discussion posts on the demo
consultation, so the working group's search page and its facets have something real to
show (sectors, regions, organisations, sections, paragraphs, dates, one campaign of
near-identical letters, a few withdrawn).

The words come from `bench.synthetic` run on its own vocabulary only (`synthetic.own_corpus()`:
sentences and campaign letters written for the hub, never the Polis comments in
../shared/data, which may not be used as demo content). They are written by demo voices
(fictional stakeholder accounts on example.org that cannot sign in) through the comment
services, exactly as people write them, so every contribution has its feedback item.

Loaded after the consultation's own demo (this app comes after it in INSTALLED_APPS).
Running it again changes nothing: the voices' accounts say it was done.
"""

import datetime
import random

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from bench import synthetic
from consultation.demo import SLUG
from consultation.models import Consultation, Status, Topic
from consultation.services import comments as comment_services
from hub.accounts.models import Profile, User
from hub.pages.versions import paragraphs_of

COUNT = 320  # records generated; a few are skipped (stubs with no words, empty replies)
SEED = 12
VOICES = 60
DOMAIN = "voices.example.org"
FIRST_NAMES = [
    "Amira",
    "Bea",
    "Cal",
    "Dana",
    "Eli",
    "Fen",
    "Gita",
    "Hal",
    "Ines",
    "Jon",
    "Kit",
    "Lena",
    "Milo",
    "Nia",
    "Oren",
    "Pia",
    "Rafe",
    "Sana",
    "Tobi",
    "Uma",
    "Vic",
    "Wren",
    "Yara",
    "Zed",
]
LAST_NAMES = [
    "Ashdown",
    "Brackley",
    "Coldwell",
    "Dunmere",
    "Elsworth",
    "Farrow",
    "Gale",
    "Hensley",
    "Inchmore",
    "Jessop",
    "Kilby",
    "Lowther",
    "Marden",
    "Nettle",
    "Orwin",
]


def _voice_email(number):
    return f"voice-{number:03d}@{DOMAIN}"


def _voices(now):
    """The demo voices (made once, in bulk): one per synthetic author, with the author's
    sector, region and organisation on a completed profile and a verified address."""
    authors = synthetic.authors(random.Random(SEED), VOICES)
    users = User.objects.bulk_create(
        User(email=_voice_email(n), password=make_password(None), date_joined=now)
        for n in range(VOICES)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    Profile.objects.bulk_create(
        Profile(
            user=user,
            display_name=f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n % len(LAST_NAMES)]}",
            organisation=organisation,
            sector=sector,
            region=region,
            show_name=n % 3 != 0,
            completed_at=now,
        )
        for n, (user, (sector, region, organisation)) in enumerate(zip(users, authors, strict=True))
    )
    return list(User.objects.filter(email__endswith="@" + DOMAIN).select_related("profile"))


def _when(record, opens, now):
    """The record's time (somewhere in its twelve weeks) moved into the consultation's
    open weeks so far, in the same proportion."""
    weeks = datetime.timedelta(weeks=synthetic.WEEKS)
    share = (record.created_at - synthetic.DEFAULT_START) / weeks
    return opens + (now - datetime.timedelta(minutes=5) - opens) * share


def load(stdout):
    consultation = Consultation.objects.filter(slug=SLUG).first()
    if consultation is None:
        stdout.write("Demo feedback: no demo consultation, nothing added.")
        return
    if User.objects.filter(email__endswith="@" + DOMAIN).exists():
        stdout.write("Demo feedback: already there.")
        return
    sections = list(consultation.sections.live().specific().order_by("path"))
    topics = list(Topic.objects.filter(consultation=consultation).order_by("sort_order"))
    if not sections or not topics:
        stdout.write("Demo feedback: the demo consultation has no sections, nothing added.")
        return
    now = timezone.now()
    voices = _voices(now)
    paragraphs = {section.pk: [p.id for p in paragraphs_of(section)] for section in sections}
    records = synthetic.generate(
        COUNT,
        seed=SEED,
        sections=len(sections),
        paragraphs=max(len(ids) for ids in paragraphs.values()),
        campaigns=1,
        campaign_share=0.12,
        stub_share=0.04,
        corpus=synthetic.own_corpus(),
    )
    made, counts = {}, {"comment": 0, "reply": 0, "post": 0, "withdrawn": 0}
    for record in sorted(records, key=lambda r: (r.created_at, r.index)):
        comment = _write(record, consultation, sections, topics, paragraphs, voices, made, now)
        if comment is None:
            continue
        counts[record.kind] += 1
        if record.status == Status.WITHDRAWN:
            comment, _ = comment_services.comment_withdraw(
                author=comment.author, comment=comment, now=now
            )
            counts["withdrawn"] += 1
        made[record.index] = comment
    stdout.write(
        f"Demo feedback: {counts['comment']} comments, {counts['reply']} replies and "
        f"{counts['post']} discussion posts by {len(voices)} demo voices "
        f"({counts['withdrawn']} withdrawn)."
    )


def _title(text, length=80):
    """A discussion post's title: its first sentence, cut at a space to `length`."""
    first = text.split(".")[0].strip()
    if len(first) > length:
        first = first[: first.rfind(" ", 0, length)]
    return first or "A question"


def _write(record, consultation, sections, topics, paragraphs, voices, made, now):
    """The comment, reply or post a record stands for, written through the services; None
    when it cannot be (a stub with no words, a reply whose parent was not written)."""
    author = voices[record.author % len(voices)]
    when = max(_when(record, consultation.opens_at, now), consultation.opens_at)
    text = record.text
    try:
        if record.kind == "reply":
            parent = made.get(record.parent)
            if parent is None or parent.status != Status.PUBLISHED:
                return None
            comment, _ = comment_services.reply_create(
                author=author,
                parent=parent,
                text=text,
                now=max(when, parent.created_at + datetime.timedelta(minutes=3)),
                notify=False,
            )
        elif record.kind == "post":
            title = _title(text)
            comment, _ = comment_services.thread_create(
                author=author,
                topic=topics[record.index % len(topics)],
                title=title,
                text=text,
                now=when,
            )
        else:
            section = sections[record.section]
            ids = paragraphs[section.pk]
            paragraph_id = (
                "" if record.paragraph is None or not ids else ids[record.paragraph % len(ids)]
            )
            comment, _ = comment_services.comment_create(
                author=author,
                consultation=consultation,
                section=section,
                paragraph_id=paragraph_id,
                text=text,
                now=when,
            )
    except comment_services.NothingWritten:
        return None
    return comment
