"""Make Wagtail's Site record agree with SITE_URL (every `migrate` does this too)."""

from django.core.management.base import BaseCommand

from hub.core import public_address


class Command(BaseCommand):
    help = "Set the default Wagtail site's hostname and port from SITE_URL."

    def handle(self, *args, **options):
        disagreement = public_address.sync_site_record()
        if disagreement:
            self.stdout.write(f"{disagreement} The site record now follows SITE_URL.")
        else:
            self.stdout.write(
                f"The Wagtail site record agrees with SITE_URL ({public_address.site_url()})."
            )
