"""Display helpers for consultation templates: deadlines in words, user text, names and
breadcrumbs. No queries and no decisions here (the rules and selectors make those); form
fields are drawn by the form renderer (hub.core.forms)."""

import math

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from consultation import conf, fragments, naming
from hub.core.sanitise import light_for_display, unlinked_for_display

register = template.Library()


def _days_phrase(delta):
    seconds = delta.total_seconds()
    if seconds < 3600:
        minutes = max(1, math.ceil(seconds / 60))
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    if seconds < 86400:
        hours = math.floor(seconds / 3600)
        return f"in {hours} hour{'s' if hours != 1 else ''}"
    days = math.floor(seconds / 86400)
    return "tomorrow" if days == 1 else f"in {days} days"


@register.filter
def deadline_phrase(consultation, now=None):
    """'closes in 5 days', 'closes in 3 hours', 'opens tomorrow', 'closed'."""
    now = now or timezone.now()
    state = consultation.state(now)
    if state == "upcoming":
        return f"opens {_days_phrase(consultation.opens_at - now)}"
    if state == "open":
        return f"closes {_days_phrase(consultation.closes_at - now)}"
    return "closed"


@register.filter
def user_html(value):
    """Stored user text as HTML: checked again on the way out (defence in depth)."""
    return mark_safe(light_for_display(value))  # noqa: S308 - checked or sanitised just now


@register.filter
def user_html_unlinked(value):
    """Stored user text as HTML without live links, for words no moderator has approved."""
    return mark_safe(unlinked_for_display(value))  # noqa: S308 - sanitised just now


@register.filter
def for_paragraph(discussion, paragraph):
    return discussion.for_paragraph(paragraph.id) if discussion else None


@register.filter
def author_name(comment):
    return naming.author_name(comment)


@register.simple_tag
def breadcrumbs(*pairs):
    """NHS.UK breadcrumbs from alternating titles and URLs; the last pair is the back link."""
    from django.utils.html import format_html, format_html_join

    crumbs = [("Home", "/"), *zip(pairs[::2], pairs[1::2], strict=True)]
    items = format_html_join(
        "",
        '<li class="nhsuk-breadcrumb__list-item"><a class="nhsuk-breadcrumb__link" '
        'href="{}">{}</a></li>',
        ((url, title) for title, url in crumbs),
    )
    back_title, back_url = crumbs[-1]
    return format_html(
        '<nav class="nhsuk-breadcrumb" aria-label="Breadcrumb"><ol class="nhsuk-breadcrumb__list">'
        '{}</ol><a class="nhsuk-back-link" href="{}"><span class="nhsuk-u-visually-hidden">'
        "Back to </span>{}</a></nav>",
        items,
        back_url,
        back_title,
    )


@register.filter
def author_sector(comment):
    return naming.author_sector(comment)


@register.simple_tag(takes_context=True)
def shown_comment(context, item, fresh=None):
    """One comment (a Shown) as consultation/includes/comment.html renders it, rendered once
    for everyone who sees it the same way (consultation.fragments)."""
    return mark_safe(fragments.rendered_comment(context, item, fresh=fresh))  # noqa: S308 - a rendered template


@register.simple_tag(takes_context=True)
def shown_thread(context, thread):
    """One thread as consultation/includes/thread.html renders it, rendered once for
    everyone who sees each of its comments the same way (consultation.fragments)."""
    return mark_safe(fragments.rendered_thread(context, thread))  # noqa: S308 - a rendered template


@register.simple_tag(takes_context=True)
def discussion_part(context, template_name, paragraph=None):
    """A part of a section page's discussion, rendered once for everyone who sees it the
    same way (consultation.fragments)."""
    return mark_safe(  # noqa: S308 - a rendered template
        fragments.rendered_discussion_part(context, template_name, paragraph=paragraph)
    )


@register.simple_tag
def edit_window_minutes():
    """How long authors may edit (CONSULTATION_EDIT_WINDOW_MINUTES), for the pages that say so."""
    return conf.edit_window_minutes()


@register.simple_tag
def withdrawn_retention_days():
    """How long withdrawn text is kept (CONSULTATION_WITHDRAWN_RETENTION_DAYS)."""
    return conf.withdrawn_retention_days()
