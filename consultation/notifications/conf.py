"""The notifications app's settings, read when used so tests and deployments can change
them. Their defaults are written once, in hub/settings/base.py."""

from datetime import timedelta

from django.conf import settings

from hub.core import public_address


def subject_prefix():
    return settings.NOTIFICATIONS_SUBJECT_PREFIX


def site_url():
    """Where links in emails point: the public address of the site (SITE_URL), without a
    final slash."""
    return public_address.site_url()


def batch_size():
    """Recipients per batch when one email goes to many people (one query and one SMTP
    conversation per batch)."""
    return settings.NOTIFICATIONS_BATCH_SIZE


def max_attempts():
    """How many times a task tries to hand an email to the mail server."""
    return settings.NOTIFICATIONS_MAX_ATTEMPTS


def retry_delay(attempt):
    """Wait before attempt `attempt + 1`: 1, 4, 16, 64 minutes..."""
    return timedelta(minutes=4 ** (attempt - 1))


def unsubscribe_max_age():
    """How long an unsubscribe link in an email keeps working."""
    return timedelta(days=settings.NOTIFICATIONS_UNSUBSCRIBE_LINK_DAYS)


def confirmation_max_age():
    """How long a subscription confirmation link works; unconfirmed addresses are deleted
    after this."""
    return timedelta(days=settings.NOTIFICATIONS_CONFIRMATION_DAYS)


def subscribe_rate_limit():
    """(attempts, seconds): subscription requests allowed from one network address."""
    return settings.NOTIFICATIONS_SUBSCRIBE_RATE_LIMIT


def confirmation_resend_seconds():
    """At most one subscription email per address in this time, whoever asks."""
    return settings.NOTIFICATIONS_CONFIRMATION_RESEND_SECONDS
