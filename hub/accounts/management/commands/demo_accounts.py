"""Print how to sign in to the demo site."""

from django.core.management.base import BaseCommand

from hub.accounts import demo
from hub.core.public_address import absolute_url


class Command(BaseCommand):
    help = "Print the demo sign-ins."

    def handle(self, *args, **options):
        lines = [
            "",
            f"The demo site is at {absolute_url('/')}  (admin: {absolute_url('/admin/')})",
            f"Sign in with any of these addresses and the password  {demo.DEMO_PASSWORD}",
            *demo.sign_in_lines(),
            "Staff accounts are asked to set up an authenticator app (TOTP) on their first",
            "visit to a staff page; every stakeholder account works without one.",
            "Emails (verification, notifications) are printed in this terminal.",
            "",
        ]
        self.stdout.write("\n".join(lines))
