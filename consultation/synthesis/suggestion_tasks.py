"""Refreshing a consultation's theme suggestions in the background as coding goes on
(django-tasks).

Every change to codes (consultation.synthesis.coding) and every rejected suggestion calls
`refresh_suggestions_soon`, which enqueues the task once the transaction commits. A burst
of actions computes once: the first marks the consultation in the cache and enqueues the
task to run a little later (on a backend that can defer it); the ones after it, while the
mark is there, enqueue nothing. The task clears the mark as it starts, so it reads every
code written before it, and an action after that start enqueues the next run. On the
immediate backend (development, tests) the task runs as the action's transaction commits.
"""

import logging
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from consultation.models import Consultation
from consultation.synthesis.suggestions import refresh_suggestions

logger = logging.getLogger(__name__)

# How long a burst of coding may last and still cost one refresh.
DEBOUNCE = timedelta(seconds=30)
# A mark outlives a task lost with its worker by this much at most, then the next action
# enqueues again.
MARK_TIMEOUT = 15 * 60


def _mark(consultation_id):
    return f"theme-suggestions-refresh-{consultation_id}"


def _enqueue(consultation_id):
    if not cache.add(_mark(consultation_id), True, timeout=MARK_TIMEOUT):
        return  # a refresh is already waiting to run and will read this action's codes
    chosen = refresh_theme_suggestions
    if chosen.get_backend().supports_defer:
        chosen = chosen.using(run_after=timezone.now() + DEBOUNCE)
    chosen.enqueue(consultation_id=consultation_id)


def refresh_suggestions_soon(*, consultation_id):
    """Refresh the consultation's suggestions in the background after the current
    transaction commits, once for a burst of calls. A failure to enqueue is logged, never
    raised into the write that called it."""
    transaction.on_commit(lambda: _enqueue(consultation_id), robust=True)


@task()
def refresh_theme_suggestions(consultation_id):
    """Compute and store one consultation's theme suggestions (see the module's text)."""
    cache.delete(_mark(consultation_id))
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return {"stored": 0}
    refreshed = refresh_suggestions(consultation=consultation)
    logger.info(
        "Theme suggestions for %s: %d stored for %d items.",
        consultation.slug,
        refreshed.stored,
        refreshed.suggested_items,
    )
    return {"stored": refreshed.stored, "items": refreshed.suggested_items}
