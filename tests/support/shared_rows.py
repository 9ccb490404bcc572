"""Rows made once for all the tests of a module, for fixtures that are slow to make and
that every test of the module reads (the site tree, the demo).

The rows are written in a transaction that stays open while the module's tests run. Each
test runs in a savepoint inside it (pytest-django's `db`, as ever), so whatever a test
changes is rolled back at its end and the next test finds the rows as they were made; the
transaction is rolled back after the module's last test. Tests that need real commits (a
live server, `transaction=True`) cannot share rows this way."""

from contextlib import contextmanager

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
