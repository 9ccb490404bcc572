"""Where one public page spends its time: cProfile and the SQL queries of a request, in-process.

Builds (once, into FOLDER, kept for the next run) the database bench/pages.py builds: the
demo, a section with 1,000 comments and a conversation of 100 replies. Then, with the
bench's production settings and the test client, it renders each page asked for a few
times uncached (signed out, or signed in as the demo stakeholder with `--signed-in`),
profiles the last renders and prints the top functions by cumulative time and the queries.

    .venv/bin/python bench/profile_page.py [--folder TMP/hub-profile] [--signed-in]
                                           [--top 40] [--repeat 5] home section /path/ ...

Page names are bench/pages.py's (home, strategy, section, section-1000, conversation,
library, resource, search, updates, timeline); anything starting with / is a path.
"""

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import pages  # noqa: E402


def prepare(folder):
    """The bench's site in `folder`, built the first time; returns the conversation's id."""
    folder.mkdir(parents=True, exist_ok=True)
    env = pages.settings_env(folder)
    env["SECRET_KEY"] = "profile-only-" + "x" * 60
    marker = folder / "conversation.txt"
    if not marker.exists():
        (folder / "bench.sqlite3").unlink(missing_ok=True)
        pages.load_demo_database(env, folder / "load.log")
    os.environ.update(env)
    import django

    django.setup()
    if not marker.exists():
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        marker.write_text(str(pages.add_bench_content().pk))
    from consultation.models import Comment

    return Comment.objects.get(pk=int(marker.read_text()))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "hub-profile")
    parser.add_argument("--signed-in", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--queries", action="store_true", help="print each query's SQL")
    parser.add_argument(
        "--timing", action="store_true", help="time the requests (wall and CPU), no profile"
    )
    options = parser.parse_args(argv)
    conversation = prepare(options.folder)

    from django.db import connection

    from hub.accounts.demo import DEMO_PASSWORD

    urls = pages.page_urls(conversation)
    client = pages.web_client(uncached=not options.signed_in)
    if options.signed_in:
        from django.conf import settings

        signin = pages.sign_in(pages.STAKEHOLDER, DEMO_PASSWORD)
        client.cookies[settings.SESSION_COOKIE_NAME] = signin.session
        client.cookies[settings.CSRF_COOKIE_NAME] = signin.csrf_cookie
    for name in options.pages:
        url = name if name.startswith("/") else urls[name]
        response = client.get(url, secure=True)  # warm: templates, memos
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        queries = []

        def record(execute, sql, params, many, context, queries=queries):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append((time.perf_counter() - start, sql))

        with connection.execute_wrapper(record):
            client.get(url, secure=True)
        start, start_cpu = time.perf_counter(), time.process_time()
        profile = cProfile.Profile()
        if not options.timing:
            profile.enable()
        for _ in range(options.repeat):
            client.get(url, secure=True)
        profile.disable()
        took = (time.perf_counter() - start) / options.repeat * 1000
        # CPU time of this process: on a machine shared with other work, far steadier than
        # the wall clock (which counts the time spent waiting for a core).
        cpu = (time.process_time() - start_cpu) / options.repeat * 1000
        how = "timed" if options.timing else "profiled"
        print(
            f"\n=== {url}: {took:.1f} ms a request, {cpu:.1f} ms of CPU ({how}), "
            f"{len(queries)} queries ==="
        )
        if options.timing:
            continue
        for took_sql, sql in queries:
            print(f"  {took_sql * 1000:.1f} ms  {sql if options.queries else sql[:200]}")
        stats = pstats.Stats(profile)
        stats.sort_stats(options.sort).print_stats(options.top)


if __name__ == "__main__":
    main()
