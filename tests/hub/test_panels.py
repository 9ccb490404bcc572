"""The public pages do not know which apps exist: consultation and knowledge (and the
consultation's notifications) add to them through the panels the pages ask for
(hub.pages.panels), so no template of the site itself names their templates or loads
their tag libraries; and the panels the apps give show where the pages put them."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from hub.pages.panels import SECTION_PAGE_PANELS, panels_for
from tests.support.consultation_factories import ConsultationFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# The templates of hub: the site's frame, its pages, the accounts' pages.
HUB_TEMPLATES = ["base.html", "404.html", "429.html", "500.html"]
HUB_FOLDERS = ["pages", "includes", "blocks", "accounts", "account", "allauth", "mfa"]
APPS = ("consultation", "knowledge", "notifications")
NAMES_AN_APP = re.compile(
    r"""{%\s*(?:include|extends)\s+["'](?:"""
    + "|".join(APPS)
    + r""")/|{%\s*load\b[^%]*\b(?:consultation_tags|knowledge)"""
)


def hub_templates():
    for name in HUB_TEMPLATES:
        yield TEMPLATES / name
    for folder in HUB_FOLDERS:
        yield from sorted((TEMPLATES / folder).rglob("*.html"))


def test_no_template_of_the_site_names_an_app_above_it():
    found = [
        (str(path.relative_to(TEMPLATES)), match.group(0))
        for path in hub_templates()
        for match in NAMES_AN_APP.finditer(path.read_text())
    ]
    assert not found


@pytest.mark.django_db
def test_a_section_gets_the_panels_of_each_app_in_order(rf, site_tree, user):
    section = site_tree["section"]
    request = rf.get(section.url)
    request.user = user
    # Without a consultation on it, only the evidence (none yet) could show: no panels.
    assert panels_for(SECTION_PAGE_PANELS, page=section, request=request) == []
    ConsultationFactory().sections.add(section)
    (comments,) = panels_for(SECTION_PAGE_PANELS, page=section, request=request)
    assert set(comments.templates) == {"head", "scripts", "before_body", "paragraph", "after_body"}
    assert comments.context["discussion"].section == section
