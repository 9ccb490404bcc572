"""CSV files: which column holds which of our fields (the mapping), the header's checks, and
each row's raw values for `records.record_from`.

Rows are numbered as a spreadsheet shows them: the header is row 1 and every line counts,
blank ones too (they are skipped, not read as responses: a million blank lines cost a
million iterations of the csv module, never a list). A row with another number of fields
than the header, a quote that is never closed or a field over the csv module's limit
(131,072 characters, so a 10 MB field is never held whole) rejects the file. Cells are
kept as the text they hold: `=HYPERLINK(...)` stays that text, a formula only to a
spreadsheet; our CSV exports neutralise such cells when they write them.
"""

import csv
from dataclasses import dataclass

from consultation.imports.decoding import ENCODING_NAMES, detect_encoding, text_stream, undecodable
from consultation.imports.records import Problem, record_from

# Our fields a column can hold, as the forms name them.
FIELDS = {
    "text": "Response text",
    "external_id": "External id",
    "date": "Date",
    "organisation": "Organisation",
    "sector": "Sector",
    "region": "Region",
    "respondent_name": "Respondent's name (private)",
    "respondent_email": "Respondent's email address (private)",
    "themes": "Themes (names separated by semicolons)",
}
# Column names that say which field they are, for a first guess at the mapping.
GUESSES = {
    "text": ("text", "response", "comment", "answer", "body", "message"),
    "external_id": ("external_id", "external id", "id", "response id", "reference"),
    "date": ("date", "created_at", "submitted", "submitted at", "received"),
    "organisation": ("organisation", "organization"),
    "sector": ("sector",),
    "region": ("region",),
    "respondent_name": ("respondent_name", "respondent name", "name", "full name"),
    "respondent_email": ("respondent_email", "respondent email", "email", "email address"),
    "themes": ("themes", "theme", "codes", "tags"),
}


class MappingError(ValueError):
    """A mapping that names a field we do not have, or is not field=column."""


def parse_mapping(spec, fields=FIELDS):
    """{field: column} from "text=Response,date=Submitted on" (the command line's --map)."""
    mapping = {}
    for part in filter(None, (part.strip() for part in spec.split(","))):
        name, sep, column = part.partition("=")
        name = name.strip()
        if not sep or not column.strip():
            raise MappingError(f"“{part}” is not field=column.")
        if name not in fields:
            raise MappingError(f"“{name}” is not a field; the fields are: {', '.join(fields)}.")
        mapping[name] = column.strip()
    return mapping


def guess_mapping(columns, guesses=GUESSES):
    """The mapping the column names suggest (each field at most once)."""
    by_name = {column.strip().casefold(): column for column in columns}
    mapping = {}
    for name, names in guesses.items():
        for guess in names:
            if guess in by_name and by_name[guess] not in mapping.values():
                mapping[name] = by_name[guess]
                break
    return mapping


# The fields a file must have a column for, and what a missing one is told.
REQUIRED = {"text": "No column is chosen for the response text."}


def header_problems(columns, mapping, fields=FIELDS, required=None):
    required = REQUIRED if required is None else required
    problems = []
    seen = {}
    for number, column in enumerate(columns, start=1):
        if column and column in seen:
            problems.append(
                Problem(
                    1,
                    column,
                    f"appears twice in the header (columns {seen[column]} and {number}): "
                    "each column needs its own name.",
                )
            )
        seen.setdefault(column, number)
        if undecodable(column):
            problems.append(Problem(1, "", f"the header has bytes that are not text: {column!r}."))
    for name, message in required.items():
        if name not in mapping:
            problems.append(Problem(1, "", message))
    present = ", ".join(f"“{c}”" for c in columns if c) or "none"
    for name, column in mapping.items():
        if column not in seen:
            problems.append(
                Problem(
                    1,
                    column,
                    f"is chosen for {fields[name].lower()} but the file has no such "
                    f"column; its columns are {present}.",
                )
            )
    return problems


@dataclass(frozen=True)
class Layout:
    """What a kind of CSV file holds: its fields (name → label), the column names that
    suggest each, the fields it must have (name → the problem if it has not), and the
    function that turns a row's values into a record: record(row, values, mapping) →
    (record, problems)."""

    fields: dict
    guesses: dict
    required: dict
    record: object


RESPONSES = Layout(FIELDS, GUESSES, REQUIRED, record_from)


class CsvFile:
    """A CSV file read once, front to back: `encoding` at once, `columns` once `items()`
    has started. `items()` yields a record or Problem per row that is not blank; after a
    problem in the header or a row the csv module cannot read, nothing more. `layout` says
    what the file holds (responses by default)."""

    def __init__(self, binary, mapping=None, *, layout=RESPONSES):
        self.binary = binary
        self.encoding = detect_encoding(binary)
        self.mapping = dict(mapping) if mapping else None
        self.columns = []
        self.layout = layout

    def items(self):
        stream = text_stream(self.binary, self.encoding)
        try:
            yield from self._rows(csv.reader(stream, strict=True))
        finally:
            stream.detach()

    def _rows(self, reader):
        row = 0
        header = None
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                yield Problem(row + 1, "", _csv_error(error))
                return
            row += 1
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [cell.strip() for cell in cells]
                self.columns = header
                if self.mapping is None:
                    self.mapping = guess_mapping(header, self.layout.guesses)
                problems = header_problems(
                    header, self.mapping, self.layout.fields, self.layout.required
                )
                if problems:
                    yield from problems
                    return
                index = {name: header.index(column) for name, column in self.mapping.items()}
                continue
            yield from self._record(row, cells, header, index)
        if header is None:
            yield Problem(None, "", "The file is empty: its first row should name the columns.")

    def _record(self, row, cells, header, index):
        if len(cells) != len(header):
            yield Problem(
                row,
                "",
                f"has {len(cells)} fields where the header has {len(header)}. A field "
                "holding a comma or a line break must be in double quotes.",
            )
            return
        if undecodable("".join(cells)):
            for number, cell in enumerate(cells):
                if bad := undecodable(cell):
                    yield Problem(
                        row,
                        header[number],
                        f"has bytes that are not {ENCODING_NAMES[self.encoding]} text: {bad}. "
                        "Save the file as UTF-8 and import it again.",
                    )
            return
        values = {name: cells[position] for name, position in index.items()}
        record, problems = self.layout.record(row, values, self.mapping)
        if record is None:
            yield from problems
        else:
            yield record


def _csv_error(error):
    message = str(error)
    if "field limit" in message:
        return (
            f"a field is longer than {csv.field_size_limit():,} characters. A quote that "
            "is never closed makes the rest of the file one field: check the quotes."
        )
    if "unexpected end of data" in message or "EOF" in message:
        return "a quoted field is never closed: a double quote is missing."
    if "expected after" in message:
        return 'a double quote inside a quoted field must be written twice ("").'
    return f"this row cannot be read as CSV ({message})."
