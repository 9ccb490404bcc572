"""Publishing pages as an editor does, and the settings of a site served at another public
address."""

from django.test import override_settings


def publish(page, user=None):
    """Save a new revision of `page` and publish it, as an editor does."""
    revision = page.save_revision(user=user)
    revision.publish(user=user)
    page.refresh_from_db()
    return page


def at_public_address(url):
    """Settings as a deployment with SITE_URL=`url` has them (base.py derives Wagtail's
    two settings from SITE_URL; override_settings does not run base.py again)."""
    return override_settings(SITE_URL=url, WAGTAILADMIN_BASE_URL=url, WAGTAILAPI_BASE_URL=url)
