"""On the public site (hub.pages.panels): the working group's published responses beside
the section they concern."""

from wagtail import hooks

from consultation.selectors.outcomes import section_responses
from hub.core.page_cache import memo
from hub.pages.panels import SECTION_PAGE_PANELS, Panel


@hooks.register(SECTION_PAGE_PANELS, order=150)
def section_responses_panel(*, page, request):
    # The same for every reader until something is published (a response, a page).
    responses = memo(f"synthesis:section-responses:{page.pk}", lambda: section_responses(page))
    if not responses:
        return None
    return Panel(
        templates={"aside": "consultation/panels/section_responses.html"},
        context={"synthesis_responses": responses},
    )
