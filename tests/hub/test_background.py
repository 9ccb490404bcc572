"""Background work started from writes (hub.core.background): once per transaction per
key, dropped with a rolled-back transaction, and one waiting run per mark across them."""

import datetime

import pytest
from django.db import transaction
from django_tasks import task

from hub.core.background import clear_mark, enqueue_after_commit, enqueue_soon, on_commit_once

pytestmark = pytest.mark.django_db(transaction=True)

RUNS = []


@task()
def note_run(value):
    RUNS.append(value)
    return value


def test_one_run_per_key_per_transaction_and_none_after_a_rollback():
    calls = []
    with transaction.atomic():
        for n in range(5):
            on_commit_once("refresh", lambda n=n: calls.append(("refresh", n)))
        on_commit_once("other", lambda: calls.append(("other", 0)))
        assert calls == []
    assert calls == [("refresh", 0), ("other", 0)]

    with pytest.raises(RuntimeError), transaction.atomic():
        on_commit_once("refresh", lambda: calls.append(("lost", 0)))
        raise RuntimeError
    with transaction.atomic():
        on_commit_once("refresh", lambda: calls.append(("refresh", 9)))
    assert calls[2:] == [("refresh", 9)]
    on_commit_once("refresh", lambda: calls.append(("autocommit", 0)))  # outside: at once
    assert calls[3:] == [("autocommit", 0)]


def test_a_marked_run_waits_for_its_task_to_start_before_another_is_enqueued():
    RUNS.clear()
    delay = datetime.timedelta(seconds=30)
    assert enqueue_soon(note_run, mark="test-mark", delay=delay, value=1) is not None
    assert enqueue_soon(note_run, mark="test-mark", delay=delay, value=2) is None
    clear_mark("test-mark")
    assert enqueue_soon(note_run, mark="test-mark", delay=delay, value=3) is not None
    assert RUNS == [1, 3]  # the immediate backend of the tests runs them at once
    clear_mark("test-mark")


def test_enqueued_after_commit_once_for_a_transaction_and_never_after_a_rollback():
    RUNS.clear()
    delay = datetime.timedelta(seconds=30)
    with transaction.atomic():
        for n in range(3):
            enqueue_after_commit(note_run, mark="test-after", delay=delay, value=n)
        assert RUNS == []
    assert RUNS == [0]
    clear_mark("test-after")
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_after_commit(note_run, mark="test-after", delay=delay, value=5)
        raise RuntimeError
    assert RUNS == [0]
