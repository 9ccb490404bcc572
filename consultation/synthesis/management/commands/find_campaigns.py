"""Recompute the campaign groups of every consultation, or of one:

    manage.py find_campaigns [--consultation draft-strategy]

Groups identical and near-identical feedback items (consultation.synthesis.campaigns) from
scratch and stores them; a group that keeps most of its members keeps its number. A
progress bar per stage (reading, indexing, grouping, assigning) goes to standard error.
Safe to run at any time; items written meanwhile are placed by the background task."""

import time

from django.core.management.base import BaseCommand, CommandError

from consultation.imports.management.commands.import_responses import ProgressBar
from consultation.models import Consultation
from consultation.synthesis import grouping

STAGES = {
    "reading": "Reading",
    "indexing": "Indexing",
    "grouping": "Grouping",
    "assigning": "Assigning",
}
UNITS = {"reading": "items", "indexing": "items", "grouping": "seeds", "assigning": "items"}


class StageBars:
    """One progress bar per stage of the grouping, each on its own line."""

    def __init__(self, stream):
        self.stream, self.stage, self.bar = stream, None, None

    def __call__(self, stage, done, total):
        if stage != self.stage:
            self.end()
            self.stage = stage
            self.bar = ProgressBar(self.stream, STAGES.get(stage, stage), total, UNITS[stage])
        self.bar(done)

    def end(self):
        if self.bar is not None:
            self.bar.end()
            self.bar = None


class Command(BaseCommand):
    help = __doc__.split("\n\n")[0]

    def add_arguments(self, parser):
        parser.add_argument("--consultation", help="the consultation's slug (default: every one)")

    def handle(self, *args, **options):
        consultations = Consultation.objects.order_by("pk")
        if options["consultation"]:
            consultations = consultations.filter(slug=options["consultation"])
            if not consultations.exists():
                raise CommandError(f"No consultation has the slug “{options['consultation']}”.")
        for consultation in consultations:
            bars = StageBars(self.stderr)
            started = time.perf_counter()
            found = grouping.recompute(consultation=consultation, progress=bars)
            bars.end()
            members = sum(campaign.size for campaign in found)
            self.stdout.write(
                self.style.SUCCESS(
                    f"“{consultation.title}”: {len(found):,} campaign group"
                    f"{'s' if len(found) != 1 else ''} of {members:,} items "
                    f"({time.perf_counter() - started:.1f} s)."
                )
            )
