"""The codes-only import: themes another tool gave to responses already imported here,
applied to their items by the responses' external ids.

A CSV file with an external id column and a themes column (names separated by
semicolons; the columns are guessed from the header or chosen). `code_import_create`
stores the file and checks it at once: how many rows name an item here, the rows whose id
is unknown (row, id, reason: reported and skipped, never fatal), the themes the codebook
will gain and the first rows; a row the file cannot give (a broken row, a theme name too
long, too many names) rejects the file. `code_import_apply` checks it again against what
is stored now and writes every code in one transaction (consultation.synthesis.coding,
scope IMPORT, source IMPORTED, one action per theme); a code an item already has stays as
it is, so applying the same file again adds nothing.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from consultation.imports.csv_format import GUESSES, CsvFile, Layout
from consultation.imports.models import ImportedResponse
from consultation.imports.reading import Source
from consultation.imports.records import Problem, storable
from consultation.synthesis import imported_codes
from consultation.synthesis.models import CodeImport
from hub.core.audit import audit_record
from hub.core.sanitise import strip_invisible

FIELDS = {"external_id": "External id", "themes": "Themes (names separated by semicolons)"}
REQUIRED = {
    "external_id": "No column is chosen for the external id of the responses.",
    "themes": "No column is chosen for the themes.",
}
CHUNK = 1_000
PREVIEW_ROWS = 10
REPORTED = 100
KNOWN, UNKNOWN, NO_THEMES = "will be coded", "unknown id", "no themes: left out"


class NotAllowed(Exception):
    """The import is not in a state that allows this."""


@dataclass
class CodeRow:
    row: int
    external_id: str
    themes: list


def code_row(row, values, mapping):
    """(CodeRow, []) or (None, problems) for one row's raw values."""
    external_id = " ".join(strip_invisible(values.get("external_id", "")).split())
    themes, reason = imported_codes.split_names(strip_invisible(values.get("themes", "")))
    if reason:
        return None, [Problem(row, mapping.get("themes", "themes"), reason)]
    return CodeRow(row, external_id, themes), []


LAYOUT = Layout(FIELDS, {name: GUESSES[name] for name in FIELDS}, REQUIRED, code_row)


@dataclass
class Check:
    """What applying a file would do, and the codes to write ({item id: names})."""

    columns: list = field(default_factory=list)
    mapping: dict = field(default_factory=dict)
    encoding: str = ""
    rows_read: int = 0
    rows_known: int = 0
    rows_unknown: int = 0
    rows_without_themes: int = 0
    errors: list = field(default_factory=list)
    error_count: int = 0
    unknown: list = field(default_factory=list)
    preview: list = field(default_factory=list)
    new_themes: list = field(default_factory=list)
    new_theme_count: int = 0
    codes: dict = field(default_factory=dict)

    @property
    def ok(self):
        return self.error_count == 0 and self.rows_known > 0

    def problem(self, problem):
        self.error_count += 1
        if len(self.errors) < REPORTED:
            self.errors.append(problem.as_dict())

    def as_json(self):
        names = (
            "columns", "mapping", "encoding", "rows_read", "rows_known", "rows_unknown",
            "rows_without_themes", "errors", "error_count", "unknown", "preview",
            "new_themes", "new_theme_count",
        )  # fmt: skip
        return storable({name: getattr(self, name) for name in names})


def check(*, consultation, source, mapping=None):
    """Read the whole file and say what applying it would do (a Check); stores nothing."""
    found = Check()
    new_themes = imported_codes.NewThemes(consultation)
    with source.binary() as binary:
        reader = CsvFile(binary, mapping, layout=LAYOUT)
        found.encoding = reader.encoding
        chunk = []
        for entry in reader.items():
            if isinstance(entry, Problem):
                found.problem(entry)
                continue
            fitted = len(new_themes.new) <= imported_codes.NEW_THEMES_PER_FILE
            if entry.themes and not new_themes.add(entry.themes) and fitted:
                found.problem(Problem(entry.row, "", new_themes.problem()))
            chunk.append(entry)
            if len(chunk) >= CHUNK:
                _classify(consultation, chunk, found)
                chunk = []
        _classify(consultation, chunk, found)
        found.columns, found.mapping = reader.columns, reader.mapping or {}
    found.new_theme_count = len(new_themes.new)
    found.new_themes = sorted(new_themes.new.values(), key=str.casefold)[:50]
    if found.error_count == 0 and found.rows_read and not found.rows_known:
        found.problem(Problem(None, "", "No row names a response imported into this consultation."))
    return found


def _classify(consultation, rows, found):
    keys = [f"id:{row.external_id}" for row in rows if row.external_id]
    items = dict(
        ImportedResponse.objects.filter(consultation=consultation, key__in=keys).values_list(
            "key", "feedback_item__id"
        )
    )
    for row in rows:
        found.rows_read += 1
        item_id = items.get(f"id:{row.external_id}") if row.external_id else None
        if not row.themes:
            state = NO_THEMES
            found.rows_without_themes += 1
        elif item_id is None:
            state = UNKNOWN
            found.rows_unknown += 1
            if len(found.unknown) < REPORTED:
                reason = (
                    "no id in this row"
                    if not row.external_id
                    else "no response imported into this consultation has this id"
                )
                found.unknown.append({"row": row.row, "id": row.external_id, "reason": reason})
        else:
            state = KNOWN
            found.rows_known += 1
            names = found.codes.setdefault(item_id, [])
            names.extend(n for n in row.themes if n.casefold() not in map(str.casefold, names))
        if len(found.preview) < PREVIEW_ROWS:
            found.preview.append(
                {"row": row.row, "id": row.external_id, "themes": row.themes, "state": state}
            )


def _stored_source(code_import):
    return Source(name=code_import.file_name, data=bytes(code_import.content))


def code_import_create(*, consultation, user, file_name, content, mapping=None):
    """Store an uploaded file of codes and check it (ready, or rejected with problems)."""
    found = check(
        consultation=consultation,
        source=Source(name=file_name, data=content),
        mapping=mapping or None,
    )
    return CodeImport.objects.create(
        consultation=consultation,
        created_by=user,
        file_name=file_name[:255],
        content=content if found.ok else b"",
        mapping=found.mapping,
        status=CodeImport.Status.READY if found.ok else CodeImport.Status.REJECTED,
        report=found.as_json(),
    )


def code_import_apply(*, code_import, actor, source=None):
    """Write the file's codes (checked again against what is stored now) in one
    transaction, audited; once. Returns the import, applied or rejected."""
    with transaction.atomic():
        code_import = CodeImport.objects.select_for_update().get(pk=code_import.pk)
        if code_import.status != CodeImport.Status.READY:
            raise NotAllowed("These codes have already been applied, or the file has problems.")
        found = check(
            consultation=code_import.consultation,
            source=source or _stored_source(code_import),
            mapping=code_import.mapping or None,
        )
        code_import.report = found.as_json()
        if not found.ok:
            code_import.status = CodeImport.Status.REJECTED
            code_import.save(update_fields=["report", "status"])
            return code_import
        actions = imported_codes.apply_imported(
            actor=actor,
            consultation=code_import.consultation,
            codes=found.codes,
            search=f"code_import={code_import.pk}",
        )
        code_import.codes_added = sum(action.changed_count for action in actions)
        code_import.status = CodeImport.Status.APPLIED
        code_import.applied_at = timezone.now()
        code_import.applied_by = actor
        code_import.content = b""
        code_import.save()
        audit_record(
            actor=actor,
            action="codes_imported",
            target=code_import,
            data={
                "consultation": code_import.consultation_id,
                "file": code_import.file_name,
                "items": len(found.codes),
                "codes": code_import.codes_added,
                "unknown_rows": found.rows_unknown,
            },
        )
    return code_import
