"""Export every feedback item (or, with `--responses`, every submitted questionnaire
response) of one consultation, as the working group's exports page does: the same rows,
streamed a chunk at a time, to standard output or `--output FILE`, and written to the
audit log (with no actor: it was run on the server).

    manage.py export_feedback <consultation-slug> --format csv|jsonl [--anonymised]
        [--responses] [--output FILE]
"""

from django.core.management.base import BaseCommand, CommandError

from consultation.feedback.export import FORMATS
from consultation.models import Consultation
from consultation.selectors import exports as export_selectors
from consultation.services import exports as export_services


class Command(BaseCommand):
    help = "Export a consultation's feedback items or questionnaire responses (CSV or JSONL)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The consultation's slug")
        parser.add_argument("--format", choices=sorted(FORMATS), default="csv")
        parser.add_argument(
            "--anonymised",
            action="store_true",
            help="Leave out names, email addresses and individuals' organisations",
        )
        parser.add_argument(
            "--responses",
            action="store_true",
            help="Export submitted questionnaire responses instead of feedback items",
        )
        parser.add_argument("--output", help="Write to this file instead of standard output")

    def handle(self, *args, slug, format, anonymised, responses, output, **options):
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(f"No consultation has the slug {slug!r}.")
        what = export_selectors.RESPONSES if responses else export_selectors.ITEMS
        found = export_selectors.consultation_export(
            consultation, what=what, format_name=format, anonymised=anonymised
        )
        if found is None:
            raise CommandError(f"The consultation {slug!r} has no questionnaire.")
        export_services.export_record(
            user=None,
            consultation=consultation,
            what=what,
            format_name=format,
            anonymised=anonymised,
            count=found.count,
        )
        if output:
            with open(output, "w", encoding="utf-8", newline="") as file:
                file.writelines(found.chunks)
            self.stderr.write(f"Wrote {found.count} {what} to {output}.")
        else:
            for chunk in found.chunks:
                self.stdout.write(chunk, ending="")
