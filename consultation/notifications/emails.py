"""Building the emails: a plain-text part and a simple HTML part from the templates in
templates/notifications/email/, a prefixed subject, and the unsubscribe link both visible
in the text and in the List-Unsubscribe headers (RFC 2369, one-click per RFC 8058)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from consultation.notifications import conf, tokens
from consultation.notifications.models import Kind
from hub.core.public_address import absolute_url  # links in emails: at SITE_URL

MAX_SUBJECT_LENGTH = 150


def one_line(text, limit=MAX_SUBJECT_LENGTH):
    """`text` on one line (no header injection, whatever an editor typed), shortened."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def unsubscribe_url(kind, *, user=None, subscriber=None):
    token = tokens.unsubscribe_token(kind, user=user, subscriber=subscriber)
    return absolute_url(reverse("notifications:unsubscribe", args=[kind, token]))


def preferences_url():
    return absolute_url(reverse("notifications:preferences"))


def build(*, to, subject, template, context, kind=None, user=None, subscriber=None):
    """One email to one address. With `kind`, it carries that kind's unsubscribe link."""
    context = {
        **context,
        "site_url": conf.site_url(),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "unsubscribe_url": "",
        "kind_label": Kind(kind).label if kind else "",
    }
    headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    if kind:
        url = unsubscribe_url(kind, user=user, subscriber=subscriber)
        context["unsubscribe_url"] = url
        context["preferences_url"] = preferences_url() if user is not None else ""
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=one_line(conf.subject_prefix() + subject),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message
