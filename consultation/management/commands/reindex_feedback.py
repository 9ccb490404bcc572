"""Rebuild feedback search: every item from its source (comment, reply, post), then the
database's full-text index, then the Elasticsearch index when ELASTICSEARCH_URL is set.
Safe to run at any time; people can keep writing while it runs."""

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

    def handle(self, *args, index_only=False, **options):
        if not index_only:
            started = time.perf_counter()
            count = indexing.rebuild_items(progress=Progress(self.stdout, "Items"))
            self.stdout.write(
                f"Feedback items rebuilt: {_rate(count, time.perf_counter() - started)}."
            )
        started = time.perf_counter()
        indexing.rebuild_database_index()
        self.stdout.write(
            f"Database search index rebuilt in {time.perf_counter() - started:.1f} s."
        )
        if configured_engine() == "elasticsearch":
            started = time.perf_counter()
            try:
                count = indexing.rebuild_elasticsearch(
                    progress=Progress(self.stdout, "Elasticsearch")
                )
            except es.UNAVAILABLE as error:
                raise CommandError(
                    f"Elasticsearch could not be reached ({error.__class__.__name__}); the items "
                    "and the database index are rebuilt. Run this again when it is back."
                ) from error
            self.stdout.write(
                f"Elasticsearch index rebuilt: {_rate(count, time.perf_counter() - started)}."
            )
