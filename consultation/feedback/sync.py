"""Keeping feedback items in step with their sources: the only code that writes items.

The services that write comments call `comment_saved` (one comment created, edited,
moderated or withdrawn) or `comments_changed` (many at once: the retention purge, a rebuild)
inside their own transaction, so an item never disagrees with its source after a commit and
a failure leaves neither written. The database search index follows the item table in the
same transaction (triggers on SQLite, a generated column on PostgreSQL); every write marks
the item `needs_indexing` for Elasticsearch and, when it is configured, asks for the items
to be sent to it once the transaction commits (consultation.search.tasks), which clears it.

`comment_fields` reads only a comment's own columns, so the data migration that made items
for the comments written before items existed uses it on its historical models as well.
Every write also packs the item's facet values into `facet_bits` (facet_codes).
"""

from django.db import connection
from django.db.models import DateTimeField

from consultation.feedback.facet_codes import Codes
from consultation.feedback.models import (
    FacetCode,
    FeedbackItem,
    SourceKind,
    counts_in_analysis,
    text_hash,
)
from consultation.search.tasks import index_after_commit

BATCH_SIZE = 2_000


def source_kind_of(comment):
    if comment.parent_id is not None:
        return SourceKind.REPLY
    return SourceKind.POST if comment.kind == SourceKind.POST else SourceKind.COMMENT


def comment_text(comment):
    """The plain text of a comment as its item keeps it: a thread's title, then its text."""
    return "\n\n".join(part for part in (comment.title, comment.text) if part)


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
    the transaction that saved the comment. One UPDATE (and an INSERT for a comment
    without an item, such as one saved before items existed)."""
    fields = _item_fields(comment, Codes(FacetCode))
    if not FeedbackItem.objects.filter(comment_id=comment.pk).update(**fields):
        FeedbackItem.objects.create(**fields)
    index_after_commit(comment_ids=[comment.pk])


def comment_created(comment):
    """Write the item of a comment just inserted (one INSERT)."""
    item = FeedbackItem.objects.create(**_item_fields(comment, Codes(FacetCode)))
    index_after_commit(item_ids=[item.pk])


def comments_created(comments):
    """Write the items of many comments just inserted (bulk_create, with their ids)."""
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
    existing = set(
        FeedbackItem.objects.filter(comment_id__in=[c.pk for c in comments]).values_list(
            "comment_id", flat=True
        )
    )
    codes = Codes(FacetCode)
    codes.preload(
        pair
        for comment in comments
        for pair in (
            ("paragraph", comment.paragraph_id),
            ("organisation", comment.author_organisation),
        )
    )
    updated, created = [], []
    for comment in comments:
        fields = _item_fields(comment, codes)
        (updated if comment.pk in existing else created).append(fields)
    _update_rows(updated)
    FeedbackItem.objects.bulk_create(FeedbackItem(**fields) for fields in created)
    index_after_commit(comment_ids=[comment.pk for comment in comments])
    return len(comments)


def _update_rows(rows):
    """UPDATE each item (found by its comment) to `rows`' values: one statement run many
    times, which unlike bulk_update's CASE per field stays linear in the batch size."""
    if not rows:
        return
    names = [name for name in rows[0] if name != "comment_id"]
    fields = [FeedbackItem._meta.get_field(name) for name in names]
    table = connection.ops.quote_name(FeedbackItem._meta.db_table)
    columns = ", ".join(f"{connection.ops.quote_name(field.column)} = %s" for field in fields)
    sql = f"UPDATE {table} SET {columns} WHERE comment_id = %s"  # noqa: S608 - model names
    # Only times need the database's own form; the other values go as they are.
    adapt = {
        name: field.get_db_prep_save
        for name, field in zip(names, fields, strict=True)
        if isinstance(field, DateTimeField)
    }
    params = [
        [adapt[name](row[name], connection) if name in adapt else row[name] for name in names]
        + [row["comment_id"]]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
