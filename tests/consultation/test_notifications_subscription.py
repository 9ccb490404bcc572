"""The public subscription to progress updates: double opt-in, no leaks about who is
subscribed, hostile input, rate limits, and the update sent once to confirmed addresses."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from consultation.notifications import tasks, tokens
from consultation.notifications.models import Mailing, Subscriber
from tests.support import factories
from tests.support.notification_factories import (
    SubscriberFactory,
    link_path,
    parts,
    unsubscribe_path,
)
from tests.support.pages import publish

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/notifications/subscribe/"
FORMAT_ERROR = "Enter an email address in the correct format, like name@example.com."


@pytest.fixture(autouse=True)
def _site(home):
    return home


@pytest.fixture
def updates(home):
    return factories.UpdateIndexPageFactory(parent=home, slug="updates")


def subscribe(client, email, website="", **extra):
    return client.post(SUBSCRIBE, {"email": email, "website": website}, **extra)


def test_the_form_is_on_the_updates_home_and_get_involved_pages(client, site_tree):
    for name in ("updates", "home", "get_involved"):
        html = client.get(site_tree[name].url).content.decode()
        assert f'action="{SUBSCRIBE}"' in html, name
        assert 'name="csrfmiddlewaretoken"' in html
        assert '<label class="nhsuk-label" for="subscribe-email">Email address</label>' in html


def test_subscription_is_confirmed_by_the_link_in_an_email(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client, "  Reader@Example.org ")
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:subscribe_sent")
    assert "Check your email" in client.get(response["Location"]).content.decode()

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "reader@example.org"
    assert subscriber.confirmed_at is None
    [message] = mail.outbox
    assert message.to == ["reader@example.org"]
    assert message.subject == "[AI strategy hub] Confirm your subscription to progress updates"
    assert "List-Unsubscribe" not in message.extra_headers  # Not subscribed yet.
    text, html = parts(message)
    path = link_path(text, "/notifications/subscribe/confirm/")
    assert path in html

    # Opening the link (as a mail system's link checker does) confirms nothing by itself.
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm subscription" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None

    done = client.post(path)
    assert done.status_code == 200
    assert "Subscription confirmed" in done.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None

    again = client.post(path)
    assert "You are already subscribed" in again.content.decode()


def test_the_confirm_button_needs_the_csrf_token(client, django_capture_on_commit_callbacks):
    subscriber = SubscriberFactory(confirmed_at=None)
    path = reverse(
        "notifications:subscription_confirm", args=[tokens.confirmation_token(subscriber)]
    )
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(path).status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None


def test_subscribing_again_reveals_nothing(client, django_capture_on_commit_callbacks):
    SubscriberFactory(email="known@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        known = subscribe(client, "known@example.org")
        unknown = subscribe(client, "unknown@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    # Only the owner of the mailbox learns it was already subscribed.
    by_recipient = {message.to[0]: message for message in mail.outbox}
    already = by_recipient["known@example.org"]
    assert already.subject.endswith("You are already subscribed to progress updates")
    assert unsubscribe_path(already).startswith("/notifications/unsubscribe/updates/")
    assert "Confirm your subscription" in by_recipient["unknown@example.org"].subject
    assert Subscriber.objects.count() == 2


def test_one_subscription_email_per_address_in_a_while(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = subscribe(client, "reader@example.org")
        second = subscribe(client, "READER@example.org")
    assert first["Location"] == second["Location"]
    assert len(mail.outbox) == 1
    assert Subscriber.objects.count() == 1


def test_the_honeypot_stores_and_sends_nothing(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client, "bot@example.org", website="https://spam.example")
    assert response.status_code == 302
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("", "Enter your email address."),
        ("   ", "Enter your email address."),
        ("a" * 300 + "@example.org", "Email address must be 254 characters or fewer."),
        ("x" * 200_000, "Email address must be 254 characters or fewer."),
        ("not-an-address", FORMAT_ERROR),
        ("victim@example.org\nBcc: everyone@example.org", FORMAT_ERROR),
        ("victim@example.org\r\nSubject: cheap pills", FORMAT_ERROR),
        ("victim@example.org%0ABcc:everyone@example.org", FORMAT_ERROR),
        ("<script>alert(1)</script>@example.org", FORMAT_ERROR),
        ('"><img src=x onerror=alert(1)>@example.org', FORMAT_ERROR),
        ("person@example.org\x00", FORMAT_ERROR),
        ("pérson@example.org", FORMAT_ERROR),
        ("someone@", FORMAT_ERROR),
        ("a@b@example.org", FORMAT_ERROR),
        ("\u202eevil@example.org", FORMAT_ERROR),
    ],
)
def test_bad_addresses_get_a_clear_message_and_store_nothing(
    client, email, error, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client, email)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: " in html
    assert 'class="nhsuk-error-summary"' in html
    assert f'<a href="#subscribe-email">{error}</a>' in html
    assert 'id="subscribe-email-error"' in html
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_an_address_with_an_international_domain_works(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client, "leser@bücher.example")
    assert response.status_code == 302
    [message] = mail.outbox
    # Sent with the domain in its ASCII form.
    assert message.message()["To"] == "leser@xn--bcher-kva.example"


def test_subscribing_is_rate_limited_per_network_address(
    client, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_SUBSCRIBE_RATE_LIMIT = (2, 600)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            assert (
                subscribe(client, f"r{n}@example.org", REMOTE_ADDR="203.0.113.9").status_code == 302
            )
        refused = subscribe(client, "r9@example.org", REMOTE_ADDR="203.0.113.9")
        elsewhere = subscribe(client, "r8@example.org", REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "There have been too many requests to subscribe from your network" in html
    assert re.search(r"Wait (a minute|\d+ minutes) and try again\.", html)
    assert elsewhere.status_code == 302
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "r0@example.org",
        "r1@example.org",
        "r8@example.org",
    ]


def _signed_long_ago(payload, salt, days):
    class LongAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - days * 86400)

    return LongAgo(salt=salt).sign_object(payload)


def test_an_expired_confirmation_link_says_so(client):
    subscriber = SubscriberFactory(confirmed_at=None)
    token = _signed_long_ago({"s": subscriber.pk}, tokens.CONFIRM_SALT, days=8)
    for method in (client.get, client.post):
        response = method(reverse("notifications:subscription_confirm", args=[token]))
        assert response.status_code == 400
        html = response.content.decode()
        assert "This link has expired" in html
        assert "Ask for a new confirmation email" in html
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None


def test_unconfirmed_addresses_are_forgotten(client, django_capture_on_commit_callbacks):
    stale = SubscriberFactory(confirmed_at=None)
    Subscriber.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=8))
    fresh = SubscriberFactory(confirmed_at=None)
    confirmed_long_ago = SubscriberFactory()
    Subscriber.objects.filter(pk=confirmed_long_ago.pk).update(
        created_at=timezone.now() - timedelta(days=800)
    )
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, "new@example.org")
    remaining = set(Subscriber.objects.values_list("pk", flat=True))
    assert stale.pk not in remaining
    assert {fresh.pk, confirmed_long_ago.pk} <= remaining


def test_a_new_update_goes_to_confirmed_subscribers_once(
    client, updates, django_capture_on_commit_callbacks
):
    confirmed = SubscriberFactory.create_batch(3)
    SubscriberFactory(email="waiting@example.org", confirmed_at=None)
    update = factories.UpdatePageFactory(
        parent=updates,
        title="Engagement phase opens",
        summary="Tell us <what> you think & why.",
        live=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish(update)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in confirmed)
    message = mail.outbox[0]
    assert message.subject == "[AI strategy hub] Progress update: Engagement phase opens"
    text, html = parts(message)
    assert "Tell us <what> you think & why." in text
    assert "Tell us &lt;what&gt; you think &amp; why." in html
    update.refresh_from_db()
    assert update.url in text and update.url in html
    assert unsubscribe_path(message) in text
    assert Mailing.objects.get().completed_at is not None

    # A correction published later is not sent again.
    mail.outbox.clear()
    update.summary = "Corrected."
    with django_capture_on_commit_callbacks(execute=True):
        publish(update)
    assert mail.outbox == []


def test_the_unsubscribe_link_in_an_update_deletes_the_address(
    client, updates, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory()
    update = factories.UpdatePageFactory(parent=updates, live=False)
    with django_capture_on_commit_callbacks(execute=True):
        publish(update)
    path = unsubscribe_path(mail.outbox[0])
    assert "Stop progress updates by email?" in client.get(path).content.decode()
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()
    response = client.post(path)
    assert response.status_code == 200
    assert "We have deleted your email address" in response.content.decode()
    assert not Subscriber.objects.filter(pk=subscriber.pk).exists()


@pytest.mark.parametrize("count", [30, 60])
def test_sending_an_update_asks_a_fixed_number_of_queries_per_batch(
    updates, settings, count, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_BATCH_SIZE = 25
    SubscriberFactory.create_batch(count)
    update = factories.UpdatePageFactory(parent=updates)
    mailing = Mailing.objects.create(key=f"update:{update.pk}")
    batches = -(-count // 25)
    # Page, mailing, then per batch one query for the addresses and one for progress.
    with django_assert_max_num_queries(4 + 2 * batches):
        result = tasks.send_progress_update.call(mailing_id=mailing.pk, update_id=update.pk)
    assert result == {"sent": count}
    assert len(mail.outbox) == count
    assert len({message.to[0] for message in mail.outbox}) == count
    mailing.refresh_from_db()
    assert (mailing.sent, mailing.completed_at is not None) == (count, True)


def test_a_title_with_line_breaks_cannot_add_mail_headers(
    updates, django_capture_on_commit_callbacks
):
    SubscriberFactory()
    update = factories.UpdatePageFactory(
        parent=updates, title="Phase two\r\nBcc: everyone@example.org\nX-Spam: yes", live=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish(update)
    [message] = mail.outbox
    assert message.subject == (
        "[AI strategy hub] Progress update: Phase two Bcc: everyone@example.org X-Spam: yes"
    )
    built = message.message()  # Long subjects are folded, which is not a new header.
    assert built["Bcc"] is None and built["X-Spam"] is None
    assert message.recipients() == [message.to[0]]
