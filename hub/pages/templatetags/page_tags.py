"""Template tags of the public site."""

from django import template
from django.utils.safestring import mark_safe

from hub.pages import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, place, **extra):
    """What the apps show at `place` of this page (the `panels` in its context, from
    hub.pages.panels), in order; each template sees the page's context, its panel's, and
    `extra`. Nothing when no app fills the place."""
    rendered = []
    for panel in context.get("panels") or ():
        template_name = panel.templates.get(place)
        if template_name:
            with context.push(**panel.context, **extra):
                template_ = context.template.engine.get_template(template_name)
                rendered.append(template_.render(context))
    return mark_safe("".join(rendered))  # noqa: S308 - rendered templates, escaped there


@register.simple_tag(takes_context=True)
def breadcrumb_trail(context, page, include_page=False):
    return selectors.breadcrumbs(page, context.get("request"), include_page=include_page)
