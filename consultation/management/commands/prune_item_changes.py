"""`manage.py prune_item_changes [--keep N]`: remove all but the newest rows of the feedback
item change log (consultation.search.pruning). Run it daily from a scheduler; processes
also ask for it as the log grows."""

from django.core.management.base import BaseCommand

from consultation.search import pruning
from consultation.search.backends import item_changes


class Command(BaseCommand):
    help = "Remove all but the newest rows of the feedback item change log."

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep",
            type=int,
            default=item_changes.KEEP,
            help=f"How many of the newest rows to keep (default {item_changes.KEEP:,}).",
        )

    def handle(self, *args, keep, **options):
        removed = pruning.prune_now(keep=keep)
        self.stdout.write(f"Removed {removed:,} rows of the item change log.")
