"""The notifications app's settings, with their defaults. Read when used, so tests and
deployments can change them (see the commented block at the end of hub/settings/base.py)."""

from datetime import timedelta

from django.conf import settings

from hub.core import public_address


def subject_prefix():
    return getattr(settings, "NOTIFICATIONS_SUBJECT_PREFIX", "[AI strategy hub] ")


def site_url():
    """Where links in emails point: the public address of the site (SITE_URL), without a
    final slash."""
    return public_address.site_url()


def batch_size():
    """Recipients per batch when one email goes to many people (one query and one SMTP
    conversation per batch)."""
    return getattr(settings, "NOTIFICATIONS_BATCH_SIZE", 100)


def max_attempts():
    """How many times a task tries to hand an email to the mail server."""
    return getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 5)


def retry_delay(attempt):
    """Wait before attempt `attempt + 1`: 1, 4, 16, 64 minutes..."""
    return timedelta(minutes=4 ** (attempt - 1))


def unsubscribe_max_age():
    """How long an unsubscribe link in an email keeps working."""
    return timedelta(days=getattr(settings, "NOTIFICATIONS_UNSUBSCRIBE_LINK_DAYS", 365))


def confirmation_max_age():
    """How long a subscription confirmation link works; unconfirmed addresses are deleted
    after this."""
    return timedelta(days=getattr(settings, "NOTIFICATIONS_CONFIRMATION_DAYS", 7))


def subscribe_rate_limit():
    """(attempts, seconds): subscription requests allowed from one network address."""
    return getattr(settings, "NOTIFICATIONS_SUBSCRIBE_RATE_LIMIT", (5, 600))


def confirmation_resend_seconds():
    """At most one subscription email per address in this time, whoever asks."""
    return getattr(settings, "NOTIFICATIONS_CONFIRMATION_RESEND_SECONDS", 600)
