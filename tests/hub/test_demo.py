"""Loading the demo content: from an empty database it makes every page the demo names,
loading it again changes no row of any model, and it is never loaded where the settings
forbid it (production). What the loaded demo says is tested in test_demo_content.py."""

import io

import pytest
from django.core.management import CommandError, call_command

from hub.pages import demo as pages_demo
from tests.support.demo import load_demo, row_counts


@pytest.mark.django_db
def test_loading_twice_changes_no_row_of_any_model():
    load_demo()
    first = row_counts()
    load_demo()
    assert row_counts() == first
    assert first["pages.SectionPage"] == len(pages_demo.SECTIONS)


def test_the_demo_is_never_loaded_where_the_settings_forbid_it(settings):
    settings.DEMO_CONTENT_ALLOWED = False
    with pytest.raises(CommandError, match="never loaded in production"):
        call_command("load_demo", stdout=io.StringIO())
