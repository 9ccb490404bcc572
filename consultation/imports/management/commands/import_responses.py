"""Import responses from a CSV file, an .eml message or an .mbox mailbox into a consultation:

    manage.py import_responses draft-strategy responses.csv --map text=Response,external_id=ID
    manage.py import_responses draft-strategy letters.mbox

The file is checked first (every row; a progress bar on standard error), then imported in
one transaction with its feedback items. Any problem (row, column, reason) stops it before
anything is stored; importing the same file again adds nothing. --dry-run checks and shows
the first rows as they would be stored, and stops there."""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from consultation.imports import reading, services
from consultation.imports.csv_format import FIELDS, MappingError, parse_mapping
from consultation.imports.models import FileFormat, ImportBatch
from consultation.models import Consultation

FORMAT_BY_SUFFIX = {".csv": FileFormat.CSV, ".eml": FileFormat.EML, ".mbox": FileFormat.MBOX}


class ProgressBar:
    """`Checking  [#########-----------]  45,000 of 100,000 rows` on one line, redrawn at
    most ten times a second."""

    WIDTH = 30

    def __init__(self, stream, label, total=None, unit="rows"):
        self.stream, self.label, self.total, self.unit = stream, label, total, unit
        self.drawn_at = 0.0

    def __call__(self, done):
        now = time.monotonic()
        if now - self.drawn_at < 0.1 and done != self.total:
            return
        self.drawn_at = now
        if self.total:
            filled = round(self.WIDTH * min(done, self.total) / self.total)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            line = f"{self.label:<10}[{bar}] {done:,} of {self.total:,} {self.unit}"
        else:
            line = f"{self.label:<10}{done:,} {self.unit}"
        self.stream.write("\r" + line)
        self.stream.flush()

    def end(self):
        self.stream.write("\n")


class Command(BaseCommand):
    help = __doc__.split("\n\n")[0]

    def add_arguments(self, parser):
        parser.add_argument("consultation", help="the consultation's slug")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format",
            choices=[f.value for f in FileFormat],
            help="csv, eml or mbox (default: from the file's name)",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            help=f"CSV columns: field=column,... (fields: {', '.join(FIELDS)}); "
            "default: guessed from the header",
        )
        parser.add_argument("--user", help="the email address of who imports (audit log)")
        parser.add_argument("--dry-run", action="store_true", help="check only")

    def handle(self, *args, **options):
        consultation = Consultation.objects.filter(slug=options["consultation"]).first()
        if consultation is None:
            raise CommandError(f"No consultation has the slug “{options['consultation']}”.")
        path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        file_format = options["format"] or FORMAT_BY_SUFFIX.get(path.suffix.lower())
        if file_format is None:
            raise CommandError("Say the file's --format (csv, eml or mbox).")
        try:
            mapping = parse_mapping(",".join(options["map"])) or None
        except MappingError as error:
            raise CommandError(f"--map: {error}") from error
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(email__iexact=options["user"]).first()
            if actor is None:
                raise CommandError(f"No account has the address {options['user']}.")

        source = reading.Source(name=path.name, path=str(path))
        bar = ProgressBar(self.stderr, "Checking")
        report = reading.check(
            consultation=consultation,
            source=source,
            file_format=file_format,
            mapping=mapping,
            progress=bar,
        )
        bar.end()
        self._summary(report)
        if not report.ok:
            words = ("row", "column") if file_format == FileFormat.CSV else ("message", "header")
            for error in report.errors:
                self.stderr.write(f"  {reading.Problem(**error).describe(*words)}")
            more = report.error_count - len(report.errors)
            if more:
                self.stderr.write(f"  … and {more:,} more.")
            raise CommandError(
                f"{report.error_count:,} problem{'s' if report.error_count != 1 else ''}: "
                "nothing was imported."
            )
        if options["dry_run"]:
            for row in report.preview:
                self.stdout.write(f"  row {row['row']} ({row['state']}): {row['text'][:70]!r}")
            self.stdout.write("Dry run: nothing was imported.")
            return
        batch = ImportBatch.objects.create(
            consultation=consultation,
            created_by=actor,
            channel=FileFormat(file_format).channel,
            file_format=file_format,
            file_name=path.name[:255],
            file_size=source.size,
            mapping=report.mapping,
            status="importing",
            report=report.as_json(),
            **report.counts(),
        )
        bar = ProgressBar(self.stderr, "Importing", report.rows_read)
        batch = services.batch_import(batch=batch, actor=actor, source=source, progress=bar)
        bar.end()
        if batch.status != "imported":
            raise CommandError(f"Nothing was imported: {batch.report['errors'][0]['reason']}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {batch.responses_created:,} responses into “{consultation.title}” "
                f"(batch {batch.pk})."
            )
        )

    def _summary(self, report):
        self.stdout.write(
            f"{report.rows_read:,} rows read: {report.rows_new:,} new, "
            f"{report.rows_duplicate:,} already imported, {report.rows_empty:,} empty "
            f"(left out), {report.rows_in_attachment:,} with the response in an attachment."
        )
        if report.encoding:
            self.stdout.write(f"Encoding: {report.encoding}. Columns: {report.mapping}.")
