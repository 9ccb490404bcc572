"""Rebuilding what search reads: every feedback item from its source, the database's
full-text index, and (when ELASTICSEARCH_URL is set) the Elasticsearch index; and indexing
the items marked `needs_indexing`. `manage.py reindex_feedback` runs the rebuild; the
after-commit indexing of single items uses `index_pending`.

The rebuild works in batches, each in its own transaction, so people can keep writing
while it runs; every batch reports its progress to a callback."""

from django.db import connection, transaction

from consultation.feedback import sync
from consultation.feedback.models import FeedbackItem
from consultation.models import Comment
from consultation.search.backends import configured_engine, item_index
from consultation.search.backends import elasticsearch as es

BATCH_SIZE = 2_000


def _batches(queryset, size):
    """Lists of up to `size` rows of `queryset`, by primary key, each read when needed."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def rebuild_items(*, progress=None, batch_size=BATCH_SIZE):
    """Write every comment's item again from the comment; returns how many. `progress` is
    called with (done, total) after each batch."""
    total = Comment.objects.count()
    done = 0
    for batch in _batches(Comment.objects.all(), batch_size):
        with transaction.atomic():
            done += sync.comments_changed(batch, batch_size=batch_size)
        if progress:
            progress(done, total)
    return done


def rebuild_database_index():
    """Rebuild the database's full-text index of items from the item table."""
    with connection.cursor() as cursor:
        for statement in item_index.rebuild_sql(connection.vendor):
            cursor.execute(statement)


def rebuild_elasticsearch(*, progress=None, batch_size=BATCH_SIZE):
    """Make the Elasticsearch index again and index every item into it; returns how many.
    Raises es.UNAVAILABLE's errors when the engine cannot be reached."""
    client = es.client()
    es.delete_index(using=client, name=es.index_name())
    es.create_index(using=client)
    total = FeedbackItem.objects.count()
    done = 0
    for batch in _batches(FeedbackItem.objects.all(), batch_size):
        done += es.index_items(map(es.item_values, batch), using=client)
        FeedbackItem.objects.filter(pk__in=[item.pk for item in batch]).update(needs_indexing=False)
        if progress:
            progress(done, total)
    client.indices.refresh(index=es.index_name())
    return done


def index_pending(*, batch_size=BATCH_SIZE):
    """Index the items changed since Elasticsearch last saw them and clear their mark;
    returns how many. Does nothing (0) when Elasticsearch is not configured. An item
    changed again while this runs keeps its mark (only unchanged rows are cleared)."""
    if configured_engine() != "elasticsearch":
        return 0
    client = es.client()
    done = 0
    for batch in _batches(FeedbackItem.objects.filter(needs_indexing=True), batch_size):
        done += es.index_items(map(es.item_values, batch), using=client)
        for item in batch:
            FeedbackItem.objects.filter(
                pk=item.pk, text_hash=item.text_hash, facet_bits=item.facet_bits
            ).update(needs_indexing=False)
    return done
