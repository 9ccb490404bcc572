"""Writing side of notifications: scheduling emails, people's choices, the public
subscription to progress updates and unsubscribing.

The notify_* functions are what other apps call (consultation's comment and moderation
services, after their write commits; the page_published handlers). They only enqueue a
task once the current transaction commits, so a rolled-back write never sends an email,
and they never raise into their caller: a failure to enqueue is logged (robust on_commit).
"""

import hashlib
import time

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from consultation.models import is_decision
from consultation.notifications import conf, tasks
from consultation.notifications.models import ACCOUNT_KINDS, Kind, Mailing, Preferences, Subscriber


def after_commit(function, *args, **kwargs):
    """Call `function(*args, **kwargs)` once the current transaction commits (at once
    outside one); an exception is logged, never raised into the code that committed."""

    def call():
        function(*args, **kwargs)

    # Django names the callback in its log line when it fails.
    call.__qualname__ = f"after_commit({getattr(function, '__qualname__', function)!s})"
    transaction.on_commit(call, robust=True)


def _enqueue_after_commit(task_obj, **kwargs):
    after_commit(task_obj.enqueue, **kwargs)


def _schedule_mailing(key, task_obj, **kwargs):
    """Create the mailing named `key` and enqueue its task, once: a second call with the
    same key (a repeated signal, a retried request) does nothing."""
    mailing, created = Mailing.objects.get_or_create(key=key)
    if created:
        _enqueue_after_commit(task_obj, mailing_id=mailing.pk, **kwargs)
    return created


# ---------------------------------------------------------------------------------------
# What other apps call


def notify_reply(reply):
    """Tell the author of `reply.parent` that someone replied. Who is told (not oneself,
    not a closed account, not someone who switched these emails off) is decided when the
    task runs (selectors.reply_recipient)."""
    if reply.parent_id is None:
        return
    _enqueue_after_commit(tasks.send_reply_notification, reply_id=reply.pk)


def notify_moderation_decision(decision):
    """Tell the author of `decision.target` what a moderator decided, and why."""
    if decision.target_id is None or not is_decision(decision):
        return
    _enqueue_after_commit(tasks.send_decision_notification, decision_id=decision.pk)


def notify_report_outcome(decision):
    """Tell the people whose reports `decision` resolved what the moderator decided, once
    (a mailing keyed by the decision), each as they chose."""
    if decision.target_id is None or not is_decision(decision):
        return
    _schedule_mailing(
        f"report-outcome:{decision.pk}",
        tasks.send_report_outcome_notifications,
        decision_id=decision.pk,
    )


def notify_questionnaire_receipt(response):
    """Email the respondent a copy of their submitted answers (a receipt: sent whatever
    their notification choices, since they asked for it by submitting)."""
    _enqueue_after_commit(tasks.send_questionnaire_receipt, response_id=response.pk)


def notify_new_section_version(section, version_number):
    """Tell everyone who commented on `section` that version `version_number` is out."""
    _schedule_mailing(
        f"section:{section.pk}:version:{version_number}",
        tasks.send_section_version_notifications,
        section_id=section.pk,
        version_number=version_number,
    )


def notify_synthesis_response(response):
    """Tell everyone who commented on the response's section and takes these emails that the
    working group published its response, once (a mailing keyed by the response)."""
    _schedule_mailing(
        f"synthesis-response:{response.pk}",
        tasks.send_synthesis_response_notifications,
        response_id=response.pk,
    )


def notify_progress_update(update):
    """Send a newly published progress update to every confirmed subscriber, once."""
    _schedule_mailing(f"update:{update.pk}", tasks.send_progress_update, update_id=update.pk)


def section_published(section, revision_id):
    """A section was published: announce it as a new version when its body changed since
    the version before. A republish with only a new title, summary or search settings
    sends nothing (people asked to hear about changes to the text they commented on).

    Runs after the publish commits. When nothing wrapped the publish in a transaction
    (a management command), Wagtail has not written the publish to its log yet, so the
    revision counts as the next version."""
    from hub.pages import versions

    published = versions.published_versions(section)
    number = next((v.number for v in published if v.revision_id == revision_id), None)
    earlier = [v for v in published if v.revision_id != revision_id]
    if number is None:
        number = len(published) + 1
    earlier = [v for v in earlier if v.number < number]
    if not earlier:
        return  # The first version: nobody can have commented on it yet.
    current = section.revisions.filter(pk=revision_id).first()
    if current is None:
        return
    if _body_signature(earlier[-1].revision.as_object()) == _body_signature(current.as_object()):
        return
    notify_new_section_version(section, number)


def _body_signature(page):
    from hub.pages.versions import block_text

    return [(block.id, block.block_type, block_text(block)) for block in page.body]


def update_published(update):
    """A progress update was published: email subscribers on its first publication only
    (corrections republished later are not sent again)."""
    if update.first_published_at != update.last_published_at:
        return
    notify_progress_update(update)


# ---------------------------------------------------------------------------------------
# People's choices


@transaction.atomic
def preferences_update(*, user, choices):
    """Save which kinds of email `user` takes; `choices` maps each account kind to a bool."""
    preferences, _ = Preferences.objects.select_for_update().get_or_create(user=user)
    for kind in ACCOUNT_KINDS:
        setattr(preferences, kind, bool(choices.get(kind, False)))
    preferences.save()
    return preferences


# ---------------------------------------------------------------------------------------
# Unsubscribing (signed links in emails, no sign-in)


class UnsubscribeResult:
    DONE = "done"
    ALREADY = "already"


def unsubscribe(*, kind, payload):
    """Stop one kind of email for the person or address a valid token named. Returns
    DONE, or ALREADY when there was nothing to stop (idempotent: a second click is fine)."""
    if kind == Kind.UPDATES:
        deleted, _ = Subscriber.objects.filter(pk=payload["s"]).delete()
        return UnsubscribeResult.DONE if deleted else UnsubscribeResult.ALREADY
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=payload["u"]).first()
    if user is None:
        return UnsubscribeResult.ALREADY
    with transaction.atomic():
        preferences, _ = Preferences.objects.select_for_update().get_or_create(user=user)
        if not preferences.wants(kind):
            return UnsubscribeResult.ALREADY
        setattr(preferences, kind, False)
        preferences.save()
    return UnsubscribeResult.DONE


# ---------------------------------------------------------------------------------------
# The public subscription to progress updates (double opt-in)


class TooManyRequests(Exception):
    def __init__(self, retry_after):
        self.retry_after = retry_after
        minutes = max(1, round(retry_after / 60))
        wait = "a minute" if minutes == 1 else f"{minutes} minutes"
        super().__init__(
            f"There have been too many requests to subscribe from your network. "
            f"Wait {wait} and try again."
        )


def _count_request(ip):
    """Count one subscription request from `ip`; raise TooManyRequests past the limit."""
    count, seconds = conf.subscribe_rate_limit()
    now = time.time()
    window = int(now // seconds)
    key = f"notifications:subscribe:ip:{hashlib.sha256(ip.encode()).hexdigest()}:{window}"
    if cache.add(key, 1, timeout=seconds):
        return
    try:
        total = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        return
    if total > count:
        raise TooManyRequests(retry_after=int(seconds - now % seconds) + 1)


def _may_email_address(email):
    """At most one subscription email per address per period, whoever asks for it, so
    the form cannot be used to flood someone's inbox."""
    digest = hashlib.sha256(email.encode()).hexdigest()
    return cache.add(
        f"notifications:subscribe:address:{digest}", 1, timeout=conf.confirmation_resend_seconds()
    )


def subscription_request(*, email, ip):
    """Someone asked for progress updates at `email`. Nothing is sent to them before they
    confirm; they are sent a confirmation link (or, if already subscribed, a note saying
    so). The caller shows the same message whatever happened here, so the form never tells
    whether an address is subscribed. Raises TooManyRequests."""
    if ip:
        _count_request(ip)
    email = email.strip().lower()
    now = timezone.now()
    # Addresses never confirmed are forgotten once their link has expired.
    Subscriber.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - conf.confirmation_max_age()
    ).delete()
    subscriber, _ = Subscriber.objects.get_or_create(email=email)
    if _may_email_address(email):
        _enqueue_after_commit(tasks.send_subscription_email, subscriber_id=subscriber.pk)


class ConfirmResult:
    CONFIRMED = "confirmed"
    ALREADY = "already"
    GONE = "gone"


def subscription_confirm(*, payload):
    """Confirm the address a valid confirmation token names."""
    subscriber = Subscriber.objects.filter(pk=payload["s"]).first()
    if subscriber is None:
        return ConfirmResult.GONE
    if subscriber.is_confirmed:
        return ConfirmResult.ALREADY
    updated = Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )
    return ConfirmResult.CONFIRMED if updated else ConfirmResult.ALREADY
