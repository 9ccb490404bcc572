"""Template tags of the public site."""

from django import template

from hub.pages import selectors

register = template.Library()


@register.simple_tag
def breadcrumb_trail(page):
    return selectors.breadcrumbs(page)
