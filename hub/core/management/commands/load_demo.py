"""Load the demo content: accounts for each role, the draft strategy, the library and an
open consultation. Idempotent: a second run finds everything in place and changes nothing.

Each app that has demo content has a `demo` module with `load(stdout)`; they are found
through the app registry and loaded in INSTALLED_APPS order, so each may rely on the ones
before it (accounts, then the pages, then what is written on them)."""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule


def demo_modules():
    """The `demo` module of every installed app that has one, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "demo"):
            module = import_module(f"{config.name}.demo")
            if callable(getattr(module, "load", None)):
                found.append(module)
    return found


class Command(BaseCommand):
    help = "Load the demo content (safe to run again)."

    def handle(self, *args, **options):
        if not settings.DEMO_CONTENT_ALLOWED:
            raise CommandError(
                "Demo content has shared passwords: it is never loaded in production."
            )
        for module in demo_modules():
            with transaction.atomic():
                module.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is loaded."))
