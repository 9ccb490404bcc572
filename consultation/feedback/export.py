"""Exports of feedback items: the rows a download of search results holds, streamed.

`item_rows(item_ids)` reads the items a chunk at a time (one query per chunk, whatever its
size, so memory stays flat however many there are) and yields one dict per item with
`COLUMNS`: the text, the facets, where it was made, and absolute links at the site's one
public address (hub.core.public_address); `consultation_item_ids` walks every item of a
consultation by primary key, a chunk per query, without holding the list. A format turns
rows into chunks of text for a StreamingHttpResponse; `FORMATS` lists them by name: CSV
and JSON Lines (one JSON object per line).

A full export carries an imported response's private `respondent_name` and
`respondent_email` (the working group may need them to answer a letter); nothing else
holds a name or an address (a questionnaire response names only the organisation it was
sent for). `anonymised(rows)` is the variant of either format that drops those two
columns and blanks the organisation of everyone who spoke for themselves (an individual's
employer can name them): `columns_for(anonymised=)` is its list. What a person typed is
exported as typed, in both.

Spreadsheets run a cell that begins with =, +, -, @, a tab or a carriage return as a
formula, so every text cell that does is written with an apostrophe in front
(`neutralise`), which spreadsheets show as text and never run.
"""

import csv
import json
from dataclasses import dataclass
from itertools import islice

from django.db.models import Aggregate, CharField, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Cast, Concat

from consultation.feedback.links import context_url, item_page_url
from consultation.feedback.models import FACET_COLUMNS, Channel, FeedbackItem, SourceKind
from consultation.models import Status
from hub.accounts.models import Region, Sector
from hub.core.public_address import absolute_url

CHUNK_SIZE = 1_000
SEPARATOR, RECORD = "\x1f", "\x1e"  # between joined values, and inside one
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
    "channel": "How it reached us: this website, a CSV file or email",
    "import_batch": "The number of the import batch it came in, for imported responses",
    "respondent_name": "An imported response's respondent's name (private; full exports only)",
    "respondent_email": "An imported response's respondent's email (private; full exports only)",
    "moderation": "The moderation state",
    "in_analysis": "Whether it counts in the analysis (yes or no)",
    "themes": "Its themes in the codebook, separated by semicolons",
    "stance": "Its stance, as an analyst judged it: supports, opposes, mixed or neutral",
    "suggested_themes": "Themes suggested for it and not yet decided, each with its "
    "confidence (0 to 1), best first",
    "campaign_group": "The number of its campaign group (identical and near-identical "
    "responses), if it is in one",
    "campaign_size": "How many items its campaign group has",
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
    "channel",
    "import_source__batch_id",
    "import_source__respondent_name",
    "import_source__respondent_email",
    "review__stance",
    "campaign_membership__group__number",
    "campaign_membership__group__size",
    *FACET_COLUMNS,
)
# The columns an anonymised export leaves out (ImportedResponse.PRIVATE_FIELDS).
PRIVATE_COLUMNS = ("respondent_name", "respondent_email")
_LABELS = {
    "source_kind": dict(SourceKind.choices),
    "author_sector": dict(Sector.choices),
    "author_region": dict(Region.choices),
    "moderation_state": dict(Status.choices),
    "channel": dict(Channel.choices),
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
        "channel": _label("channel", values["channel"]),
        "import_batch": values["import_source__batch_id"] or "",
        "respondent_name": values["import_source__respondent_name"] or "",
        "respondent_email": values["import_source__respondent_email"] or "",
        "moderation": _label("moderation_state", values["moderation_state"]),
        "in_analysis": "yes" if values["in_analysis"] else "no",
        "themes": "; ".join(sorted(_parts(values["theme_names"]), key=str.casefold)),
        "stance": (values["review__stance"] or "").capitalize(),
        "suggested_themes": _suggestions(values["suggestion_list"]),
        "campaign_group": values["campaign_membership__group__number"] or "",
        "campaign_size": values["campaign_membership__group__size"] or "",
        "link": absolute_url(context_url(item_id=item_id, comment_id=values["comment_id"])),
        "item_page": absolute_url(item_page_url(item_id)),
    }


def chunked(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class JoinedText(Aggregate):
    """The texts of a group joined by the unit separator (character 31, which no name
    holds): GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, char(31))"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s, chr(31))",
            **extra,
        )


def _parts(joined):
    return [part for part in (joined or "").split(SEPARATOR) if part]


def _related(name):
    """The model of one of the item's reverse relations (the synthesis app's codes and
    suggestions), found through the item's own fields: feedback never imports synthesis,
    which builds on it."""
    return FeedbackItem._meta.get_field(name).related_model


def _themes_of_item():
    """A subquery: the names of the item's themes, joined."""
    codes = _related("codings")
    return Subquery(
        codes.objects.filter(item=OuterRef("pk"))
        .values("item")
        .annotate(joined=JoinedText("theme__name"))
        .values("joined")[:1]
    )


def _suggestions_of_item():
    """A subquery: "name<RS>confidence" for each suggestion of the item still waiting for
    an analyst's decision (synthesis.ThemeSuggestion, pending), joined."""
    suggestions = _related("theme_suggestions")
    entry = Concat(
        "theme__name", Value(RECORD), Cast("confidence", CharField()), output_field=TextField()
    )
    return Subquery(
        suggestions.objects.filter(item=OuterRef("pk"), state="pending")
        .values("item")
        .annotate(joined=JoinedText(entry))
        .values("joined")[:1]
    )


def _suggestions(joined):
    """ "Name (0.83); Other (0.41)", best first, from the joined suggestions."""
    found = []
    for part in _parts(joined):
        name, _, confidence = part.partition(RECORD)
        try:
            found.append((float(confidence), name))
        except ValueError:
            continue
    found.sort(key=lambda pair: (-pair[0], pair[1].casefold()))
    return "; ".join(f"{name} ({confidence:.2f})" for confidence, name in found)


def _item_values(chunk):
    """The items of `chunk` with everything a row needs, in one query (codes and
    suggestions joined in subqueries, the stance and campaign group through joins)."""
    extra = {"theme_names": _themes_of_item(), "suggestion_list": _suggestions_of_item()}
    return FeedbackItem.objects.filter(pk__in=chunk).annotate(**extra).values(*_FIELDS, *extra)


def item_rows(item_ids, *, chunk_size=CHUNK_SIZE):
    """One row (a dict of COLUMNS) per item, in the order of `item_ids` (any iterable of
    ids; an id with no item is skipped), read `chunk_size` items per query."""
    for chunk in chunked(item_ids, chunk_size):
        found = {values["pk"]: values for values in _item_values(chunk)}
        for item_id in chunk:
            if item_id in found:
                yield _row(found[item_id])


def ids_in_order(queryset, *, chunk_size=None):
    """The ids of `queryset` in id order, read `chunk_size` at a time (one query each,
    starting after the last id seen, so memory holds one chunk whatever the total)."""
    chunk_size = chunk_size or CHUNK_SIZE
    last = 0
    while True:
        ids = list(
            queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:chunk_size]
        )
        yield from ids
        if len(ids) < chunk_size:
            return
        last = ids[-1]


def consultation_item_ids(consultation, *, chunk_size=None):
    """The ids of every item of `consultation`, in id order (see ids_in_order)."""
    return ids_in_order(
        FeedbackItem.objects.filter(consultation=consultation), chunk_size=chunk_size
    )


def columns_for(columns=tuple(COLUMNS), *, anonymised):
    """The columns of an export: all of them, or without the private ones."""
    return tuple(c for c in columns if not (anonymised and c in PRIVATE_COLUMNS))


def anonymised(rows):
    """`rows` without names and email addresses, and with no organisation for whoever
    spoke as an individual (kept for those who spoke on behalf of their organisation)."""
    for row in rows:
        row = {key: value for key, value in row.items() if key not in PRIVATE_COLUMNS}
        if row.get("respondent_type") != "Organisation":
            for key in ORGANISATION_COLUMNS:
                if key in row:
                    row[key] = ""
        yield row


# The columns naming an individual's organisation (items, and questionnaire responses).
ORGANISATION_COLUMNS = ("organisation", "organisation_name")


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
    for chunk in chunked(rows, rows_per_chunk):
        yield "".join(
            writer.writerow([neutralise(_cell(row[column])) for column in columns]) for row in chunk
        )


def _cell(value):
    # A list (a multiple-choice question's options) is one cell, its labels in order.
    return "; ".join(value) if isinstance(value, list) else value


def jsonl_chunks(rows, *, columns=tuple(COLUMNS), rows_per_chunk=200):
    """JSON Lines for `rows` in pieces of `rows_per_chunk` rows: one object per line with
    `columns` as its keys, in order (no formulas to fear: nothing runs a JSON string)."""
    for chunk in chunked(rows, rows_per_chunk):
        yield "".join(
            json.dumps({column: row[column] for column in columns}, ensure_ascii=False) + "\n"
            for row in chunk
        )


@dataclass(frozen=True)
class Format:
    """A download format: how its chunks are made, and what the response says it is."""

    name: str
    chunks: object  # function(rows) -> iterable of str
    content_type: str
    extension: str


FORMATS = {
    "csv": Format("csv", csv_chunks, "text/csv; charset=utf-8", "csv"),
    "jsonl": Format("jsonl", jsonl_chunks, "application/jsonl; charset=utf-8", "jsonl"),
}


def counted(iterable, counter):
    """`iterable`, adding one to `counter["count"]` for each thing it yields (so what was
    streamed can be recorded once it has been)."""
    for value in iterable:
        counter["count"] += 1
        yield value
