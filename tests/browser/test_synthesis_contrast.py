"""The contrast of the synthesis dashboard's heat map as the browser paints it: every shade
of the map with its paragraph's link, at rest and focused (the design system's yellow
focus). (Owned by the synthesis workspace; it lives here to share the one Chromium these
fixtures start.)"""

from pathlib import Path

import pytest

from hub.accounts.rules import WORKING_GROUP
from tests.support.browser import signed_in
from tests.support.consultation_factories import ConsultationFactory, comment_on, paragraph_ids
from tests.support.factories import ProfileFactory, in_group, with_mfa

pytestmark = [pytest.mark.browser, pytest.mark.processes, pytest.mark.django_db(transaction=True)]
CONTRAST = (Path(__file__).parent / "checks" / "contrast.js").read_text()


def test_every_shade_of_the_heat_map_keeps_its_link_readable(client, live_server, page, site_tree):
    section = site_tree["section"]
    consultation = ConsultationFactory(slug="draft")
    consultation.sections.add(section)
    first, second = paragraph_ids(section)
    # 6 items on paragraph 1, 2 on paragraph 2 and 4 on the whole section: shades 4, 2
    # and 3 (shade 1 keeps the design system's link colours, readable on its near-white).
    for paragraph, count in ((first, 6), (second, 2), ("", 4)):
        for _ in range(count):
            comment_on(section, consultation=consultation, paragraph_id=paragraph)
    analyst = with_mfa(in_group(ProfileFactory().user, WORKING_GROUP))
    signed_in(page, client, live_server, analyst)
    page.goto(f"{live_server.url}/synthesis/consultations/draft/dashboard/")
    for level in (2, 3, 4):
        link = f".hub-heat-map .hub-heat--{level} a"
        resting = page.evaluate(CONTRAST, link)
        page.focus(link)
        focused = page.evaluate(CONTRAST, f"{link}:focus")
        assert resting and focused, level  # the shade is on the page, its link measured
        low = [found for found in resting + focused if found["ratio"] < 4.5]
        assert not low, (level, low)
