"""System checks of the site's configuration that need the database (run them with
`manage.py check --database default`, as a deployment does after `migrate`)."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError

from hub.core import public_address


@register(Tags.database)
def site_record_agrees_with_site_url(app_configs=None, databases=None, **kwargs):
    """Wagtail routes requests by its Site record; it must name the address in SITE_URL."""
    if not databases:
        return []
    from wagtail.models import Site

    try:
        site = Site.objects.filter(is_default_site=True).first()
    except DatabaseError:  # not migrated yet: `migrate` brings the record into line
        return []
    if site is None:
        return [
            Warning(
                "There is no default Wagtail site.",
                hint="Create one in the admin (Settings > Sites) or load the demo content.",
                id="hub.W001",
            )
        ]
    disagreement = public_address.site_record_disagreement(site)
    if not disagreement:
        return []
    return [
        Warning(
            disagreement,
            hint="Run `manage.py sync_site_address` (every `migrate` also does it).",
            id="hub.W002",
        )
    ]
