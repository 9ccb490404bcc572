"""Exports of feedback items: the rows a download of search results holds, streamed.

`item_rows(item_ids)` reads the items a chunk at a time (one query per chunk, whatever its
size, so memory stays flat however many there are) and yields one dict per item with
`COLUMNS`: the text, the facets, where it was made, and absolute links at the site's one
public address (hub.core.public_address). A format turns those rows into chunks of text
for a StreamingHttpResponse; `FORMATS` lists them by name. CSV is the one there is; JSON
Lines, or an anonymised variant (other columns, the same rows), is one more entry.

Spreadsheets run a cell that begins with =, +, -, @, a tab or a carriage return as a
formula, so every text cell that does is written with an apostrophe in front
(`neutralise`), which spreadsheets show as text and never run.
"""

import csv
from dataclasses import dataclass
from itertools import islice

from consultation.feedback.links import context_url, item_page_url
from consultation.feedback.models import FACET_COLUMNS, FeedbackItem, SourceKind
from consultation.models import Status
from hub.accounts.models import Region, Sector
from hub.core.public_address import absolute_url

CHUNK_SIZE = 1_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Column name -> what it holds; the order of a download's columns.
COLUMNS = {
    "item_id": "The feedback item's number",
    "type": "Comment on the draft, reply, discussion post, questionnaire answer or import",
    "text": "What the person sent, as they typed it",
    "sent_at": "When it was sent (ISO 8601, UTC)",
    "consultation": "The consultation's title",
    "section": "The section of the draft, where known",
    "paragraph": "The paragraph's id, where known",
    "sector": "The author's sector when they wrote it",
    "region": "The author's region when they wrote it",
    "organisation": "The author's organisation when they wrote it",
    "respondent_type": "Whether they answered for an organisation or as an individual",
    "moderation": "The moderation state",
    "in_analysis": "Whether it counts in the analysis (yes or no)",
    "link": "The item in its context (a comment's permalink)",
    "item_page": "The working group's page of the item",
}
_FIELDS = (
    "pk",
    "comment_id",
    "source_kind",
    "text",
    "created_at",
    "consultation__title",
    "section__title",
    "paragraph_id",
    *FACET_COLUMNS,
)
_LABELS = {
    "source_kind": dict(SourceKind.choices),
    "author_sector": dict(Sector.choices),
    "author_region": dict(Region.choices),
    "moderation_state": dict(Status.choices),
}


def neutralise(value):
    """A cell's text as a spreadsheet shows it and never runs it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _label(field, value):
    return str(_LABELS[field].get(value, value)) if value else ""


def _row(values):
    item_id = values["pk"]
    return {
        "item_id": item_id,
        "type": _label("source_kind", values["source_kind"]),
        "text": values["text"],
        "sent_at": values["created_at"].isoformat(),
        "consultation": values["consultation__title"] or "",
        "section": values["section__title"] or "",
        "paragraph": values["paragraph_id"],
        "sector": _label("author_sector", values["author_sector"]),
        "region": _label("author_region", values["author_region"]),
        "organisation": values["author_organisation"],
        "respondent_type": "Organisation" if values["author_is_organisation"] else "Individual",
        "moderation": _label("moderation_state", values["moderation_state"]),
        "in_analysis": "yes" if values["in_analysis"] else "no",
        "link": absolute_url(context_url(item_id=item_id, comment_id=values["comment_id"])),
        "item_page": absolute_url(item_page_url(item_id)),
    }


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def item_rows(item_ids, *, chunk_size=CHUNK_SIZE):
    """One row (a dict of COLUMNS) per item, in the order of `item_ids` (any iterable of
    ids; an id with no item is skipped), read `chunk_size` items per query."""
    for chunk in _chunks(item_ids, chunk_size):
        found = {
            values["pk"]: values
            for values in FeedbackItem.objects.filter(pk__in=chunk).values(*_FIELDS)
        }
        for item_id in chunk:
            if item_id in found:
                yield _row(found[item_id])


class _Line:
    """What csv.writer writes to: it hands back each line instead of storing it."""

    def write(self, line):
        return line


def csv_chunks(rows, *, columns=tuple(COLUMNS), rows_per_chunk=200):
    """CSV text for `rows` in pieces of `rows_per_chunk` rows: a byte-order mark (so
    spreadsheets read UTF-8), a header of column names, then one line per row with every
    cell neutralised."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(columns)
    for chunk in _chunks(rows, rows_per_chunk):
        yield "".join(
            writer.writerow([neutralise(row[column]) for column in columns]) for row in chunk
        )


@dataclass(frozen=True)
class Format:
    """A download format: how its chunks are made, and what the response says it is."""

    name: str
    chunks: object  # function(rows) -> iterable of str
    content_type: str
    extension: str


FORMATS = {"csv": Format("csv", csv_chunks, "text/csv; charset=utf-8", "csv")}


def counted(iterable, counter):
    """`iterable`, adding one to `counter["count"]` for each thing it yields (so what was
    streamed can be recorded once it has been)."""
    for value in iterable:
        counter["count"] += 1
        yield value
