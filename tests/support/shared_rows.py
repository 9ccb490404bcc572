"""Rows made once for all the tests of a module, for fixtures that are slow to make and
that every test of the module reads (the site tree, the demo); and many cases run through
one test's rows, each rolled back as if it were a test of its own (`each_case_rolled_back`).

The rows are written in a transaction that stays open while the module's tests run. Each
test runs in a savepoint inside it (pytest-django's `db`, as ever), so whatever a test
changes is rolled back at its end and the next test finds the rows as they were made; the
transaction is rolled back after the module's last test. Tests that need real commits (a
live server, `transaction=True`) cannot share rows this way; a browser module can, with a
live server of its own that shares the test connection on SQLite
(`tests/support/browser.py`)."""

import traceback
from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction


@contextmanager
def rows_for_the_module(django_db_blocker):
    """Inside: write the rows; they last until the block ends, then nothing of them is left."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


def fresh(rows):
    """The shared rows {name: (model, pk)} as new instances, so nothing one test does to
    an instance reaches the next test."""
    return {name: model.objects.get(pk=pk) for name, (model, pk) in rows.items()}


def remembered(instances):
    """{name: instance} as {name: (model, pk)}, to be read back by `fresh`."""
    return {name: (type(instance), instance.pk) for name, instance in instances.items()}


def each_case_rolled_back(cases, check):
    """`check(case)` for every case, each in a savepoint rolled back after it and with the
    cache cleared, so each case finds the rows and the cache as the test's set-up left them
    (as if each were a test of its own, without making the set-up again for each). Fails
    once at the end, naming every case that failed and how, not only the first."""
    failures = []
    for case in cases:
        cache.clear()
        try:
            with transaction.atomic():
                try:
                    check(case)
                finally:
                    transaction.set_rollback(True)
        except Exception as error:  # every case is reported, then the test fails
            where = traceback.extract_tb(error.__traceback__)[-1]
            failures.append(
                f"{case!r}: {type(error).__name__} at {where.name}, line {where.lineno}: {error}"
            )
    cache.clear()
    assert not failures, f"{len(failures)} of {len(cases)} cases failed:\n" + "\n".join(failures)
