"""Keeping the feedback item change log short (consultation.search.backends.item_changes):
its rows are only added, and PostgreSQL counts them (`item_changes.position`, which the
dashboard's cache reads) with a count that grows with them.

A process that brings its search arrays up to date and sees the log's newest row pass a
multiple of `item_changes.PRUNE_EVERY` calls `prune_soon`, which enqueues the prune task
once the search's transaction commits, once for a burst (hub.core.background);
`manage.py prune_item_changes` does the same on a schedule. Pruning keeps the newest
`item_changes.KEEP` rows, so processes that searched since carry on with what they have,
and one whose last look is older loads everything again at its next search.
"""

from datetime import timedelta

from django.db import connection, transaction
from django_tasks import task

from consultation.search.backends import item_changes
from hub.core.background import clear_mark, enqueue_after_commit

MARK = "item-change-log-prune"
DEBOUNCE = timedelta(seconds=60)


def prune_soon():
    """Prune the log in the background after the current transaction commits."""
    enqueue_after_commit(prune_item_change_log, mark=MARK, delay=DEBOUNCE)


def prune_now(*, keep=None):
    """Prune the log now (keeping `keep` rows, item_changes.KEEP by default); returns how
    many rows went."""
    with transaction.atomic():
        return item_changes.prune_older(
            connection, keep=item_changes.KEEP if keep is None else keep
        )


@task()
def prune_item_change_log():
    clear_mark(MARK)
    return {"removed": prune_now()}
