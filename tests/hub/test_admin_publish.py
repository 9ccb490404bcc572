"""Publishing from the Wagtail admin is one round trip: the edit form is posted once and
answered with a redirect to the page listing. The editor sends no background saves that
could follow the publish and be refused (see WAGTAIL_AUTOSAVE_INTERVAL in settings)."""

import re

import pytest

from tests.support.admin_forms import post_section_edit

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


def test_the_page_editor_makes_no_background_saves(editor_client, site_tree):
    for name in ["section", "update", "timeline", "home"]:
        html = editor_client.get(f"/admin/pages/{site_tree[name].pk}/edit/").content.decode()
        form = re.search(r'<form\s[^>]*id="page-edit-form"[^>]*>', html)[0]
        assert "w-unsaved" in form, name  # the warning before leaving with unsaved changes
        assert "w-autosave" not in form, name


def test_publishing_is_one_post_answered_with_a_redirect(editor_client, site_tree):
    section = site_tree["section"]
    ids = [block.id for block in section.body]
    response = post_section_edit(
        editor_client,
        section,
        [(ids[0], "<p>Published in one go.</p>"), (ids[1], "<p>Second paragraph.</p>")],
        action="publish",
    )
    assert response.url == f"/admin/pages/{site_tree['strategy'].pk}/"
    listing = editor_client.get(response.url)
    assert listing.status_code == 200
    assert "has been published" in listing.content.decode()
    section.refresh_from_db()
    assert "Published in one go." in section.body[0].value.source
    assert len(section.published_versions()) == 2
