"""From a file to the responses to store: the check (counts, first rows, problems) and the
write, both reading the file front to back so memory stays flat however long it is.

A `Source` is where the file's bytes are: a path (the command line) or bytes kept on the
batch (the upload page). `items` yields a Record or Problem per row or message, whatever the
format; `classified` adds what each record is here: new, already imported (its key is in
this consultation, or earlier in the file), or empty (no text, no attachment: left out).
Keys are looked up a chunk of records at a time, so the queries do not grow with rows.
"""

import io
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field

from consultation.imports.csv_format import CsvFile
from consultation.imports.email_format import eml_items, mbox_items
from consultation.imports.models import FileFormat, ImportedResponse
from consultation.imports.records import Problem, Record, storable
from consultation.synthesis.imported_codes import NEW_THEMES_PER_FILE as NEW_THEMES_LIMIT
from consultation.synthesis.imported_codes import NewThemes

CHUNK = 1_000
PREVIEW_ROWS = 10
REPORTED_ERRORS = 100
NEW, DUPLICATE, EMPTY = "new", "already imported", "empty: left out"


@dataclass(frozen=True)
class Source:
    """A file's bytes: at `path`, or in `data`."""

    name: str
    path: str = ""
    data: bytes = b""

    @contextmanager
    def binary(self):
        if self.path:
            with open(self.path, "rb") as handle:
                yield handle
        else:
            yield io.BytesIO(self.data)

    @contextmanager
    def on_disk(self):
        """A path to the bytes (the mailbox module reads only paths)."""
        if self.path:
            yield self.path
            return
        with tempfile.TemporaryDirectory(prefix="import-") as folder:
            path = os.path.join(folder, "upload.mbox")
            with open(path, "wb") as handle:
                handle.write(self.data)
            yield path

    @property
    def size(self):
        return os.path.getsize(self.path) if self.path else len(self.data)


@dataclass
class Report:
    """What a check found: counts, the first rows as they will be stored, the problems."""

    columns: list = field(default_factory=list)
    mapping: dict = field(default_factory=dict)
    encoding: str = ""
    rows_read: int = 0
    rows_new: int = 0
    rows_duplicate: int = 0
    rows_empty: int = 0
    rows_in_attachment: int = 0
    error_count: int = 0
    errors: list = field(default_factory=list)
    preview: list = field(default_factory=list)

    @property
    def ok(self):
        return self.error_count == 0

    def add_problem(self, problem):
        self.error_count += 1
        if len(self.errors) < REPORTED_ERRORS:
            self.errors.append(problem.as_dict())

    def as_json(self):
        return storable(
            {
                "columns": self.columns,
                "encoding": self.encoding,
                "errors": self.errors,
                "preview": self.preview,
            }
        )

    def counts(self):
        return {
            "rows_read": self.rows_read,
            "rows_new": self.rows_new,
            "rows_duplicate": self.rows_duplicate,
            "rows_empty": self.rows_empty,
            "rows_in_attachment": self.rows_in_attachment,
            "error_count": self.error_count,
        }


@contextmanager
def items(source, file_format, mapping=None, report=None):
    """The Records and Problems of the file, in order; fills in the report's columns,
    mapping and encoding (CSV) as soon as they are known."""
    file_format = FileFormat(file_format)
    if file_format == FileFormat.MBOX:
        with source.on_disk() as path:
            yield mbox_items(path)
        return
    with source.binary() as binary:
        if file_format == FileFormat.EML:
            yield eml_items(binary)
            return
        reader = CsvFile(binary, mapping)
        if report is not None:
            report.encoding = reader.encoding

        def rows():
            for item in reader.items():
                if report is not None and not report.columns:
                    report.columns, report.mapping = reader.columns, reader.mapping
                yield item
            if report is not None:
                report.columns, report.mapping = reader.columns, reader.mapping

        yield rows()


def classified(consultation, entries):
    """(item, state) for each Record or Problem of `entries`; a Problem's state is None.
    A file whose themes column names more new themes than a codebook takes at once gets
    one Problem, at the row that went over."""
    seen = {}  # key -> (row, content hash), for repeats in the file
    chunk = []
    new_themes = None

    def flush():
        keys = [record.key for record in chunk if not record.is_empty]
        known = set(
            ImportedResponse.objects.filter(consultation=consultation, key__in=keys).values_list(
                "key", flat=True
            )
        )
        for record in chunk:
            if record.is_empty:
                yield record, EMPTY
                continue
            key = record.key
            earlier = seen.get(key)
            if earlier is not None:
                if earlier[1] != record.content_hash:
                    yield (
                        Problem(
                            record.row,
                            "",
                            f"its id {key.partition(':')[2]!r} is also on row {earlier[0]} "
                            "with a different response.",
                        ),
                        None,
                    )
                else:
                    yield record, DUPLICATE
                continue
            seen[key] = (record.row, record.content_hash)
            yield record, DUPLICATE if key in known else NEW
        chunk.clear()

    for entry in entries:
        if isinstance(entry, Record):
            if entry.themes:
                new_themes = new_themes or NewThemes(consultation)
                fits = len(new_themes.new) <= NEW_THEMES_LIMIT
                if not new_themes.add(entry.themes) and fits:
                    yield from flush()
                    yield Problem(entry.row, "", new_themes.problem()), None
            chunk.append(entry)
            if len(chunk) >= CHUNK:
                yield from flush()
        else:
            yield from flush()
            yield entry, None
    yield from flush()


def check(*, consultation, source, file_format, mapping=None, progress=None):
    """Read the whole file and say what importing it would do (a Report); stores nothing.
    `progress(rows)` is called every CHUNK rows."""
    report = Report(mapping=dict(mapping or {}))
    with items(source, file_format, mapping, report) as entries:
        for item, state in classified(consultation, entries):
            if state is None:
                report.add_problem(item)
                continue
            report.rows_read += 1
            if state == NEW:
                report.rows_new += 1
                report.rows_in_attachment += item.content_in_attachment
            elif state == DUPLICATE:
                report.rows_duplicate += 1
            else:
                report.rows_empty += 1
            if len(report.preview) < PREVIEW_ROWS:
                report.preview.append(item.preview(state))
            if progress and report.rows_read % CHUNK == 0:
                progress(report.rows_read)
    if progress:
        progress(report.rows_read)
    return report


class Rejected(Exception):
    """The file has a problem: nothing of it is stored."""

    def __init__(self, problem):
        super().__init__(str(problem))
        self.problem = problem


def new_records(*, consultation, source, file_format, mapping=None, progress=None):
    """The records to store, in chunks (lists); raises Rejected at the first problem."""
    chunk, done = [], 0
    with items(source, file_format, mapping) as entries:
        for item, state in classified(consultation, entries):
            if state is None:
                raise Rejected(item)
            done += 1
            if state == NEW:
                chunk.append(item)
                if len(chunk) >= CHUNK:
                    yield chunk
                    chunk = []
            if progress and done % CHUNK == 0:
                progress(done)
    if chunk:
        yield chunk
    if progress:
        progress(done)
