"""Keeping Elasticsearch in step with the feedback items, in the background (django-tasks).

The database search needs none of this: its index follows the item table in the same
transaction. Elasticsearch is another server, so an item is sent to it after the
transaction that wrote it commits (`index_after_commit`, called by
consultation.feedback.sync), by the task `index_feedback_items`; whatever happens there
never reaches the person who wrote. Every write marks its item `needs_indexing`; the mark
is cleared only for items the engine accepted, and only while they still hold what was
sent (a later edit keeps its mark). When the engine cannot be reached the task tries
again later on a backend that can defer (1, 4, 16 minutes), then leaves the items marked.

Marked items are sent, in bulk, by `send_pending` (the task `index_pending_feedback`, and
`manage.py reindex_feedback --pending` for a scheduler): after an outage the first task
that finds the engine answering again starts it, so the items written while it was down
are indexed when it returns. `rebuild` makes the index again from nothing and sends every
item (reindex_feedback --engine elasticsearch).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from consultation.feedback.models import FeedbackItem
from consultation.search.backends import elasticsearch as engine

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=4), timedelta(minutes=16))
# Set while the engine is known to be unreachable; the first task that reaches it again
# clears it and sends everything still marked.
ENGINE_DOWN_KEY = "feedback-search-engine-down"
# The item fields a document is made from (and that the mark is checked against).
ITEM_FIELDS = (
    "text",
    "consultation_id",
    "section_id",
    "paragraph_id",
    "source_kind",
    "author_sector",
    "author_region",
    "author_organisation",
    "author_is_organisation",
    "moderation_state",
    "in_analysis",
    "created_at",
)


def engine_configured():
    return bool(settings.ELASTICSEARCH_URL)


def _documents(items):
    """{item id: document values} for a queryset of items."""
    return {item.pk: engine.item_values(item) for item in items.only(*ITEM_FIELDS)}


def index_after_commit(*, item_ids=(), comment_ids=()):
    """Send these items (named by id, or by their comments' ids) to Elasticsearch once the
    current transaction commits; nothing when Elasticsearch is not configured. A failure
    to enqueue is logged, never raised into the write that called it."""
    if not engine_configured() or not (item_ids or comment_ids):
        return
    kwargs = {"item_ids": sorted(set(item_ids)), "comment_ids": sorted(set(comment_ids))}
    transaction.on_commit(lambda: index_feedback_items.enqueue(**kwargs), robust=True)


def send(*, item_ids=(), comment_ids=(), using=None):
    """Send the named items as they are now (items that no longer exist are deleted from
    the index) and clear the mark of those accepted; (sent, accepted). Raises one of
    engine.UNAVAILABLE when the engine cannot be reached."""
    items = FeedbackItem.objects.all()
    if comment_ids:
        named = items.filter(pk__in=item_ids) | items.filter(comment_id__in=comment_ids)
    else:
        named = items.filter(pk__in=item_ids)
    documents = _documents(named)
    gone = set(item_ids) - set(documents)
    accepted = engine.send_changes(
        documents.values(), gone, using=using or engine.client(), index=engine.index_name()
    )
    _clear_marks({pk: documents[pk] for pk in accepted if pk in documents})
    return len(documents) + len(gone), len(accepted)


def _clear_marks(sent):
    """Clear the mark of each item in `sent` ({id: document values}) that still holds
    those values: an item changed since it was read keeps its mark, and its own task (or
    the next pending run) sends the new values."""
    if not sent:
        return 0
    with transaction.atomic():
        current = _documents(FeedbackItem.objects.select_for_update().filter(pk__in=list(sent)))
        unchanged = [pk for pk, values in current.items() if values == sent[pk]]
        return FeedbackItem.objects.filter(pk__in=unchanged).update(needs_indexing=False)


def send_pending(*, batch_size=BATCH_SIZE, using=None, progress=None):
    """Send every marked item, a batch at a time in id order; (sent, accepted). Stops
    at the first batch the engine cannot take (raises one of engine.UNAVAILABLE); items
    it refused stay marked and are not sent again in this run. `progress(sent)` is called
    after each batch."""
    using = using or engine.client()
    sent = accepted = 0
    after = 0
    while True:
        ids = list(
            FeedbackItem.objects.filter(needs_indexing=True, pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return sent, accepted
        batch_sent, batch_accepted = send(item_ids=ids, using=using)
        sent, accepted, after = sent + batch_sent, accepted + batch_accepted, ids[-1]
        if progress:
            progress(sent)


def rebuild(*, batch_size=BATCH_SIZE, using=None, progress=None):
    """A new feedback index (mapping and settings as the code says) holding every item:
    the old index is deleted, created again and filled in batches; every mark is cleared
    as its batch is accepted. Returns (sent, accepted)."""
    using = using or engine.client()
    engine.delete_index(using=using, name=engine.index_name())
    engine.create_index(using=using)
    FeedbackItem.objects.filter(needs_indexing=False).update(needs_indexing=True)
    return send_pending(batch_size=batch_size, using=using, progress=progress)


def _engine_returned():
    """Whether the engine was known to be down until now (and forget that it was)."""
    was_down = cache.get(ENGINE_DOWN_KEY)
    if was_down:
        cache.delete(ENGINE_DOWN_KEY)
    return bool(was_down)


@task()
def index_feedback_items(item_ids=(), comment_ids=(), attempt=1):
    """Send items to Elasticsearch after their write committed (see the module's text)."""
    try:
        sent, accepted = send(item_ids=item_ids, comment_ids=comment_ids)
    except engine.UNAVAILABLE as error:
        cache.set(ENGINE_DOWN_KEY, True, timeout=None)
        backend = index_feedback_items.get_backend()
        if attempt <= len(RETRY_DELAYS) and backend.supports_defer:
            run_after = timezone.now() + RETRY_DELAYS[attempt - 1]
            index_feedback_items.using(run_after=run_after).enqueue(
                item_ids=item_ids, comment_ids=comment_ids, attempt=attempt + 1
            )
            logger.warning(
                "Search engine unreachable (%s); trying again after %s.", error, run_after
            )
            return {"sent": 0, "retry": attempt + 1}
        logger.warning(
            "Search engine unreachable (%s): %d item(s) stay marked for indexing.",
            error,
            len(item_ids) + len(comment_ids),
        )
        return {"sent": 0, "left_marked": len(item_ids) + len(comment_ids)}
    if _engine_returned():
        index_pending_feedback.enqueue()
    return {"sent": sent, "accepted": accepted}


@task()
def index_pending_feedback():
    """Send every item still marked for indexing (after an outage, or on a schedule)."""
    try:
        sent, accepted = send_pending()
    except engine.UNAVAILABLE as error:
        cache.set(ENGINE_DOWN_KEY, True, timeout=None)
        logger.warning("Search engine unreachable (%s): marked items wait for it.", error)
        return {"sent": 0}
    return {"sent": sent, "accepted": accepted}
