"""What other apps show on the public pages, without the pages knowing which apps exist.

A page asks a Wagtail hook for its panels (`panels_for`). Each app registers, in its own
wagtail_hooks.py, a function of the page and the request that returns a Panel, or None to
show nothing: the context it adds and, for each place of the page it fills, a template.
Panels come in the hooks' `order` (`@hooks.register(HOOK, order=...)`), and a page's
template renders each place with `{% panels "place" %}` (hub.pages.templatetags.page_tags).

The hooks and the places of each page:

- SECTION_PAGE_PANELS: `head` (styles), `scripts`, `before_body`, `paragraph` (under each
  paragraph, with `paragraph` in its context), `after_body`, `aside`
- HOME_PAGE_PANELS: `main` (after the current phase), `aside` (after how to get involved)
- GET_INVOLVED_PAGE_PANELS: `main` (after the introduction), `follow` (after "follow
  progress"), `contact` (in the contact section)
- UPDATE_INDEX_PAGE_PANELS: `follow` (after the updates)
"""

from dataclasses import dataclass, field

from wagtail import hooks

SECTION_PAGE_PANELS = "section_page_panels"
HOME_PAGE_PANELS = "home_page_panels"
GET_INVOLVED_PAGE_PANELS = "get_involved_page_panels"
UPDATE_INDEX_PAGE_PANELS = "update_index_page_panels"


@dataclass
class Panel:
    """What one app shows on one page: `templates` by place, rendered with the page's
    context and `context`."""

    templates: dict
    context: dict = field(default_factory=dict)


def panels_for(hook_name, *, page, request):
    """The panels the apps registered for `hook_name` give for this page and reader."""
    found = (make(page=page, request=request) for make in hooks.get_hooks(hook_name))
    return [panel for panel in found if panel is not None]
