from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def sync_site_address(sender, verbosity=1, stdout=None, **kwargs):
    """After every `migrate` (a deployment's step), Wagtail's Site record follows SITE_URL."""
    from hub.core import public_address

    disagreement = public_address.sync_site_record()
    if disagreement and verbosity and stdout is not None:
        stdout.write(f"{disagreement} The site record now follows SITE_URL.")


class CoreConfig(AppConfig):
    name = "hub.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from hub.core import checks  # noqa: F401 - registers the checks

        # Sent once per app with models: listen for the one that owns the Site record.
        post_migrate.connect(
            sync_site_address,
            sender=apps.get_app_config("wagtailcore"),
            dispatch_uid="core.sync_site_address",
        )
