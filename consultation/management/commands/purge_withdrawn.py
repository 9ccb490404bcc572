"""Apply the retention rule: remove the text of contributions withdrawn more than
CONSULTATION_WITHDRAWN_RETENTION_DAYS ago. Run it daily (cron or a scheduler)."""

from django.core.management.base import BaseCommand

from consultation import conf
from consultation.services.retention import withdrawn_purge


class Command(BaseCommand):
    help = "Remove the text of withdrawn comments and posts after the retention period."

    def handle(self, *args, **options):
        purged = withdrawn_purge()
        self.stdout.write(
            f"Removed the text of {purged} withdrawn contribution{'s' if purged != 1 else ''} "
            f"(retention period: {conf.withdrawn_retention().days} days)."
        )
