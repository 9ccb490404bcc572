"""How fast is bulk coding at scale: one theme applied to 10,000 search results (every result
of a search, as the search page's "apply to every result" does) at 100,000 items, and that
action undone as a whole; beside the plain search of those results, measured in the same
run on the same database as the baseline.

For each database (a throwaway SQLite file; a throwaway PostgreSQL server started the way
tests/with_postgres.py starts one) a child process migrates, loads the demo strategy and
synthetic feedback (bench/synthetic.py, loaded as bench/feedback_search.py loads it), picks
the search with the fewest results that still has 10,000 (among common words and facet
filters), and times, each the median of --repeats runs:

    search page     consultation.search.run(query): one page of hits, every facet counted
    matching ids    consultation.search.matching_ids(query): every result's id
    apply           matching ids + coding.apply_themes (scope SEARCH) on the first 10,000,
                    as the bulk view does
    undo            coding.undo of that action
    remove          matching ids + coding.remove_themes of the same theme (then undone)

and prints seconds and the ratio of each to the search page.

    .venv/bin/python bench/coding.py [--items 100000] [--target 10000] [--repeats 3]
        [--databases sqlite postgresql]
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import feedback_search, synthetic  # noqa: E402  (the repository is on the path now)

RESULT_MARK = feedback_search.RESULT_MARK


def candidate_queries(records, consultation):
    """Searches of the consultation whose result counts spread around the target: the most
    common words, and facet filters."""
    from consultation.search.types import FeedbackQuery

    _rare, common, _phrases = feedback_search.vocabulary(records)
    scope = {"consultation": [str(consultation.pk)]}
    queries = [FeedbackQuery(filters=scope)]  # every item: enough when nothing else is
    queries += [FeedbackQuery(text=word, filters=scope) for word in common]
    for name, value in (("sector", "clinician"), ("sector", "industry"), ("region", "london"),
                        ("source_kind", "reply"), ("respondent_type", "organisation")):  # fmt: skip
        queries.append(FeedbackQuery(filters={**scope, name: [value]}))
    return queries


def nearest(queries, target):
    """The query with the fewest results that still has `target` of them (the first
    `target` are coded), or the one with the most when none has."""
    from consultation.search import matching_ids

    counted = [(len(matching_ids(query)), n, query) for n, query in enumerate(queries)]
    enough = [entry for entry in counted if entry[0] >= target]
    return (min(enough) if enough else max(counted))[2]


def timed(function, repeats):
    """(median seconds, last result) of `repeats` calls."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def child(items, target, repeats):
    from urllib.parse import urlencode

    from django.conf import settings
    from django.db import connection

    from consultation.search import matching_ids, run
    from consultation.synthesis import coding
    from consultation.synthesis.models import CodingAction, Theme

    settings.ELASTICSEARCH_URL = None  # the database backend, whatever the environment says
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
    records = list(synthetic.generate(items, seed=0))
    loader = feedback_search.Loader()
    load_seconds = loader.load(records)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  {connection.vendor}: {items:,} items loaded", file=sys.stderr, flush=True)
    consultation = loader.consultation
    query = nearest(candidate_queries(records, consultation), target)
    search = urlencode(query.as_params())
    theme = Theme.objects.create(consultation=consultation, name="Bench theme")
    run(query)  # warm caches

    def apply():
        return coding.apply_themes(
            actor=None, consultation=consultation, item_ids=matching_ids(query)[:target],
            themes=[theme], scope=CodingAction.Scope.SEARCH, search=search,
        )  # fmt: skip

    def remove():
        return coding.remove_themes(
            actor=None, consultation=consultation, item_ids=matching_ids(query)[:target],
            themes=[theme], scope=CodingAction.Scope.SEARCH, search=search,
        )  # fmt: skip

    figures = {"search page": timed(lambda: run(query), repeats)[0]}
    figures["matching ids"], ids = timed(lambda: matching_ids(query), repeats)
    applies, undos, removes = [], [], []
    for _ in range(repeats):
        seconds, action = timed(apply, 1)
        applies.append(seconds)
        undos.append(timed(lambda action=action: coding.undo(actor=None, action=action), 1)[0])
    coding.apply_themes(
        actor=None, consultation=consultation, item_ids=ids[:target], themes=[theme]
    )
    for _ in range(repeats):
        seconds, action = timed(remove, 1)
        removes.append(seconds)
        coding.undo(actor=None, action=action)
    figures["apply"] = statistics.median(applies)
    figures["undo"] = statistics.median(undos)
    figures["remove"] = statistics.median(removes)
    result = {
        "vendor": connection.vendor,
        "items": items,
        "coded": min(len(ids), target),
        "results": len(ids),
        "search": search,
        "load_seconds": load_seconds,
        "figures": figures,
    }
    print(RESULT_MARK + json.dumps(result), flush=True)


def run_child(database, args):
    child_args = ["--items", str(args.items), "--target", str(args.target)]
    child_args += ["--repeats", str(args.repeats)]
    return feedback_search.run_in_child(
        __file__, child_args, database, prefix="bench-coding-", pg_port="54353"
    )


def report(results):
    print(f"Bulk coding, machine: {os.cpu_count()} cores (median of the runs)")
    for result in results:
        figures = result["figures"]
        baseline = figures["search page"]
        print(
            f"\n{result['vendor']}: {result['items']:,} items; the search {result['search']!r} "
            f"finds {result['results']:,}, {result['coded']:,} coded"
        )
        for name, seconds in figures.items():
            ratio = seconds / baseline if baseline else float("inf")
            print(f"  {name:<14} {seconds:>8.3f} s   {ratio:>7.1f} x the search page")
        print(
            f"  finishes in seconds (apply and undo each under 10 s): "
            f"{'yes' if figures['apply'] < 10 and figures['undo'] < 10 else 'NO'}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--target", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if os.environ.get("DATABASE_URL", "").startswith("postgres"):
            feedback_search.ensure_postgres_database()
        feedback_search.setup_django()
        child(args.items, args.target, args.repeats)
        return
    report([run_child(database, args) for database in args.databases])


if __name__ == "__main__":
    main()
