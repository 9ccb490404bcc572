"""On the public pages (hub.pages.panels), the subscription to progress updates: the
form on the home page, the get-involved page and the updates index."""

from wagtail import hooks

from hub.pages.panels import (
    GET_INVOLVED_PAGE_PANELS,
    HOME_PAGE_PANELS,
    UPDATE_INDEX_PAGE_PANELS,
    Panel,
)

SUBSCRIBE_FORM = "notifications/includes/subscribe_form.html"


def _subscribe_panel(place):
    def panel(*, page, request):
        return Panel(templates={place: SUBSCRIBE_FORM}, context={"heading_level": 2, "form": None})

    return panel


hooks.register(HOME_PAGE_PANELS, _subscribe_panel("aside"), order=200)
hooks.register(GET_INVOLVED_PAGE_PANELS, _subscribe_panel("follow"), order=200)
hooks.register(UPDATE_INDEX_PAGE_PANELS, _subscribe_panel("follow"), order=200)
