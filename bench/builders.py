"""Building a busy consultation in bulk, for the benches and for the tests that need one:
people, an open consultation on a demo section, and comments made as the service would
store them (anchored to the section's live revision and the paragraph's fingerprint, with
the author's facets, and each with its feedback item), saved many rows at a time. Django
must be set up before any of these is called; each imports the models it needs when it
runs. Rows saved in bulk send no signals, so each ends what public pages keep of the
comments itself (hub.core.page_cache.site_changed), as the services do."""

import csv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
POLIS = REPO.parent / "shared" / "data" / "polis"


def polis_texts(limit):
    """Up to `limit` comment texts from the public Polis data in ../shared/data/polis, or
    made-up ones when it is absent."""
    texts = []
    for path in sorted(POLIS.glob("*.csv")) if POLIS.is_dir() else []:
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                body = (row.get("comment-body") or "").strip()
                if body:
                    texts.append(body)
                if len(texts) >= limit:
                    return texts
    return texts or [f"Comment {n} on the draft, with a reason or two." for n in range(limit)]


def build_people(count):
    """`count` people with verified addresses and complete profiles, of every sector and
    region in turn; a third of them hide their name."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from hub.accounts.models import Profile, Region, Sector, User

    sectors, regions = list(Sector.values), list(Region.values)
    people = []
    for n in range(count):
        user = User.objects.create_user(email=f"bench{n}@example.org", password=None)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        Profile.objects.create(
            user=user,
            display_name=f"Bench person {n}",
            sector=sectors[n % len(sectors)],
            region=regions[n % len(regions)],
            show_name=n % 3 != 0,
            completed_at=timezone.now(),
        )
        people.append(user)
    return people


def demo_section_consultation(*, people=60, slug="introduction"):
    """The demo's accounts and strategy, an open consultation on its section `slug` and
    `people` more people: (section, consultation, people)."""
    import datetime
    import io

    from django.utils import timezone

    from consultation.models import Consultation
    from hub.accounts import demo as accounts_demo
    from hub.pages import demo as pages_demo
    from hub.pages.models import SectionPage

    quiet = io.StringIO()
    accounts_demo.load(quiet)
    pages_demo.load(quiet)
    section = SectionPage.objects.live().get(slug=slug)
    consultation = Consultation.objects.create(
        title="Bench consultation",
        slug="bench",
        summary="Measuring.",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    consultation.sections.add(section)
    return section, consultation, build_people(people)


def comment_maker(section, consultation, people, texts, *, start=None):
    """A function making the n-th unsaved comment on `section`: by people[n], saying
    texts[n] (what a person typed, stored as the service stores it: the text and the HTML
    made from it, with the author's facets), created at `start` (now by default), on the
    section's paragraphs and then the whole section in turn (counting from n; `place=`
    names one). Both lists are used in turn when n runs past their end. Other keyword
    arguments are fields of the comment (parent, root, depth, status, created_at...)."""
    from django.utils import timezone

    from consultation import anchoring, formatting
    from consultation.models import Comment, Kind

    marks = anchoring.fingerprints(section)
    places = [*marks]
    start = start or timezone.now()
    words = [
        {"text": formatting.clean_text(text), "body": formatting.to_html(text)}
        for text in texts
        if formatting.to_html(text)
    ] or [{"text": "A comment.", "body": "<p>A comment.</p>"}]
    facets = [Comment.facets_of(person) for person in people]

    def comment(n, **extra):
        place = extra.pop("place", places[n % len(places)])
        fields = {
            "consultation": consultation,
            "kind": Kind.COMMENT,
            "section": section,
            "paragraph_id": place,
            "revision_id": section.live_revision_id,
            "text_fingerprint": marks[place],
            "author": people[n % len(people)],
            **facets[n % len(people)],
            **words[n % len(words)],
            "created_at": start,
        }
        return Comment(**(fields | extra))

    return comment


def add_comments(section, consultation, people, texts, count):
    """`count` comments on the section: two thirds new threads, one third replies to them,
    and up to three reactions on each thread."""
    from consultation.feedback.sync import comments_created
    from consultation.models import Comment, Reaction

    comment = comment_maker(section, consultation, people, texts)
    root_count = max(1, count * 2 // 3)
    roots = Comment.objects.bulk_create(comment(n) for n in range(root_count))
    replies = Comment.objects.bulk_create(
        comment(
            n,
            place=roots[n % len(roots)].paragraph_id,
            parent=roots[n % len(roots)],
            root=roots[n % len(roots)],
            depth=1,
        )
        for n in range(root_count, count)
    )
    comments_created([*roots, *replies])
    Reaction.objects.bulk_create(
        Reaction(
            comment=root,
            user=people[(n + k + 1) % len(people)],
            value="agree" if k % 3 else "disagree",
        )
        for n, root in enumerate(roots)
        for k in range(n % 4)
    )
    _pages_changed()
    reactions_saved_in_bulk(people)


def add_conversation(section, consultation, people, texts, replies):
    """One comment with `replies` replies: half answer it, half answer those answers.
    Returns the comment that starts the conversation."""
    from consultation.feedback.sync import comments_created
    from consultation.models import Comment

    comment = comment_maker(section, consultation, people, texts)
    root = comment(0)
    root.save()
    first = Comment.objects.bulk_create(
        comment(n, place=root.paragraph_id, parent=root, root=root, depth=1)
        for n in range(1, replies // 2 + 1)
    )
    second = Comment.objects.bulk_create(
        comment(n, place=root.paragraph_id, parent=first[n % len(first)], root=root, depth=2)
        for n in range(len(first) + 1, replies + 1)
    )
    comments_created([root, *first, *second])
    _pages_changed()
    return root


def add_replies(root, people, texts, *, start):
    """A reply to `root` for each of `texts`, one a second from `start`: most answer the
    root, every fourth the reply before it, so the conversation has depth. Saved in the
    order made, a batch at a time (a reply's parent is always saved before it); returns
    them in that order."""
    import datetime

    from consultation.feedback.sync import comments_created
    from consultation.models import Comment

    comment = comment_maker(root.section, root.consultation, people, texts, start=start)
    made, batch = [], []
    for n in range(len(texts)):
        parent = made[-1] if made and n % 4 == 3 else root
        if parent.pk is None:  # it answers a reply of this batch: save the batch first
            Comment.objects.bulk_create(batch)
            batch = []
        reply = comment(
            n,
            place=root.paragraph_id,
            parent=parent,
            root=root,
            depth=parent.depth + 1,
            created_at=start + datetime.timedelta(seconds=n),
        )
        made.append(reply)
        batch.append(reply)
    if batch:
        Comment.objects.bulk_create(batch)
    comments_created(made)
    _pages_changed()
    return made


def reactions_saved_in_bulk(people):
    """Reactions saved in bulk send no signal: their people's kept reactions are forgotten
    here, as the receivers do for one saved (hub.accounts.user_facts)."""
    from hub.accounts.user_facts import forget

    forget(*(person.pk for person in people))


def _pages_changed():
    from hub.core.page_cache import site_changed

    site_changed()
