"""The background tasks that send every notification email (django-tasks).

Tasks take ids, never addresses or text, and look everything up when they run: an email
reflects the state at sending time (a reply withdrawn meanwhile is not sent; a person who
switched emails off meanwhile gets nothing).

When the mail server fails, a task schedules itself again with `run_after` (1, 4, 16, 64
minutes) on a backend that can defer (the database backend); after the last attempt, or
on a backend that cannot defer (the immediate backend of development and tests), it logs
the failure and raises, so the task result is marked failed. The database backend has no
retries of its own: this is them. Emails to many people go out in batches over one SMTP
connection, and a retry resumes after the last recipient that was sent to.
"""

import logging
import smtplib
from functools import partial

from django.core.mail import get_connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from consultation.notifications import conf, emails, selectors, tokens
from consultation.notifications.models import Kind, Mailing
from consultation.questionnaires import selectors as questionnaire_selectors

logger = logging.getLogger(__name__)

# What a mail server (or the network to it) throws when it cannot take a message now.
DELIVERY_ERRORS = (smtplib.SMTPException, OSError)


class DeliveryFailed(Exception):
    """The mail server refused the email on every attempt."""


def _retry_or_give_up(task_obj, error, *, attempt, **kwargs):
    backend = task_obj.get_backend()
    if attempt < conf.max_attempts() and backend.supports_defer:
        run_after = timezone.now() + conf.retry_delay(attempt)
        task_obj.using(run_after=run_after).enqueue(attempt=attempt + 1, **kwargs)
        logger.warning(
            "Mail server failed for %s %s (attempt %d of %d): %s. Trying again after %s.",
            task_obj.name,
            kwargs,
            attempt,
            conf.max_attempts(),
            error,
            run_after.isoformat(),
        )
        return {"retry": attempt + 1, "run_after": run_after.isoformat()}
    logger.error(
        "Could not send %s %s after %d attempt(s): %s",
        task_obj.name,
        kwargs,
        attempt,
        error,
        exc_info=error,
    )
    raise DeliveryFailed(f"{task_obj.name} {kwargs}: {error}") from error


def _send_one(task_obj, message, *, attempt, **kwargs):
    try:
        with get_connection() as connection:
            connection.send_messages([message])
    except DELIVERY_ERRORS as error:
        return _retry_or_give_up(task_obj, error, attempt=attempt, **kwargs)
    return {"sent": 1}


def _fan_out(task_obj, *, mailing_id, attempt, recipients, build, **kwargs):
    """Send `build(recipient)` to every recipient after the mailing's cursor, a batch at a
    time: one query for the batch and one to record progress, whatever its size."""
    mailing = Mailing.objects.filter(pk=mailing_id, completed_at__isnull=True).first()
    if mailing is None:
        return {"sent": 0}
    limit = conf.batch_size()
    saved_cursor = cursor = mailing.cursor
    unsaved = sent = 0

    def record(**extra):
        nonlocal saved_cursor, unsaved
        if cursor != saved_cursor or extra:
            Mailing.objects.filter(pk=mailing.pk).update(
                cursor=cursor, sent=F("sent") + unsaved, **extra
            )
        saved_cursor, unsaved = cursor, 0

    try:
        with get_connection() as connection:
            while True:
                batch = recipients(after=cursor, limit=limit)
                for recipient in batch:
                    connection.send_messages([build(recipient)])
                    cursor = recipient.pk
                    unsaved += 1
                    sent += 1
                if len(batch) < limit:
                    break
                record()
    except DELIVERY_ERRORS as error:
        record()
        return _retry_or_give_up(task_obj, error, attempt=attempt, mailing_id=mailing_id, **kwargs)
    record(completed_at=timezone.now())
    return {"sent": sent}


def _to_each_person(task_obj, *, recipients, subject, template, context, kind, **task_kwargs):
    """One email to each person `recipients(after=, limit=)` returns (people with an
    account, greeted by name, with that kind's unsubscribe link), as a resumable mailing."""

    def build(user):
        return emails.build(
            to=user.email,
            subject=subject,
            template=template,
            context={**context, "name": _greeting_name(user)},
            kind=kind,
            user=user,
        )

    return _fan_out(task_obj, recipients=recipients, build=build, **task_kwargs)


def _greeting_name(user):
    profile = getattr(user, "profile", None)
    return profile.display_name if profile and profile.display_name else ""


def _where(comment):
    if comment.section_id:
        return comment.section.title
    if comment.topic_id:
        return comment.topic.title
    return comment.consultation.title


@task()
def send_reply_notification(reply_id, attempt=1):
    reply = selectors.reply_with_recipient(reply_id)
    recipient = selectors.reply_recipient(reply) if reply else None
    if recipient is None:
        return {"sent": 0}
    parent = reply.parent
    message = emails.build(
        to=recipient.email,
        subject=f"New reply to your {parent.noun} on {emails.one_line(_where(reply), 80)}",
        template="reply",
        context={
            "name": _greeting_name(recipient),
            "replier": reply.author.public_name if reply.author else "A former participant",
            "noun": parent.noun,
            "where": _where(reply),
            "consultation": reply.consultation.title,
            "reply_text": reply.text,
            "reply_url": emails.absolute_url(reply.get_absolute_url()),
            "parent_url": emails.absolute_url(parent.get_absolute_url()),
        },
        kind=Kind.REPLIES,
        user=recipient,
    )
    return _send_one(send_reply_notification, message, attempt=attempt, reply_id=reply_id)


# What a decision did: "was {participle}" in the subject, "a moderator {verb}" in the text.
DECISION_WORDS = {
    "approve": ("approved", "approved"),
    "hide": ("hidden", "hid"),
    "reject": ("rejected", "rejected"),
}


@task()
def send_decision_notification(decision_id, attempt=1):
    decision = selectors.decision_with_recipient(decision_id)
    recipient = selectors.decision_recipient(decision) if decision else None
    if recipient is None:
        return {"sent": 0}
    comment = decision.target
    outcome, verb = DECISION_WORDS[decision.action]
    excerpt = comment.text if not comment.purged_at else ""
    message = emails.build(
        to=recipient.email,
        subject=f"Your {comment.noun} was {outcome}",
        template="decision",
        context={
            "name": _greeting_name(recipient),
            "noun": comment.noun,
            "outcome": outcome,
            "verb": verb,
            "action": decision.action,
            "reason": decision.reason,
            "where": _where(comment),
            "consultation": comment.consultation.title,
            "excerpt": excerpt[:600] + ("…" if len(excerpt) > 600 else ""),
            "comment_url": emails.absolute_url(comment.get_absolute_url()),
        },
        kind=Kind.MODERATION,
        user=recipient,
    )
    return _send_one(send_decision_notification, message, attempt=attempt, decision_id=decision_id)


@task()
def send_report_outcome_notifications(mailing_id, decision_id, attempt=1):
    """Tell each person whose report a decision resolved what was decided: not the text
    they reported (it may be abusive) nor the reason, which is addressed to its author."""
    from consultation.models import FLAG_OUTCOMES, is_decision

    decision = selectors.decision_with_recipient(decision_id)
    if decision is None or not is_decision(decision):
        return {"sent": 0}
    comment = decision.target
    context = {
        "noun": comment.noun,
        "where": _where(comment),
        "consultation": comment.consultation.title,
        "outcome": FLAG_OUTCOMES[decision.action],
        "reports_url": emails.absolute_url(reverse("consultation:my_contributions") + "#reports"),
    }

    return _to_each_person(
        send_report_outcome_notifications,
        mailing_id=mailing_id,
        attempt=attempt,
        recipients=partial(selectors.report_outcome_recipients, decision),
        subject="A moderator has decided about your report",
        template="report_outcome",
        context=context,
        kind=Kind.REPORTS,
        decision_id=decision_id,
    )


def _section_and_readers(section_id):
    """The live section and who may read it in an email (selectors.section_readers), or
    (None, None) when it is gone or behind a password (no email speaks of it)."""
    from hub.pages.models import SectionPage

    section = SectionPage.objects.live().filter(pk=section_id).first() if section_id else None
    readers = selectors.section_readers(section) if section is not None else None
    return (section, readers) if readers is not None else (None, None)


@task()
def send_section_version_notifications(mailing_id, section_id, version_number, attempt=1):
    from hub.pages.versions import version_by_number

    section, readers = _section_and_readers(section_id)
    if section is None:
        return {"sent": 0}
    version = version_by_number(section, version_number)
    section_url = section.full_url
    compare_url = ""
    if version_number > 1:
        compare_url = (
            section_url.rstrip("/")
            + "/"
            + section.reverse_subpage("compare")
            + f"?from_version={version_number - 1}&to_version={version_number}"
        )
    title = emails.one_line(section.title, 90)
    return _to_each_person(
        send_section_version_notifications,
        mailing_id=mailing_id,
        attempt=attempt,
        recipients=partial(selectors.section_version_recipients, section, readers),
        subject=f"Version {version_number} of {title} is published",
        template="new_version",
        context={
            "section_title": section.title,
            "version_number": version_number,
            "section_url": section_url,
            "compare_url": compare_url,
            "change_note": version.change_note if version else "",
        },
        kind=Kind.NEW_VERSIONS,
        section_id=section_id,
        version_number=version_number,
    )


@task()
def send_synthesis_response_notifications(mailing_id, response_id, attempt=1):
    """The working group's published response, to those who commented on its section: a
    link to the consultation's outcome page (the text itself is read there)."""
    response = selectors.published_response(response_id)
    section, readers = _section_and_readers(response.section_id if response else None)
    if section is None:
        return {"sent": 0}
    consultation = response.consultation
    outcome_url = emails.absolute_url(
        reverse("consultation:outcome", args=[consultation.slug]) + f"#response-{response.pk}"
    )
    title = emails.one_line(section.title, 90)
    return _to_each_person(
        send_synthesis_response_notifications,
        mailing_id=mailing_id,
        attempt=attempt,
        recipients=partial(selectors.section_response_recipients, section, readers),
        subject=f"What we heard and what we changed: {title}",
        template="synthesis_response",
        context={
            "section_title": section.title,
            "theme": str(response.theme) if response.theme_id else "",
            "consultation": consultation.title,
            "outcome_url": outcome_url,
            "section_url": section.full_url,
        },
        kind=Kind.RESPONSES,
        response_id=response_id,
    )


@task()
def send_progress_update(mailing_id, update_id, attempt=1):
    from hub.pages.models import UpdatePage

    update = UpdatePage.objects.live().public().filter(pk=update_id).first()
    if update is None:
        return {"sent": 0}
    context = {
        "title": update.title,
        "date": update.date,
        "summary": update.summary,
        "update_url": update.full_url,
    }
    subject = f"Progress update: {emails.one_line(update.title, 100)}"

    def build(subscriber):
        return emails.build(
            to=subscriber.email,
            subject=subject,
            template="progress_update",
            context=context,
            kind=Kind.UPDATES,
            subscriber=subscriber,
        )

    return _fan_out(
        send_progress_update,
        mailing_id=mailing_id,
        attempt=attempt,
        recipients=selectors.confirmed_subscribers,
        build=build,
        update_id=update_id,
    )


@task()
def send_subscription_email(subscriber_id, attempt=1):
    """Ask a new address to confirm; tell a confirmed one it is already subscribed (only
    the mailbox's owner learns that)."""
    subscriber = selectors.subscriber_get(subscriber_id)
    if subscriber is None:
        return {"sent": 0}
    if subscriber.is_confirmed:
        message = emails.build(
            to=subscriber.email,
            subject="You are already subscribed to progress updates",
            template="already_subscribed",
            context={},
            kind=Kind.UPDATES,
            subscriber=subscriber,
        )
    else:
        token = tokens.confirmation_token(subscriber)
        message = emails.build(
            to=subscriber.email,
            subject="Confirm your subscription to progress updates",
            template="confirm_subscription",
            context={
                "confirm_url": emails.absolute_url(
                    reverse("notifications:subscription_confirm", args=[token])
                ),
                "days": conf.confirmation_max_age().days,
            },
        )
    return _send_one(send_subscription_email, message, attempt=attempt, subscriber_id=subscriber_id)


@task()
def send_questionnaire_receipt(response_id, attempt=1):
    """The receipt of a submitted questionnaire response: a copy of the answers as they are
    when it is sent, and the link to view and print the response."""
    response = questionnaire_selectors.response_with_answers(response_id)
    if response is None or not response.is_submitted or response.respondent is None:
        return {"sent": 0}
    questionnaire = response.questionnaire
    slug = questionnaire.consultation.slug
    message = emails.build(
        to=response.respondent.email,
        subject=f"Your response to {emails.one_line(questionnaire.title, 100)}",
        template="questionnaire_receipt",
        context={
            "name": _greeting_name(response.respondent),
            "response": response,
            "questionnaire": questionnaire,
            "consultation": questionnaire.consultation,
            "answered_pages": questionnaire_selectors.answered_pages(questionnaire, response),
            "response_url": emails.absolute_url(
                reverse("consultation:questionnaires:response", args=[slug])
            ),
        },
    )
    return _send_one(send_questionnaire_receipt, message, attempt=attempt, response_id=response_id)
