"""Rebuild feedback search: every item from its source (comment, reply, post), then the
database's full-text index, then the Elasticsearch index when ELASTICSEARCH_URL is set.
Safe to run at any time; people can keep writing while it runs.

`--engine database` or `--engine elasticsearch` rebuilds only that index (the items too,
unless `--index-only`); `--pending` sends to Elasticsearch only the items marked for
indexing (written while it was down, or refused), for a scheduler to run every few
minutes."""

import time

from django.core.management.base import BaseCommand, CommandError

from consultation.search import indexing
from consultation.search.backends import configured_engine
from consultation.search.backends import elasticsearch as es

BAR_WIDTH = 30


class Progress:
    """A text progress bar, one line per step (tqdm is not a dependency; this works in
    logs and terminals alike)."""

    def __init__(self, stdout, label):
        self.stdout, self.label, self.shown = stdout, label, -1

    def __call__(self, done, total):
        share = done / total if total else 1
        tenth = int(share * 10)
        if tenth == self.shown and done < total:
            return
        self.shown = tenth
        filled = int(share * BAR_WIDTH)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stdout.write(f"{self.label} [{bar}] {done:,}/{total:,}")


def _rate(count, seconds):
    return f"{count:,} in {seconds:.1f} s ({count / seconds if seconds else 0:,.0f} items/s)"


class Command(BaseCommand):
    help = "Rebuild feedback items from their sources and rebuild every search index."

    def add_arguments(self, parser):
        parser.add_argument(
            "--index-only",
            action="store_true",
            help="Leave the items as they are; rebuild only the search indexes.",
        )
        parser.add_argument(
            "--engine",
            choices=("database", "elasticsearch"),
            help="Rebuild only this index (default: the database's, and Elasticsearch's when "
            "ELASTICSEARCH_URL is set).",
        )
        parser.add_argument(
            "--pending",
            action="store_true",
            help="Only send Elasticsearch the items marked for indexing; rebuild nothing.",
        )

    def _elasticsearch(self, work, done_message, *, rebuilt=""):
        """Run `work` (an indexing function taking `progress`) on Elasticsearch; `rebuilt`
        says what was done before it, for the message when the engine is unreachable."""
        if configured_engine() != "elasticsearch":
            raise CommandError("ELASTICSEARCH_URL is not set: there is no Elasticsearch index.")
        started = time.perf_counter()
        try:
            count = work(progress=Progress(self.stdout, "Elasticsearch"))
        except es.UNAVAILABLE as error:
            raise CommandError(
                f"Elasticsearch could not be reached ({error.__class__.__name__}){rebuilt}. "
                "Run this again when it is back."
            ) from error
        self.stdout.write(f"{done_message}: {_rate(count, time.perf_counter() - started)}.")

    def handle(self, *args, index_only=False, engine=None, pending=False, **options):
        if pending:
            self._elasticsearch(indexing.index_pending, "Marked items sent to Elasticsearch")
            return
        done = []
        if not index_only:
            started = time.perf_counter()
            count = indexing.rebuild_items(progress=Progress(self.stdout, "Items"))
            self.stdout.write(
                f"Feedback items rebuilt: {_rate(count, time.perf_counter() - started)}."
            )
            done.append("the items")
        if engine != "elasticsearch":
            started = time.perf_counter()
            indexing.rebuild_database_index()
            self.stdout.write(
                f"Database search index rebuilt in {time.perf_counter() - started:.1f} s."
            )
            done.append("the database index")
        if engine == "elasticsearch" or (engine is None and configured_engine() == "elasticsearch"):
            rebuilt = f"; {' and '.join(done)} are rebuilt" if done else ""
            self._elasticsearch(
                indexing.rebuild_elasticsearch, "Elasticsearch index rebuilt", rebuilt=rebuilt
            )
