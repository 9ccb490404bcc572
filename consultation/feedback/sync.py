"""Keeping feedback items in step with their sources: the only code that writes items.

The services that write comments call `comment_saved` (one comment created, edited,
moderated or withdrawn) or `comments_changed` (many at once: the retention purge, a rebuild)
inside their own transaction, so an item never disagrees with its source after a commit and
a failure leaves neither written. The database search index follows the item table in the
same transaction (triggers on SQLite, a generated column on PostgreSQL); every write marks
the item `needs_indexing` for Elasticsearch and, when it is configured, asks for the items
to be sent to it once the transaction commits (consultation.search.tasks), which clears it.

Imports call `imported_responses_created` in the transaction that stores a batch's responses.
New items are announced (consultation.feedback.signals.items_arrived) so the layers above
act on them without this module importing them: the synthesis app places them into
campaign groups after the commit, in a background task, once for a burst of writes.

`comment_fields` reads only a comment's own columns, so the data migration that made items
for the comments written before items existed uses it on its historical models as well.
Every write also packs the item's facet values into `facet_bits` (facet_codes).
"""

import collections
from types import SimpleNamespace

from django.conf import settings
from django.db import connection
from django.db.models import DateTimeField

from consultation.feedback.facet_codes import Codes
from consultation.feedback.models import (
    DeletedItem,
    FacetCode,
    FeedbackItem,
    SourceKind,
    counts_in_analysis,
    text_hash,
)
from consultation.feedback.signals import announce_edits, announce_items
from consultation.models import Status
from consultation.search.backends import item_index
from consultation.search.tasks import index_after_commit, mark_for_indexing
from hub.core.bulk import insert_rows

BATCH_SIZE = 2_000


def source_kind_of(comment):
    if comment.parent_id is not None:
        return SourceKind.REPLY
    return SourceKind.POST if comment.kind == SourceKind.POST else SourceKind.COMMENT


def comment_text(comment):
    """The plain text of a comment as its item keeps it: a thread's title, then its text."""
    return "\n\n".join(part for part in (comment.title, comment.text) if part)


# The comment columns comment_fields reads (attribute names): a rebuild reads only these,
# as plain rows (CommentRow) rather than Comments. A comment's body, its sanitised HTML, was
# most of what a rebuild of 100,000 read from PostgreSQL, and making the Comments most of
# its time in Python.
COMMENT_COLUMNS = (
    "id",
    "consultation_id",
    "kind",
    "section_id",
    "paragraph_id",
    "revision_id",
    "title",
    "parent_id",
    "author_id",
    "text",
    "status",
    "created_at",
    "purged_at",
    "author_sector",
    "author_region",
    "author_organisation",
    "author_is_organisation",
)


class CommentRow(SimpleNamespace):
    """A comment's COMMENT_COLUMNS, for comment_fields, from `Comment.objects.values()`."""

    @property
    def pk(self):
        return self.id


def comment_fields(comment):
    """The item's fields for `comment` (a Comment, or a migration's historical Comment)."""
    text = comment_text(comment)
    return {
        "consultation_id": comment.consultation_id,
        "source_kind": source_kind_of(comment),
        "comment_id": comment.pk,
        "section_id": comment.section_id,
        "paragraph_id": comment.paragraph_id,
        "revision_id": comment.revision_id,
        "text": text,
        "text_hash": text_hash(text),
        "author_id": comment.author_id,
        "author_sector": comment.author_sector,
        "author_region": comment.author_region,
        "author_organisation": comment.author_organisation,
        "author_is_organisation": comment.author_is_organisation,
        "created_at": comment.created_at,
        "moderation_state": comment.status,
        "in_analysis": counts_in_analysis(comment.status, purged=comment.purged_at is not None),
        "needs_indexing": True,
    }


def _item_fields(comment, codes):
    fields = comment_fields(comment)
    fields["facet_bits"] = codes.bits(fields)
    return fields


def comment_saved(comment):
    """Write the item of `comment` as it now is (creating it if it has none); call it in
    the transaction that saved the comment. One SELECT (did its words or standing change?)
    and one UPDATE (and an INSERT for a comment without an item, such as one saved before
    items existed)."""
    fields = _item_fields(comment, Codes(FacetCode))
    # An item whose words or standing in the analysis change is grouped again (campaigns).
    edited = list(
        FeedbackItem.objects.filter(comment_id=comment.pk)
        .exclude(text_hash=fields["text_hash"], in_analysis=fields["in_analysis"])
        .values_list("pk", flat=True)
    )
    if not FeedbackItem.objects.filter(comment_id=comment.pk).update(**fields):
        FeedbackItem.objects.create(**fields)
    index_after_commit(comment_ids=[comment.pk])
    announce_edits(consultation_id=fields["consultation_id"], item_ids=edited)


def comment_created(comment):
    """Write the item of a comment just inserted (one INSERT)."""
    item = FeedbackItem.objects.create(**_item_fields(comment, Codes(FacetCode)))
    index_after_commit(item_ids=[item.pk])
    announce_items(consultation_id=item.consultation_id)


def comments_created(comments):
    """Write the items of many comments just inserted (bulk_create, with their ids). The
    bulk loaders (bench/builders.py) that use it group the items with `find_campaigns`
    when they need groups, rather than placing each batch."""
    codes = Codes(FacetCode)
    items = [FeedbackItem(**_item_fields(comment, codes)) for comment in comments]
    created = FeedbackItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
    index_after_commit(comment_ids=[item.comment_id for item in created])
    return len(created)


def comments_changed(comments, *, batch_size=BATCH_SIZE):
    """Write the items of many comments (an iterable of Comment) in batches: existing items
    updated, missing ones created. Returns how many items were written."""
    written, batch = 0, []
    for comment in comments:
        batch.append(comment)
        if len(batch) >= batch_size:
            written += _write_batch(batch)
            batch = []
    if batch:
        written += _write_batch(batch)
    return written


def _write_batch(comments):
    codes = Codes(FacetCode)
    codes.preload(
        pair
        for comment in comments
        for pair in (
            ("paragraph", comment.paragraph_id),
            ("organisation", comment.author_organisation),
        )
    )
    rows = [_item_fields(comment, codes) for comment in comments]
    names = [name for name in rows[0] if name != "comment_id"] if rows else []
    stored = {
        comment_id: (pk, values)
        for pk, comment_id, *values in FeedbackItem.objects.filter(
            comment_id__in=[c.pk for c in comments]
        ).values_list("pk", "comment_id", *names)
    }
    changes, created = {}, []
    edited = collections.defaultdict(list)  # consultation id -> items grouped again
    for fields in rows:
        if fields["comment_id"] not in stored:
            created.append(fields)
            continue
        pk, values = stored[fields["comment_id"]]
        differ = tuple(
            name for name, value in zip(names, values, strict=True) if fields[name] != value
        )
        if differ:
            changes.setdefault(differ, []).append((pk, [fields[name] for name in differ]))
        if {"text", "in_analysis"}.intersection(differ):  # not a stale hash alone
            edited[fields["consultation_id"]].append(pk)
    for differ, items in changes.items():
        _update_columns(differ, items)
    FeedbackItem.objects.bulk_create(FeedbackItem(**fields) for fields in created)
    index_after_commit(comment_ids=[comment.pk for comment in comments])
    # As one comment's save does: campaigns hear of words or standing changed, and of
    # items made (a repair that found a comment without one).
    for consultation_id, item_ids in edited.items():
        announce_edits(consultation_id=consultation_id, item_ids=item_ids)
    for consultation_id in {fields["consultation_id"] for fields in created}:
        announce_items(consultation_id=consultation_id)
    return len(comments)


def _update_columns(names, items):
    """Set the columns `names` of the items `items` ((id, values in that order)), and
    only those: an UPDATE rewrites every index over a column it sets, and on PostgreSQL
    makes the generated tsvector again when it sets the text, even to the same value (a
    rebuild that found every item's hash stale spent most of its time there: SQLite 93 s,
    PostgreSQL 80 s for 100,000). The caller compared the items as stored, in the same
    transaction, and passes only those that differ: a rebuild finds most unchanged."""
    fields = [FeedbackItem._meta.get_field(name) for name in names]
    table = connection.ops.quote_name(FeedbackItem._meta.db_table)
    quoted = [connection.ops.quote_name(field.column) for field in fields]
    # Only times need the database's own form; the other values go as they are.
    adapt = [
        field.get_db_prep_save if isinstance(field, DateTimeField) else None for field in fields
    ]
    values = [
        [
            value if prep is None else prep(value, connection)
            for prep, value in zip(adapt, row, strict=True)
        ]
        for _pk, row in items
    ]
    ids = [pk for pk, _row in items]
    if connection.vendor == "postgresql":
        _update_at_once(table, quoted, fields, values, ids)
        return
    columns = ", ".join(f"{column} = %s" for column in quoted)
    sql = f"UPDATE {table} SET {columns} WHERE id = %s"  # noqa: S608 - model names
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[*row, pk] for row, pk in zip(values, ids, strict=True)])


def _update_at_once(table, quoted, fields, values, ids):
    """PostgreSQL: the items as one UPDATE from unnest()ed arrays, one per column. Run as
    one statement per row, the change log's statement trigger (item_changes) ran once per
    row, and each row was a round trip: a rebuild of 100,000 items took 226 s."""
    types = [field.db_type(connection) for field in fields]
    arrays = ", ".join(f"%s::{kind}[]" for kind in types)
    names = ", ".join(quoted)
    given = ", ".join(f"v.{column}" for column in quoted)
    sql = (
        f"UPDATE {table} AS i SET ({names}) = ROW({given}) "  # noqa: S608 - model names
        f"FROM unnest({arrays}, %s::bigint[]) AS v({names}, id) WHERE i.id = v.id"
    )
    columns = [list(column) for column in zip(*values, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*columns, ids])


def imported_fields(batch, response):
    """The item's fields for an imported response of `batch` (`response`: the
    ImportedResponse's field values, with its "id"): no author account, the facets the
    file gave, the file's date or else the batch's. Imported responses are not moderated:
    they count as published (seen by the Working group only, like every item) and are in
    the analysis, also when their content is in an attachment (the response's flag says
    so, so nobody codes the stub text)."""
    return {
        "consultation_id": response["consultation_id"],
        "source_kind": SourceKind.IMPORTED,
        "import_source_id": response["id"],
        "channel": batch.channel,
        "text": response["text"],
        "text_hash": text_hash(response["text"]),
        "author_id": None,
        "author_sector": response["author_sector"],
        "author_region": response["author_region"],
        "author_organisation": response["author_organisation"],
        "author_is_organisation": response["author_is_organisation"],
        "created_at": response["received_at"] or batch.created_at,
        "moderation_state": Status.PUBLISHED,
        "in_analysis": True,
        "needs_indexing": True,
    }


def imported_responses_created(*, batch, responses):
    """Write the items of `batch`'s responses just inserted (dicts of their field values,
    with their "id"s), with one prepared INSERT (hub.core.bulk). Undoing a batch deletes its
    responses, and their items with them (on_delete CASCADE). Returns how many items were
    written."""
    codes = Codes(FacetCode)
    codes.preload(("organisation", r["author_organisation"]) for r in responses)
    items = []
    for response in responses:
        fields = imported_fields(batch, response)
        fields["facet_bits"] = codes.bits({**fields, "paragraph_id": ""})
        items.append(fields)
    with item_index.loading(connection):
        written = insert_rows(FeedbackItem, items)
    # The INSERT gives no ids: read them back only when Elasticsearch is to be told.
    if settings.ELASTICSEARCH_URL:
        index_after_commit(
            item_ids=FeedbackItem.objects.filter(
                import_source__in=[r["id"] for r in responses]
            ).values_list("pk", flat=True)
        )
    return written


def items_deleted(items):
    """Delete `items` (a queryset of FeedbackItem) in one DELETE. With Elasticsearch
    configured their ids are kept as DeletedItem rows first and sent to the indexer after
    the commit, so their documents go too, now or when the engine is back. Returns how
    many items were deleted."""
    if settings.ELASTICSEARCH_URL:
        ids = list(items.values_list("pk", flat=True))
        DeletedItem.objects.bulk_create(
            [DeletedItem(item_id=pk) for pk in ids], ignore_conflicts=True, batch_size=500
        )
        index_after_commit(item_ids=ids)
    return items.delete()[0]


def imported_responses_deleted(responses):
    """Delete the items of `responses` (a queryset of ImportedResponse) before they go:
    undoing an import. One DELETE, whatever the number."""
    return items_deleted(FeedbackItem.objects.filter(import_source__in=responses))


def answer_deleted(answer):
    """Delete the item of a questionnaire `answer` before the answer goes (an answer
    cleared on a page the respondent saved again)."""
    return items_deleted(FeedbackItem.objects.filter(answer_source=answer))


def answer_fields(answer, response, section_id):
    """The item's fields for a free-text `answer` of a submitted questionnaire `response`,
    on a page about the section `section_id` (or None): the respondent's facets as they
    were when they answered, the time of the answer."""
    return {
        "consultation_id": response.questionnaire.consultation_id,
        "source_kind": SourceKind.ANSWER,
        "answer_source_id": answer.pk,
        "section_id": section_id,
        "paragraph_id": "",
        "text": answer.text,
        "text_hash": text_hash(answer.text),
        "author_id": response.respondent_id,
        "author_sector": response.author_sector,
        "author_region": response.author_region,
        "author_organisation": response.author_organisation,
        "author_is_organisation": response.author_is_organisation,
        "created_at": answer.updated_at,
        "moderation_state": Status.PUBLISHED,
        "in_analysis": True,
        "needs_indexing": True,
    }


def response_answers_changed(response, sections):
    """Write the items of a questionnaire `response`: one for each free-text answer with
    words once it is submitted, none for a draft. `sections` maps the questionnaire's
    question ids to the id of the section their page is about (or None); answers to
    questions no longer asked get no item. Items of answers taken back go with them
    (on_delete CASCADE); an answer emptied loses its item. Call it in the transaction that
    changed the response; returns how many items were written."""
    answers = [
        answer
        for answer in response.answers.all()
        if answer.text and answer.question_id in sections and response.is_submitted
    ]
    items_deleted(
        FeedbackItem.objects.filter(answer_source__response=response).exclude(
            answer_source__in=[answer.pk for answer in answers]
        )
    )
    existing = dict(
        FeedbackItem.objects.filter(answer_source__in=[a.pk for a in answers]).values_list(
            "answer_source_id", "pk"
        )
    )
    codes = Codes(FacetCode)
    written = []
    for answer in answers:
        fields = answer_fields(answer, response, sections[answer.question_id])
        fields["facet_bits"] = codes.bits(fields)
        if answer.pk in existing:
            FeedbackItem.objects.filter(pk=existing[answer.pk]).update(**fields)
            written.append(existing[answer.pk])
        else:
            written.append(FeedbackItem.objects.create(**fields).pk)
    index_after_commit(item_ids=written)
    if written:
        announce_items(consultation_id=response.questionnaire.consultation_id)
    if response.respondent_id:
        # The respondent's comments carry their closed answers in the search engine's
        # documents (search.backends.extra_facets), so they are sent again too.
        mark_for_indexing(
            FeedbackItem.objects.filter(
                consultation_id=response.questionnaire.consultation_id,
                author_id=response.respondent_id,
                comment__isnull=False,
            )
        )
    return len(written)
