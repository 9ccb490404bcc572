"""Factories and helpers for the notifications tests: subscribers, a mail server that is
down or goes away after a few messages, a task queue that is down, and reading what the
emails say."""

import re
import smtplib

import factory
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import OperationalError
from django.utils import timezone
from django_tasks.backends.base import BaseTaskBackend
from factory.django import DjangoModelFactory

from consultation.notifications.models import Subscriber


class SubscriberFactory(DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    confirmed_at = factory.LazyFunction(timezone.now)


class FailingEmailBackend(BaseEmailBackend):
    """A mail server that cannot be reached (set as EMAIL_BACKEND)."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class FlakyBackend(LocmemBackend):
    """Delivers `budget` messages, then fails like a server that went away."""

    budget = 0

    def send_messages(self, messages):
        if FlakyBackend.budget < len(messages):
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        FlakyBackend.budget -= len(messages)
        return super().send_messages(messages)


class UnreachableQueueBackend(BaseTaskBackend):
    """A task queue that cannot take work (its database is down): set in TASKS."""

    def enqueue(self, task, args, kwargs):
        raise OperationalError("could not connect to the task queue")


def parts(message):
    """(plain text, html) of a multipart email."""
    html = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return message.body, html[0] if html else ""


def unsubscribe_path(message):
    """The path of the List-Unsubscribe address of `message`."""
    header = message.extra_headers["List-Unsubscribe"]
    match = re.fullmatch(r"<https?://[^/]+(/notifications/unsubscribe/[^>]+)>", header)
    assert match, header
    return match.group(1)


def link_path(text, prefix):
    """The first link in `text` whose path starts with `prefix`."""
    match = re.search(rf"https?://[^/\s]+({re.escape(prefix)}[^\s\"<>]*)", text)
    assert match, text
    return match.group(1)
