"""Publishing a section from the Wagtail admin in a real browser: one POST of the edit form,
answered with a redirect, then the listing; no background request after it that fails."""

import pytest
from allauth.mfa.models import Authenticator

from tests.support import factories
from tests.support.browser import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.processes, pytest.mark.django_db(transaction=True)]


def test_publishing_is_one_clean_round_trip(client, live_server, page, site_tree):
    section = site_tree["section"]
    editor = factories.UserFactory(is_staff=True, is_superuser=True)
    factories.ProfileFactory(user=editor)
    Authenticator.objects.create(user=editor, type=Authenticator.Type.TOTP, data={"secret": "x"})
    signed_in(page, client, live_server, editor)
    edit_url = f"{live_server.url}/admin/pages/{section.pk}/edit/"
    posts, failures = [], []
    page.on(
        "request",
        lambda r: r.method == "POST" and r.url.startswith(edit_url) and posts.append(r),
    )
    page.on("response", lambda r: r.status >= 400 and failures.append((r.status, r.url)))

    page.goto(edit_url)
    page.wait_for_timeout(1500)  # the editor reads the page before typing
    # An editor types, pauses (where an autosave would start), types again and publishes
    # within half a second.
    page.locator("#id_summary").fill("A summary the editor changed.")
    page.wait_for_timeout(2500)
    page.locator("#id_summary").fill("A summary the editor changed, then published.")
    page.wait_for_timeout(400)
    page.locator("footer [data-w-dropdown-target='toggle']").last.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    page.wait_for_timeout(1500)  # anything the editor would still send has gone by now

    assert page.url == f"{live_server.url}/admin/pages/{site_tree['strategy'].pk}/"
    assert len(posts) == 1
    assert posts[0].response().status == 302
    assert failures == []
    section.refresh_from_db()
    assert section.summary == "A summary the editor changed, then published."
    assert page.js_errors == []
