"""Keeping Elasticsearch in step with the feedback items, in the background (django-tasks).

The database search needs none of this: its index follows the item table in the same
transaction. Elasticsearch is another server, so an item is sent to it after the
transaction that wrote it commits (`index_after_commit`, called by
consultation.feedback.sync), by the task `index_feedback_items`; whatever happens there
never reaches the person who wrote. Every write marks its item `needs_indexing`; the mark
is cleared only for items the engine accepted, and only while they still hold what was
sent (`indexing.index_now`). When the engine cannot be reached the task tries again later
on a backend that can defer (1, 4, 16 minutes), then leaves the items marked.

Marked items are sent in bulk by the task `index_pending_feedback` (and by
`manage.py reindex_feedback --pending`, for a scheduler): after an outage, the first task
that finds the engine answering again starts it, so what was written while the engine was
down is indexed when it returns.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from consultation.search import indexing
from consultation.search.backends import elasticsearch as es

logger = logging.getLogger(__name__)

RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=4), timedelta(minutes=16))
# Set while the engine is known to be unreachable; the first task that reaches it again
# clears it and sends everything still marked.
ENGINE_DOWN_KEY = "feedback-search-engine-down"


def index_after_commit(*, item_ids=(), comment_ids=()):
    """Send these items (named by id, or by their comments' ids) to Elasticsearch once the
    current transaction commits; nothing when Elasticsearch is not configured. A failure
    to enqueue is logged, never raised into the write that called it."""
    if not settings.ELASTICSEARCH_URL or not (item_ids or comment_ids):
        return
    kwargs = {"item_ids": sorted(set(item_ids)), "comment_ids": sorted(set(comment_ids))}
    transaction.on_commit(lambda: index_feedback_items.enqueue(**kwargs), robust=True)


def mark_for_indexing(items):
    """The documents of `items` (a queryset of FeedbackItem) changed although the items'
    rows did not: their themes, stance, assignment or their respondent's answers. Marks
    them and sends them to Elasticsearch once the current transaction commits. Call it in
    the transaction that made the change (synthesis.review for stance, for instance)."""
    ids = list(items.values_list("pk", flat=True)) if settings.ELASTICSEARCH_URL else ()
    items.update(needs_indexing=True)
    index_after_commit(item_ids=ids)


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
        sent, accepted = indexing.index_now(item_ids=item_ids, comment_ids=comment_ids)
    except es.UNAVAILABLE as error:
        cache.set(ENGINE_DOWN_KEY, True, timeout=None)
        named = len(item_ids) + len(comment_ids)
        if attempt <= len(RETRY_DELAYS) and index_feedback_items.get_backend().supports_defer:
            run_after = timezone.now() + RETRY_DELAYS[attempt - 1]
            index_feedback_items.using(run_after=run_after).enqueue(
                item_ids=item_ids, comment_ids=comment_ids, attempt=attempt + 1
            )
            logger.warning("Search engine unreachable (%s); trying again at %s.", error, run_after)
            return {"sent": 0, "retry": attempt + 1}
        logger.warning("Search engine unreachable (%s): %d item(s) stay marked.", error, named)
        return {"sent": 0, "left_marked": named}
    if _engine_returned():
        index_pending_feedback.enqueue()
    return {"sent": sent, "accepted": accepted}


@task()
def index_pending_feedback():
    """Send every item still marked for indexing (after an outage, or on a schedule)."""
    try:
        accepted = indexing.index_pending()
    except es.UNAVAILABLE as error:
        cache.set(ENGINE_DOWN_KEY, True, timeout=None)
        logger.warning("Search engine unreachable (%s): marked items wait for it.", error)
        return {"accepted": 0}
    return {"accepted": accepted}
