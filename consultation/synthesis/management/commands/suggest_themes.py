"""Compute theme suggestions now, for one consultation (`--consultation SLUG`) or for
every consultation that has coded items, with a progress bar; the background task does
the same after coding actions."""

import time

from django.core.management.base import BaseCommand, CommandError

from consultation.management.commands.reindex_feedback import Progress
from consultation.models import Consultation
from consultation.synthesis.models import Coding
from consultation.synthesis.suggestions import refresh_suggestions


class Command(BaseCommand):
    help = "Compute and store the theme suggestions of uncoded feedback items."

    def add_arguments(self, parser):
        parser.add_argument(
            "--consultation",
            metavar="SLUG",
            help="Only this consultation (default: every consultation with coded items).",
        )

    def handle(self, *args, consultation=None, **options):
        if consultation:
            chosen = list(Consultation.objects.filter(slug=consultation))
            if not chosen:
                raise CommandError(f"There is no consultation {consultation!r}.")
        else:
            coded = Coding.objects.values("item__consultation_id")
            chosen = list(Consultation.objects.filter(pk__in=coded).order_by("title"))
            if not chosen:
                self.stdout.write("No consultation has coded items yet: nothing to learn from.")
        for one in chosen:
            started = time.perf_counter()
            refreshed = refresh_suggestions(
                consultation=one, progress=Progress(self.stdout, one.slug)
            )
            how = "calibrated" if refreshed.calibrated else "too few coded items to calibrate"
            self.stdout.write(
                f"{one.title}: {refreshed.stored:,} suggestions for "
                f"{refreshed.suggested_items:,} of {refreshed.items:,} items, learnt from "
                f"{refreshed.coded:,} coded items ({how}) in "
                f"{time.perf_counter() - started:.1f} s."
            )
