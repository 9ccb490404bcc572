"""Apply codes from another tool to responses already imported, by their external id:

    manage.py import_codes draft-strategy codes.csv [--map external_id=ID,themes=Codes]

The CSV file has a column of external ids (those of the imported responses) and a column
of theme names separated by semicolons; themes the codebook lacks are made. It is checked
first (rows whose id is unknown are listed with the reason and skipped), then applied in
one transaction; applying it again adds nothing. --dry-run checks only."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from consultation.imports.csv_format import MappingError, parse_mapping
from consultation.imports.reading import Source
from consultation.imports.records import Problem
from consultation.models import Consultation
from consultation.synthesis import code_imports
from consultation.synthesis.models import CodeImport


class Command(BaseCommand):
    help = __doc__.split("\n\n")[0]

    def add_arguments(self, parser):
        parser.add_argument("consultation", help="the consultation's slug")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            help="columns: external_id=column,themes=column (default: guessed from the header)",
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
        try:
            mapping = parse_mapping(",".join(options["map"]), code_imports.FIELDS) or None
        except MappingError as error:
            raise CommandError(f"--map: {error}") from error
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(email__iexact=options["user"]).first()
            if actor is None:
                raise CommandError(f"No account has the address {options['user']}.")
        source = Source(name=path.name, path=str(path))
        found = code_imports.check(consultation=consultation, source=source, mapping=mapping)
        self.stdout.write(
            f"{found.rows_read:,} rows read: {found.rows_known:,} name a response here, "
            f"{found.rows_unknown:,} an unknown id, {found.rows_without_themes:,} no theme. "
            f"New themes: {found.new_theme_count:,}."
        )
        for row in found.unknown:
            self.stdout.write(f"  Row {row['row']} ({row['id'] or 'no id'}): {row['reason']}.")
        if found.rows_unknown > len(found.unknown):
            self.stdout.write(f"  … and {found.rows_unknown - len(found.unknown):,} more.")
        if not found.ok:
            for error in found.errors:
                self.stderr.write(f"  {Problem(**error)}")
            raise CommandError(
                f"{found.error_count:,} problem{'s' if found.error_count != 1 else ''}: "
                "no codes were applied."
            )
        if options["dry_run"]:
            self.stdout.write("Dry run: no codes were applied.")
            return
        code_import = CodeImport.objects.create(
            consultation=consultation,
            created_by=actor,
            file_name=path.name[:255],
            mapping=found.mapping,
            report=found.as_json(),
        )
        code_import = code_imports.code_import_apply(
            code_import=code_import, actor=actor, source=source
        )
        if code_import.status != CodeImport.Status.APPLIED:
            raise CommandError("No codes were applied: the file changed or has problems.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Applied {code_import.codes_added:,} new codes to "
                f"{found.rows_known:,} rows' items in “{consultation.title}”."
            )
        )
