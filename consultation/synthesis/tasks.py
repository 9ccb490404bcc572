"""The synthesis background tasks (django-tasks): placing new feedback items into campaign
groups once the transaction that wrote them has committed.

`place_after_commit` is called for every announcement of new items
(consultation.feedback.signals.items_arrived, connected in this app's AppConfig.ready:
comments, questionnaire answers, an imported batch). The task takes only
the consultation: it places every item newer than the last placed
(consultation.synthesis.grouping.place_new). A burst of writes queues it once, to run a
little later where the backend can defer it (hub.core.background), and a task that finds
nothing new does nothing. A failure is logged, never
raised into the write that queued it; `manage.py find_campaigns` recomputes everything.

`place_again_after_commit` is called for items edited (consultation.feedback.signals
.items_edited: a comment's words changed, or it was withdrawn or moderated): the task
places just those items again (grouping.place_again), once per transaction. Edits come one
at a time, at a person's pace, so it is not held back for a burst.
"""

import logging
from datetime import timedelta

from django_tasks import task

from consultation.models import Consultation
from consultation.synthesis import grouping
from hub.core.background import clear_mark, enqueue_after_commit, on_commit_once

logger = logging.getLogger(__name__)


# How long a burst of new items may last and still cost one placing.
DEBOUNCE = timedelta(seconds=30)


def _mark(consultation_id):
    return f"campaign-placing-{consultation_id}"


def place_after_commit(*, consultation_id):
    """Queue the placing of the consultation's new items once the current transaction
    commits, once for a burst of writes (hub.core.background; a failure to queue is
    logged, not raised)."""
    if consultation_id is None:
        return
    enqueue_after_commit(
        place_new_items,
        mark=_mark(consultation_id),
        delay=DEBOUNCE,
        consultation_id=consultation_id,
    )


def place_again_after_commit(*, consultation_id, item_ids):
    """Queue placing the items `item_ids` again once the current transaction commits."""
    item_ids = sorted(set(item_ids))
    key = f"campaign-placing-again-{consultation_id}-{item_ids}"
    on_commit_once(
        key,
        lambda: place_edited_items.enqueue(consultation_id=consultation_id, item_ids=item_ids),
    )


@task()
def place_edited_items(consultation_id, item_ids):
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return {"joined": 0}
    return {"joined": grouping.place_again(consultation=consultation, item_ids=item_ids)}


@task()
def place_new_items(consultation_id):
    clear_mark(_mark(consultation_id))
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return {"joined": 0}
    return {"joined": grouping.place_new(consultation=consultation)}
