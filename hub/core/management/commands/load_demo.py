"""Load the demo content: accounts for each role, the draft strategy, the library and an
open consultation. Idempotent: a second run finds everything in place and changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from consultation import demo as consultation_demo
from hub.accounts import demo as accounts_demo
from hub.pages import demo as pages_demo
from knowledge import demo as knowledge_demo

# Each app's demo module has load(stdout) and may rely on the ones before it.
DEMO_MODULES = [accounts_demo, pages_demo, knowledge_demo, consultation_demo]


class Command(BaseCommand):
    help = "Load the demo content (safe to run again)."

    def handle(self, *args, **options):
        if not settings.DEMO_CONTENT_ALLOWED:
            raise CommandError(
                "Demo content has shared passwords: it is never loaded in production."
            )
        for module in DEMO_MODULES:
            with transaction.atomic():
                module.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is loaded."))
