"""How much slower is a section page with 1,000 comments than the same page with none?

Sets up its own throwaway SQLite database (migrations, the demo strategy, people), renders
the section page with the Django test client N times with no comments, adds 1,000
comments (two thirds new threads, one third replies, with reactions; text from the public
Polis comments in ../shared/data/polis when present), renders it N times again, and
prints the median times, their ratio and the query counts, all measured in this run.

    .venv/bin/python bench/section_comments.py [--renders 30] [--comments 1000]
"""

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "polis"


def polis_texts(limit):
    texts = []
    for path in sorted(DATA.glob("*.csv")) if DATA.is_dir() else []:
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                body = (row.get("comment-body") or "").strip()
                if body:
                    texts.append(body)
                if len(texts) >= limit:
                    return texts
    return texts or [f"Comment {n} on the draft, with a reason or two." for n in range(limit)]


def setup_django(database):
    sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.signals import request_finished
    from django.db import close_old_connections

    # As Django's test runner does: keep one connection, so queries can be counted.
    request_finished.disconnect(close_old_connections)

    call_command("migrate", verbosity=0)


def build_people(count):
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


def comment_maker(section, consultation, people, texts):
    """A function making the n-th unsaved comment on `section`, by one of `people`, with
    one of `texts`, on one of its paragraphs in turn unless `place` says which. Each is
    stored as the services store one: the text, its HTML, and its author's facets."""
    from django.utils import timezone

    from consultation import anchoring, formatting
    from consultation.models import Comment, Kind

    marks = anchoring.fingerprints(section)
    places = [*marks]
    now = timezone.now()
    texts = [formatting.clean_text(text) for text in texts if formatting.to_html(text)]
    texts = texts or ["A comment."]
    bodies = [formatting.to_html(text) for text in texts]
    facets = [Comment.facets_of(person) for person in people]

    def comment(n, **extra):
        place = extra.pop("place", places[n % len(places)])
        return Comment(
            consultation=consultation,
            kind=Kind.COMMENT,
            section=section,
            paragraph_id=place,
            revision_id=section.live_revision_id,
            text_fingerprint=marks[place],
            author=people[n % len(people)],
            **facets[n % len(people)],
            text=texts[n % len(texts)],
            body=bodies[n % len(bodies)],
            created_at=now,
            **extra,
        )

    return comment


def add_comments(section, consultation, people, texts, count):
    """`count` comments on the section: two thirds new threads, one third replies to them,
    and up to three reactions on each thread."""
    from consultation.models import Comment, Reaction

    comment = comment_maker(section, consultation, people, texts)
    root_count = max(1, count * 2 // 3)
    roots = Comment.objects.bulk_create(comment(n) for n in range(root_count))
    Comment.objects.bulk_create(
        comment(
            n,
            place=roots[n % len(roots)].paragraph_id,
            parent=roots[n % len(roots)],
            root=roots[n % len(roots)],
            depth=1,
        )
        for n in range(root_count, count)
    )
    Reaction.objects.bulk_create(
        Reaction(
            comment=root,
            user=people[(n + k + 1) % len(people)],
            value="agree" if k % 3 else "disagree",
        )
        for n, root in enumerate(roots)
        for k in range(n % 4)
    )


def add_conversation(section, consultation, people, texts, replies):
    """One comment with `replies` replies: half answer it, half answer those answers.
    Returns the comment that starts the conversation."""
    from consultation.models import Comment

    comment = comment_maker(section, consultation, people, texts)
    root = comment(0)
    root.save()
    first = Comment.objects.bulk_create(
        comment(n, place=root.paragraph_id, parent=root, root=root, depth=1)
        for n in range(1, replies // 2 + 1)
    )
    Comment.objects.bulk_create(
        comment(
            n,
            place=root.paragraph_id,
            parent=first[n % len(first)],
            root=root,
            depth=2,
        )
        for n in range(len(first) + 1, replies + 1)
    )
    return root


def measure(client, url, renders, status=(200,)):
    """(median seconds, queries, bytes) of `renders` GETs of `url` after a warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches and templates
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    query_count = len(queries.captured_queries)  # read now: later requests reset the log
    assert response.status_code in status, response.status_code
    timings = []
    for _ in range(renders):
        start = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), query_count, len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="profile the busy renders")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-comments-") as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        import datetime
        import io

        from django.test import Client
        from django.utils import timezone

        from consultation.models import Consultation
        from hub.accounts import demo as accounts_demo
        from hub.pages import demo as pages_demo
        from hub.pages.models import SectionPage

        quiet = io.StringIO()
        accounts_demo.load(quiet)
        pages_demo.load(quiet)
        section = SectionPage.objects.live().get(slug="introduction")
        consultation = Consultation.objects.create(
            title="Bench consultation",
            slug="bench",
            summary="Measuring.",
            opens_at=timezone.now() - datetime.timedelta(days=1),
            closes_at=timezone.now() + datetime.timedelta(days=30),
        )
        consultation.sections.add(section)
        people = build_people(60)
        anonymous, signed_in = Client(), Client()
        signed_in.force_login(people[0])

        clients = (("anonymous", anonymous), ("signed in", signed_in))
        texts = polis_texts(args.comments)
        before = {name: measure(c, section.url, args.renders) for name, c in clients}
        add_comments(section, consultation, people, texts, 1)
        one = {name: measure(c, section.url, 1)[1] for name, c in clients}
        add_comments(section, consultation, people, texts, args.comments - 1)
        after = {name: measure(c, section.url, args.renders) for name, c in clients}
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(measure, signed_in, section.url, args.renders)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)

    print(f"Section page, {args.comments} comments vs none ({args.renders} renders, median):")
    for name in before:
        (t0, q0, b0), (t1, q1, b1) = before[name], after[name]
        print(
            f"  {name:<10} {t0 * 1000:7.1f} ms -> {t1 * 1000:7.1f} ms   ratio {t1 / t0:4.2f}   "
            f"queries {q0} / {one[name]} / {q1} (none / one / {args.comments})   "
            f"page {b0 // 1024} KB -> {b1 // 1024} KB"
        )


if __name__ == "__main__":
    main()
