"""Refreshing a consultation's theme suggestions in the background as coding goes on
(django-tasks).

Every change to codes (consultation.synthesis.coding) and every rejected suggestion calls
`refresh_suggestions_soon`, which enqueues the task once the transaction commits. A burst
of actions computes once (hub.core.background): one per transaction, and across
transactions the first marks the consultation in the cache and enqueues the task to run a
little later (on a backend that can defer it); the ones after it, while the mark is there,
enqueue nothing. The task clears the mark as it starts, so it reads every code written
before it, and an action after that start enqueues the next run. On the immediate backend
(development, tests) the task runs as the action's transaction commits.
"""

import logging
from datetime import timedelta

from django_tasks import task

from consultation.models import Consultation
from consultation.synthesis.suggestions import refresh_suggestions
from hub.core.background import clear_mark, enqueue_after_commit

logger = logging.getLogger(__name__)

# How long a burst of coding may last and still cost one refresh.
DEBOUNCE = timedelta(seconds=30)


def _mark(consultation_id):
    return f"theme-suggestions-refresh-{consultation_id}"


def refresh_suggestions_soon(*, consultation_id):
    """Refresh the consultation's suggestions in the background after the current
    transaction commits, once for a burst of calls (hub.core.background). A failure to
    enqueue is logged, never raised into the write that called it."""
    enqueue_after_commit(
        refresh_theme_suggestions,
        mark=_mark(consultation_id),
        delay=DEBOUNCE,
        consultation_id=consultation_id,
    )


@task()
def refresh_theme_suggestions(consultation_id):
    """Compute and store one consultation's theme suggestions (see the module's text)."""
    clear_mark(_mark(consultation_id))
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
