"""Starting background work (django-tasks) from a write, without flooding the workers.

`on_commit_once(key, func)` runs `func` once when the current transaction commits, however
many times a transaction asks for the same `key` (a demo load or an import applying codes
a hundred times needs one refresh after it, not a hundred). `enqueue_soon(task, mark=...)`
enqueues a task unless one marked the same is already waiting, deferred by `delay` on a
backend that can defer, so a burst of writes across many requests costs one run; the task
calls `clear_mark(mark)` as it starts, so a write after that start enqueues the next run.
`enqueue_after_commit(task, mark=...)` is the two together, what a write usually wants.
"""

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

# A mark outlives a task lost with its worker by this much at most; then the next write
# enqueues again.
MARK_TIMEOUT = 15 * 60


def on_commit_once(key, func):
    """Run `func` after the current transaction commits (at once outside one), once per
    `key` for all the calls whose callbacks run in one commit: the first to run does the
    work and the others find it done. A failure is logged by Django, never raised into
    the write."""
    connection = transaction.get_connection()
    waiting = connection.__dict__.setdefault("_hub_on_commit_once", set())
    waiting.add(key)

    def run():
        if key in waiting:
            waiting.discard(key)
            func()

    transaction.on_commit(run, robust=True)


def enqueue_soon(task, *, mark, delay, **kwargs):
    """Enqueue `task(**kwargs)` to run after `delay` (where the backend can defer; at once
    where it cannot), unless a run marked `mark` is already waiting."""
    if not cache.add(mark, True, timeout=MARK_TIMEOUT):
        return None
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    return task.enqueue(**kwargs)


def enqueue_after_commit(task, *, mark, delay, **kwargs):
    """Once the current transaction commits, `enqueue_soon(task, ...)` once for the
    transaction (keyed by `mark`) and once for a burst of transactions."""
    on_commit_once(mark, lambda: enqueue_soon(task, mark=mark, delay=delay, **kwargs))


def clear_mark(mark):
    """Called by a task as it starts: writes after this enqueue the next run."""
    cache.delete(mark)
