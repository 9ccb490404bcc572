"""Plain-text fields (names, organisations, notes in reports) store the words a reader sees:
markup is removed, and so is markup written as entities; `&lt;svg onload=…&gt;` was decoded
into a live `<svg onload=…>` and stored (safe only because output is escaped)."""

import pytest

from consultation.models import Flag
from tests.support import factories
from tests.support.accounts import VALID_PROFILE
from tests.support.consultation_factories import comment_on, consultation_on

pytestmark = pytest.mark.django_db

SVG = "&lt;svg onload=alert(1)&gt;"
DOUBLE = "&amp;lt;img src=x onerror=alert(2)&amp;gt;"


def test_names_and_organisations_never_decode_into_markup(client):
    user = factories.UserFactory()
    client.force_login(user)
    response = client.post(
        "/accounts/profile/complete/",
        {
            **VALID_PROFILE,
            "display_name": f"Ada {SVG}Lovelace",
            "organisation": f"{DOUBLE}Analytical &amp; Engines",
        },
    )
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.display_name == "Ada Lovelace"
    assert user.profile.organisation == "Analytical & Engines"


def test_notes_in_reports_never_decode_into_markup(client, site_tree):
    section = site_tree["section"]
    comment = comment_on(section, consultation=consultation_on(section))
    client.force_login(factories.ProfileFactory().user)
    response = client.post(
        f"/consultation/comments/{comment.pk}/report/",
        {"reason": "spam", "note": f"Look {SVG}at this {DOUBLE}& that"},
    )
    assert response.status_code == 302
    note = Flag.objects.get(comment=comment).note
    assert "<" not in note and "svg" not in note and "img" not in note
    assert note.split() == ["Look", "at", "this", "&", "that"]
