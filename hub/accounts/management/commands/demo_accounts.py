"""Print how to sign in to the demo site."""

from django.core.management.base import BaseCommand

from hub.accounts import demo


class Command(BaseCommand):
    help = "Print the demo sign-ins."

    def handle(self, *args, **options):
        lines = [
            "",
            "The demo site is at http://127.0.0.1:8000  (admin: http://127.0.0.1:8000/admin/)",
            f"Sign in with any of these addresses and the password  {demo.DEMO_PASSWORD}",
            *demo.sign_in_lines(),
            "Staff accounts are asked to set up an authenticator app (TOTP) on their first",
            "visit to a staff page; every stakeholder account works without one.",
            "Emails (verification, notifications) are printed in this terminal.",
            "",
        ]
        self.stdout.write("\n".join(lines))
