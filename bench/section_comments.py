"""How much slower is a section page with 1,000 comments than the same page with none?

Sets up its own throwaway SQLite database (migrations, the demo strategy, people), renders
the section page with the Django test client N times with no comments, adds 1,000
comments (two thirds new threads, one third replies, with reactions; text from the public
Polis comments in ../shared/data/polis when present), renders it N times again, and
prints the median times, their ratio and the query counts, all measured in this run.

    .venv/bin/python bench/section_comments.py [--renders 30] [--comments 1000]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import builders  # noqa: E402  (the repository is on the path only now)


def setup_django(database):
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
        from django.test import Client

        section, consultation, people = builders.demo_section_consultation()
        anonymous, signed_in = Client(), Client()
        signed_in.force_login(people[0])

        clients = (("anonymous", anonymous), ("signed in", signed_in))
        texts = builders.polis_texts(args.comments)
        before = {name: measure(c, section.url, args.renders) for name, c in clients}
        builders.add_comments(section, consultation, people, texts, 1)
        one = {name: measure(c, section.url, 1)[1] for name, c in clients}
        builders.add_comments(section, consultation, people, texts, args.comments - 1)
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
