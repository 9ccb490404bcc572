"""The synthesis background tasks (django-tasks): placing new feedback items into campaign
groups once the transaction that wrote them has committed.

`place_after_commit` is called where items are written (consultation.feedback.sync for
comments and questionnaire answers, the response import for a batch). The task takes only
the consultation: it places every item newer than the last placed
(consultation.synthesis.grouping.place_new), so several tasks queued by a burst of
comments do the work once and the others find nothing to do. A failure is logged, never
raised into the write that queued it; `manage.py find_campaigns` recomputes everything.
"""

import logging

from django.db import transaction
from django_tasks import task

from consultation.models import Consultation
from consultation.synthesis import grouping

logger = logging.getLogger(__name__)


def place_after_commit(*, consultation_id):
    """Queue the placing of the consultation's new items once the current transaction
    commits (a failure to queue is logged, not raised)."""
    if consultation_id is None:
        return
    transaction.on_commit(
        lambda: place_new_items.enqueue(consultation_id=consultation_id), robust=True
    )


@task()
def place_new_items(consultation_id):
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return {"joined": 0}
    return {"joined": grouping.place_new(consultation=consultation)}
