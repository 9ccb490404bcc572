"""Delivery: a mail server that is down never breaks a request; with the database backend
a request only queues the email, `manage.py db_worker` sends it, and a failed send is
retried later (resuming a mailing where it stopped) until the attempts run out."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from consultation.models import Comment
from consultation.notifications import services
from tests.support.consultation_factories import comment_on
from tests.support.notification_factories import FlakyBackend, SubscriberFactory

pytestmark = pytest.mark.django_db

FAILING = "tests.support.notification_factories.FailingEmailBackend"
FLAKY = "tests.support.notification_factories.FlakyBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _quiet_worker_logging():
    # db_worker sets its loggers' levels; put them back for the rest of the session.
    names = ("django_tasks", "django_tasks_db")
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
def run_worker(monkeypatch):
    """`manage.py db_worker --batch`: run every task that is due, then stop."""
    from django_tasks_db.management.commands import db_worker

    # The worker recycles database connections between tasks; inside a test's transaction
    # that would close it (Django's test client disconnects the same handler for requests).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0
    )


def mail_tasks():
    """The queued emails (a comment also queues the campaign grouping's placing)."""
    return DBTaskResult.objects.filter(task_path__startswith="consultation.notifications.")


def make_retries_due():
    mail_tasks().filter(status="READY").update(run_after=timezone.now())


@pytest.fixture
def comment(section, consultation, stakeholder):
    return comment_on(section, consultation=consultation, author=stakeholder)


def reply(client, user, parent, text="A reply.", key="k"):
    client.force_login(user)
    return client.post(reverse("consultation:reply", args=[parent.pk]), {"body": text, "key": key})


def test_a_mail_server_that_is_down_does_not_break_the_request(
    client, settings, comment, other_stakeholder, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    with (
        caplog.at_level(logging.ERROR, logger="consultation.notifications.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = reply(client, other_stakeholder, comment)
    assert response.status_code == 302
    assert Comment.objects.filter(parent=comment).exists()
    failures = [r for r in caplog.records if r.name == "consultation.notifications.tasks"]
    assert failures and failures[0].levelno == logging.ERROR
    assert "Could not send" in failures[0].getMessage()
    assert "Connection unexpectedly closed" in failures[0].getMessage()


def test_a_task_queue_that_is_down_does_not_break_the_request(
    client, settings, comment, other_stakeholder, caplog, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {"BACKEND": "tests.support.notification_factories.UnreachableQueueBackend"}
    }
    with (
        caplog.at_level(logging.ERROR, logger="django.db.backends.base"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = reply(client, other_stakeholder, comment)
    assert response.status_code == 302
    assert Comment.objects.filter(parent=comment).exists()
    assert "could not connect to the task queue" in caplog.text
    assert "after_commit(" in caplog.text


def test_subscribing_still_works_when_the_mail_server_is_down(
    client, settings, home, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/notifications/subscribe/", {"email": "reader@example.org"})
    assert response.status_code == 302


def test_with_the_database_backend_the_request_only_queues_the_email(
    run_worker,
    client,
    settings,
    comment,
    stakeholder,
    other_stakeholder,
    django_capture_on_commit_callbacks,
):
    settings.TASKS = DATABASE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        assert reply(client, other_stakeholder, comment).status_code == 302
    [queued] = mail_tasks()
    assert queued.status == "READY"
    assert queued.task_path == "consultation.notifications.tasks.send_reply_notification"
    assert mail.outbox == []

    run_worker()
    assert [m.to for m in mail.outbox] == [[stakeholder.email]]
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"


def test_the_database_backend_retries_after_a_failure(
    run_worker,
    client,
    settings,
    comment,
    stakeholder,
    other_stakeholder,
    caplog,
    django_capture_on_commit_callbacks,
):
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True):
        reply(client, other_stakeholder, comment)
    with caplog.at_level(logging.WARNING, logger="consultation.notifications.tasks"):
        run_worker()
    assert "attempt 1 of 5" in caplog.text
    retry = mail_tasks().get(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after > timezone.now() + timedelta(seconds=50)

    # Not due yet: the worker leaves it.
    settings.EMAIL_BACKEND = LOCMEM
    run_worker()
    assert mail.outbox == []

    make_retries_due()
    run_worker()
    assert [m.to for m in mail.outbox] == [[stakeholder.email]]
    assert not mail_tasks().filter(status="READY").exists()


def test_after_the_last_attempt_the_task_fails_and_says_so(
    run_worker,
    client,
    settings,
    comment,
    other_stakeholder,
    caplog,
    django_capture_on_commit_callbacks,
):
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_BACKEND = FAILING
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        reply(client, other_stakeholder, comment)
    with caplog.at_level(logging.WARNING, logger="consultation.notifications.tasks"):
        run_worker()
        make_retries_due()
        run_worker()
    statuses = sorted(mail_tasks().values_list("status", flat=True))
    assert statuses == ["FAILED", "SUCCESSFUL"]  # the first attempt scheduled the retry
    assert "Could not send" in caplog.text and "after 2 attempt(s)" in caplog.text
    failed = mail_tasks().get(status="FAILED")
    assert failed.exception_class_path.endswith("DeliveryFailed")


def test_a_mailing_resumes_after_the_last_recipient_sent(
    run_worker, settings, home, django_capture_on_commit_callbacks
):
    from tests.support import factories

    settings.TASKS = DATABASE_TASKS
    settings.NOTIFICATIONS_BATCH_SIZE = 2
    subscribers = SubscriberFactory.create_batch(5)
    updates = factories.UpdateIndexPageFactory(parent=home, slug="updates")
    update = factories.UpdatePageFactory(parent=updates)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_progress_update(update)

    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.budget = 3  # the server goes away in the middle of the second batch
    run_worker()
    assert len(mail.outbox) == 3

    settings.EMAIL_BACKEND = LOCMEM
    make_retries_due()
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in subscribers)
