"""Template tags of the public site."""

from django import template

from hub.pages import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def breadcrumb_trail(context, page, include_page=False):
    return selectors.breadcrumbs(page, context.get("request"), include_page=include_page)
