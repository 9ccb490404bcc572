"""The demo content as `make run` loads it, and every model's row count, to see that
loading it again changes nothing."""

import io

from django.apps import apps
from django.core.management import call_command


def load_demo():
    call_command("load_demo", stdout=io.StringIO())


def row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }
