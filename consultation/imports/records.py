"""One response as read from a file, before it is stored, and the checks every channel shares.

A reader (csv_format, email_format) turns each row or message into the raw values of our
fields; `record_from` checks them (lengths, a date, a sector and region we know, an email
address) and gives a `Record`, or the `Problem`s that reject the file: row, column, reason.
"""

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from consultation.synthesis.imported_codes import split_names
from hub.accounts.models import Region, Sector
from hub.core.sanitise import strip_invisible

# What a response may hold, in characters. The text limit is far above any letter; the csv
# module's own field limit (131,072) stops a field larger still before it is read whole.
TEXT_MAX = 100_000
LIMITS = {
    "external_id": 255,
    "message_id": 255,
    "organisation": 150,
    "respondent_name": 200,
    "respondent_email": 254,
    "subject": 500,
}
DATE_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M")
# The years a response's date may be in (the search's date filter takes the same). A time
# near year 1 or 9999 with a zone reads well but cannot be stored: the database keeps it in
# UTC, and converting it overflows what a datetime holds, which would fail the import's
# transaction instead of reporting the row.
FIRST_YEAR, LAST_YEAR = 1900, 2999
PREVIEW_TEXT = 300
# What PostgreSQL cannot store in text or JSON: a NUL, and a lone surrogate (how decoding
# marks a byte that is not text, and how the email parser keeps a header's 8-bit bytes).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value):
    """`value` (a report's JSON: dicts, lists, text, numbers) with nothing PostgreSQL
    refuses: NULs dropped, lone surrogates shown as U+FFFD. A report quotes the file (its
    column names, a header it cannot read), and one that could not be saved left its batch
    "checking" for good."""
    if isinstance(value, str):
        return _UNSTORABLE.sub(lambda found: "\ufffd" if found.group() > "\x00" else "", value)
    if isinstance(value, dict):
        return {key: storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [storable(item) for item in value]
    return value


@dataclass(frozen=True)
class Problem:
    """Why a file is refused: where (row or message number, column; either may be empty
    for the file as a whole) and what to do about it."""

    row: int | None
    column: str
    reason: str

    def as_dict(self):
        return storable({"row": self.row, "column": self.column, "reason": self.reason})

    def describe(self, unit="row", part="column"):
        """ "Row 4, column “Date”: reason" (for email: unit "message", part "header")."""
        where = ", ".join(
            text
            for text in (
                f"{unit} {self.row}" if self.row is not None else "",
                f"{part} “{self.column}”" if self.column else "",
            )
            if text
        )
        return f"{where[:1].upper()}{where[1:]}: {self.reason}" if where else self.reason

    def __str__(self):
        return self.describe()


@dataclass
class Record:
    row: int
    text: str
    external_id: str = ""
    message_id: str = ""
    received_at: datetime | None = None
    organisation: str = ""
    sector: str = ""
    region: str = ""
    respondent_name: str = ""
    respondent_email: str = ""
    subject: str = ""
    attachments: list = field(default_factory=list)
    content_in_attachment: bool = False
    # Theme names from a themes column: codes another tool gave it (not part of its content).
    themes: list = field(default_factory=list)

    @cached_property
    def content_hash(self):
        """SHA-256 of everything the response says, for files without ids."""
        content = [
            self.text,
            self.organisation,
            self.sector,
            self.region,
            self.respondent_name,
            self.respondent_email,
            self.subject,
            self.received_at.isoformat() if self.received_at else "",
            self.attachments,
        ]
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()

    @cached_property
    def key(self):
        """What makes it the same response when it comes again (unique per consultation)."""
        if self.external_id:
            return f"id:{self.external_id}"
        if self.message_id:
            return f"message:{self.message_id}"
        return f"hash:{self.content_hash}"

    @property
    def is_empty(self):
        return not self.text.strip() and not self.attachments

    def model_fields(self):
        """Keyword arguments for ImportedResponse (without batch and consultation)."""
        return {
            "key": self.key,
            "row_number": self.row,
            "external_id": self.external_id,
            "message_id": self.message_id,
            "content_hash": self.content_hash,
            "text": self.text,
            "received_at": self.received_at,
            "subject": self.subject,
            "respondent_name": self.respondent_name,
            "respondent_email": self.respondent_email,
            "attachments": self.attachments,
            "content_in_attachment": self.content_in_attachment,
            "author_sector": self.sector,
            "author_region": self.region,
            "author_organisation": self.organisation,
            # A response that names an organisation was sent on its behalf.
            "author_is_organisation": bool(self.organisation),
        }

    def preview(self, state):
        """The record as the check's preview shows it (JSON): what will be stored."""
        text = self.text if len(self.text) <= PREVIEW_TEXT else self.text[:PREVIEW_TEXT] + "…"
        return {
            "row": self.row,
            "state": state,
            "text": text,
            "id": self.external_id or self.message_id,
            "date": self.received_at.isoformat() if self.received_at else "",
            "organisation": self.organisation,
            "sector": Sector(self.sector).label if self.sector else "",
            "region": Region(self.region).label if self.region else "",
            "respondent_name": self.respondent_name,
            "respondent_email": self.respondent_email,
            "subject": self.subject,
            "attachments": self.attachments,
            "content_in_attachment": self.content_in_attachment,
            "themes": self.themes,
        }


def _lookup(choices):
    table = {}
    for value, label in choices.choices:
        table[value.casefold()] = value
        table[label.casefold()] = value
    return table


SECTORS = _lookup(Sector)
REGIONS = _lookup(Region)


def parse_date(value):
    """A datetime from ISO 8601 or a UK date (31/12/2026, with an optional time); a date
    without a zone is in the site's time zone. None if it is not a date."""
    value = value.strip()
    parsed = None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        for pattern in DATE_FORMATS:
            try:
                parsed = datetime.strptime(value, pattern)  # made aware below
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _visible(value):
    """`strip_invisible(value)`, skipped (it looks at every character in Python) when the
    text is already NFC and has nothing invisible: the common case, checked in C."""
    if unicodedata.is_normalized("NFC", value) and (
        value.replace("\n", "").replace("\t", "").isprintable()
    ):
        return value
    return strip_invisible(value)


def record_from(row, values, columns):
    """(Record, []) or (None, problems) for the raw `values` (our field name → string) of
    `row`; `columns` names each field's column for the problems (the CSV header)."""
    problems = []

    def problem(name, reason):
        problems.append(Problem(row, columns.get(name, name), reason))

    clean = {}
    for name, value in values.items():
        if isinstance(value, str):
            value = _visible(value)
            if name != "text":
                value = " ".join(value.split())
        clean[name] = value
    text = clean.get("text", "").strip()
    if len(text) > TEXT_MAX:
        problem("text", f"the response is {len(text):,} characters long; at most {TEXT_MAX:,}.")
    for name, limit in LIMITS.items():
        if len(clean.get(name, "")) > limit:
            problem(name, f"longer than {limit:,} characters.")
    received_at = clean.get("received_at")
    if isinstance(clean.get("date"), str) and clean["date"]:
        received_at = parse_date(clean["date"])
        if received_at is None:
            shown = clean["date"][:40]
            problem("date", f"“{shown}” is not a date: write 2026-03-31 or 31/03/2026.")
    if received_at is not None and not FIRST_YEAR <= received_at.year <= LAST_YEAR:
        problem(
            "date" if "date" in clean else "received_at",
            f"the year {received_at.year} is not one a response was sent in: "
            f"a date from {FIRST_YEAR} to {LAST_YEAR} is needed.",
        )
    sector = _choice(clean.get("sector", ""), SECTORS, Sector, "sector", problem)
    region = _choice(clean.get("region", ""), REGIONS, Region, "region", problem)
    email = clean.get("respondent_email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problem("respondent_email", f"“{email[:60]}” is not an email address.")
    themes, reason = split_names(clean.get("themes", ""))
    if reason:
        problem("themes", reason)
    if problems:
        return None, problems
    return Record(
        row=row,
        text=text,
        external_id=clean.get("external_id", ""),
        message_id=clean.get("message_id", ""),
        received_at=received_at,
        organisation=clean.get("organisation", ""),
        sector=sector,
        region=region,
        respondent_name=clean.get("respondent_name", ""),
        respondent_email=email,
        subject=clean.get("subject", ""),
        attachments=clean.get("attachments", []),
        content_in_attachment=clean.get("content_in_attachment", False),
        themes=themes,
    ), []


def _choice(value, table, choices, name, problem):
    if not value:
        return ""
    found = table.get(value.casefold())
    if found is None:
        known = ", ".join(label for _value, label in choices.choices)
        problem(name, f"“{value[:40]}” is not one we know; use one of: {known}.")
        return ""
    return found
