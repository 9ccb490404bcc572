"""On the public pages (hub.pages.panels), the library shows the evidence that supports a
section beside it."""

from wagtail import hooks

from hub.core.page_cache import memo
from hub.pages.panels import SECTION_PAGE_PANELS, Panel
from knowledge.selectors import evidence_for_section


@hooks.register(SECTION_PAGE_PANELS, order=200)
def section_evidence_panel(*, page, request):
    # The same for every reader until something is published (a resource, a page).
    evidence = memo(
        f"knowledge:section-evidence:{page.pk}", lambda: evidence_for_section(section=page)
    )
    if not evidence:
        return None
    return Panel(
        templates={"aside": "knowledge/includes/section_evidence.html"},
        context={"evidence": evidence},
    )
