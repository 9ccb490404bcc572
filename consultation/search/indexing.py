"""Rebuilding what search reads: every feedback item from its source, the database's
full-text index, and (when ELASTICSEARCH_URL is set) the Elasticsearch index; and indexing
the items marked `needs_indexing` (`index_now` for named items, `index_pending` for every
marked one), clearing a mark only for an item the engine accepted and that has not changed
since it was read. `manage.py reindex_feedback` runs the rebuild (`--pending`: the marked
items only); the background tasks that index items after commit are in `tasks`.

The rebuild works in batches, each in its own transaction, so people can keep writing
while it runs; every batch reports its progress to a callback."""

from django.db import connection, transaction
from django.utils import timezone

from consultation.feedback import sync
from consultation.feedback.models import FACET_COLUMNS, DeletedItem, FeedbackItem
from consultation.models import Comment
from consultation.search.backends import configured_engine, extra_facets, item_changes, item_index
from consultation.search.backends import elasticsearch as es

BATCH_SIZE = 2_000


def _batches(queryset, size, *, make=None):
    """Lists of up to `size` rows of `queryset`, by primary key, each read when needed;
    each row passed through `make` when given (for rows read as dicts with their "id")."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        if make is not None:
            batch = [make(**row) for row in batch]
        yield batch
        last = batch[-1].pk


def rebuild_items(*, progress=None, batch_size=BATCH_SIZE):
    """Write every comment's item again from the comment; returns how many. `progress` is
    called with (done, total) after each batch. The change log is emptied at the end (the
    search arrays of every process reload once), so rebuilds keep it short."""
    total = Comment.objects.count()
    done = 0
    comments = Comment.objects.values(*sync.COMMENT_COLUMNS)
    for batch in _batches(comments, batch_size, make=sync.CommentRow):
        with transaction.atomic():
            done += sync.comments_changed(batch, batch_size=batch_size)
        if progress:
            progress(done, total)
    item_changes.prune(connection)
    return done


def rebuild_database_index():
    """Rebuild the database's full-text index of items from the item table. On SQLite the
    change log is emptied too: each process's arrays hold every item's length in tokens as
    the index had it (fts5_rank), and a repaired index may count otherwise."""
    with connection.cursor() as cursor:
        for statement in item_index.rebuild_sql(connection.vendor):
            cursor.execute(statement)
    if connection.vendor == "sqlite":
        item_changes.prune(connection)


def rebuild_elasticsearch(*, progress=None, batch_size=BATCH_SIZE):
    """Make the Elasticsearch index again and index every item into it; returns how many.
    Raises es.UNAVAILABLE's errors when the engine cannot be reached."""
    client = es.client()
    started = timezone.now()
    es.delete_index(using=client, name=es.index_name())
    es.create_index(using=client)
    # The new index holds no document of an item deleted before it was made.
    DeletedItem.objects.filter(deleted_at__lt=started).delete()
    total = FeedbackItem.objects.count()
    done = 0
    for batch in _batches(FeedbackItem.objects.only(*DOCUMENT_FIELDS), batch_size):
        done += es.index_items(document_values(batch), using=client)
        FeedbackItem.objects.filter(pk__in=[item.pk for item in batch]).update(needs_indexing=False)
        if progress:
            progress(done, total)
    client.indices.refresh(index=es.index_name())
    return done


# The item fields a document is made from (and that a mark is checked against).
DOCUMENT_FIELDS = (
    "text",
    "consultation_id",
    "section_id",
    "paragraph_id",
    "source_kind",
    "channel",
    *FACET_COLUMNS,
    "created_at",
)


def document_values(items):
    """The document values of `items` (a list of FeedbackItem), with their themes, stance
    and questionnaire answers (three queries for them all), in order."""
    extra = extra_facets.document_values(item.pk for item in items)
    return [es.item_values(item, extra[item.pk]) for item in items]


def _documents(items):
    """{item id: document values} for a queryset of items."""
    items = list(items.only(*DOCUMENT_FIELDS))
    return {item.pk: values for item, values in zip(items, document_values(items), strict=True)}


def _clear_marks(sent):
    """Clear the mark of each item in `sent` ({id: document values}) that still holds
    those values: an item changed since it was read keeps its mark, and its own task (or
    the next pending run) sends the new values. Returns how many were cleared."""
    if not sent:
        return 0
    with transaction.atomic():
        current = _documents(FeedbackItem.objects.select_for_update().filter(pk__in=list(sent)))
        unchanged = [pk for pk, values in current.items() if values == sent[pk]]
        return FeedbackItem.objects.filter(pk__in=unchanged).update(needs_indexing=False)


def index_now(*, item_ids=(), comment_ids=(), using=None):
    """Send the named items (by id, or by their comments' ids) to Elasticsearch as they are
    now, delete the documents of named items that no longer exist, and clear the mark of
    the items the engine accepted; returns (sent, accepted). One refused document does not
    stop the others; an unreachable engine raises one of es.UNAVAILABLE."""
    items = FeedbackItem.objects.all()
    named = items.filter(pk__in=item_ids)
    if comment_ids:
        named = named | items.filter(comment_id__in=comment_ids)
    documents = _documents(named)
    gone = set(item_ids) - set(documents)
    accepted = es.send_changes(
        documents.values(), gone, using=using or es.client(), index=es.index_name()
    )
    _clear_marks({pk: documents[pk] for pk in accepted if pk in documents})
    DeletedItem.objects.filter(item_id__in=[pk for pk in accepted if pk in gone]).delete()
    return len(documents) + len(gone), len(accepted)


def index_pending(*, batch_size=BATCH_SIZE, using=None, progress=None):
    """Send every item marked `needs_indexing` to Elasticsearch in bulk, a batch at a time,
    and clear the marks of those it accepted (and that did not change meanwhile); returns
    how many it accepted. Items it refused stay marked and are not sent again in this run.
    First, the documents of items deleted since they were indexed (DeletedItem) go.
    Does nothing (0) when Elasticsearch is not configured; an unreachable engine raises one
    of es.UNAVAILABLE. `progress(done, total)` is called after each batch."""
    if configured_engine() != "elasticsearch":
        return 0
    using = using or es.client()
    after = 0
    while deleted := list(
        DeletedItem.objects.filter(pk__gt=after).values_list("pk", flat=True)[:batch_size]
    ):
        index_now(item_ids=deleted, using=using)  # rows of refused deletions stay
        after = deleted[-1]
    marked = FeedbackItem.objects.filter(needs_indexing=True)
    total, sent, accepted, after = marked.count(), 0, 0, 0
    while ids := list(
        marked.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch_size]
    ):
        batch_sent, batch_accepted = index_now(item_ids=ids, using=using)
        sent, accepted, after = sent + batch_sent, accepted + batch_accepted, ids[-1]
        if progress:
            progress(min(sent, total), total)
    return accepted
