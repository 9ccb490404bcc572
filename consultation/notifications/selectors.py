"""Read side of notifications: people's choices, and who receives which email. Recipient
lists come a batch at a time, in id order after a cursor, in one query per batch."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.prefetch import GenericPrefetch

from consultation.notifications.models import Kind, Preferences, Subscriber
from hub.core.models import AuditEntry
from hub.pages.privacy import readers_without_session_q


def preferences_for(user):
    """The person's choices; the defaults (everything on) when they never changed them."""
    return Preferences.objects.filter(user=user).first() or Preferences(user=user)


def wants(user, kind):
    """Whether `user` (with notification_preferences loaded or not) takes `kind` emails."""
    try:
        preferences = user.notification_preferences
    except Preferences.DoesNotExist:
        return True
    return preferences.wants(kind)


def subscriber_get(subscriber_id):
    return Subscriber.objects.filter(pk=subscriber_id).first()


def reply_with_recipient(reply_id):
    """The reply, with its parent's author and their choices loaded, or None."""
    from consultation.models import Comment

    return (
        Comment.objects.select_related(
            "author__profile",
            "consultation",
            "section",
            "topic",
            "parent__author__profile",
            "parent__author__notification_preferences",
        )
        .filter(pk=reply_id, parent__isnull=False)
        .first()
    )


def decision_with_recipient(decision_id):
    """The moderator's decision (an audit entry about a comment) with the contribution and
    its author's choices loaded, or None."""
    from consultation.models import Comment

    comments = Comment.objects.select_related(
        "consultation",
        "section",
        "topic",
        "author__profile",
        "author__notification_preferences",
    )
    return (
        AuditEntry.objects.filter(pk=decision_id, comment__isnull=False)
        .prefetch_related(GenericPrefetch("target", [comments]))
        .first()
    )


def reply_recipient(reply):
    """Who hears about `reply`: the parent's author, unless they wrote the reply, their
    account is closed, they switched these emails off, or they may not read the reply
    (a contribution waiting for moderation, a consultation whose comments are private, or a
    section an editor restricted to others or behind a password)."""
    from consultation import rules
    from consultation.models import Status

    recipient = reply.parent.author
    if (
        recipient is None
        or recipient.pk == reply.author_id
        or not recipient.is_active
        or not wants(recipient, Kind.REPLIES)
        or reply.status != Status.PUBLISHED
        or not rules.can_read_text(recipient, reply)
        or not may_read_away_from_session(recipient, reply.section)
    ):
        return None
    return recipient


def may_read_away_from_session(user, section):
    """Whether an email to `user` may speak of `section` (see readers_without_session_q)."""
    readers = readers_without_session_q(section)
    return readers is not None and (
        not readers or get_user_model().objects.filter(readers, pk=user.pk).exists()
    )


def decision_recipient(decision):
    """Who hears about a moderator's decision: the author of the contribution, unless it
    is the moderator themselves, the account is closed or they switched these emails off."""
    from consultation.models import is_decision

    recipient = decision.target.author
    if (
        recipient is None
        or recipient.pk == decision.actor_id
        or not recipient.is_active
        or not is_decision(decision)
        or not wants(recipient, Kind.MODERATION)
    ):
        return None
    return recipient


def report_outcome_recipients(decision, *, after, limit):
    """The next `limit` people whose reports `decision` resolved and who take these emails
    (not the moderator who decided, not closed accounts)."""
    return list(
        get_user_model()
        .objects.filter(consultation_flags__resolution=decision, pk__gt=after, is_active=True)
        .exclude(pk=decision.actor_id)
        .exclude(notification_preferences__reports=False)
        .select_related("profile")
        .distinct()
        .order_by("pk")[:limit]
    )


def section_readers(section):
    """Who may read `section` in an email, worked out once for a mailing: a Q over
    people, or None for nobody (see hub.pages.privacy.readers_without_session_q)."""
    return readers_without_session_q(section)


def section_commenters_taking(kind, section, readers, *, after, limit):
    """The next `limit` people who commented on `section`, take `kind` emails (an account
    kind, also the name of its Preferences field) and are among its `readers`
    (section_readers)."""
    from consultation.selectors.consultations import commenters_on_section

    return list(
        commenters_on_section(section)
        .filter(readers, pk__gt=after, is_active=True)
        .exclude(**{f"notification_preferences__{kind}": False})
        .order_by("pk")[:limit]
    )


def section_version_recipients(section, readers, *, after, limit):
    """The next `limit` people who commented on `section`, take new-version emails and are
    among its `readers` (section_readers)."""
    return section_commenters_taking(Kind.NEW_VERSIONS, section, readers, after=after, limit=limit)


def section_response_recipients(section, readers, *, after, limit):
    """The next `limit` people who commented on `section`, take emails about the working
    group's responses and are among its `readers`."""
    return section_commenters_taking(Kind.RESPONSES, section, readers, after=after, limit=limit)


def published_response(response_id):
    """The working group's response, if it is published, with what its email names."""
    from consultation.synthesis.models import SynthesisResponse

    return (
        SynthesisResponse.objects.select_related("consultation", "theme__parent")
        .filter(pk=response_id, published_at__isnull=False)
        .first()
    )


def confirmed_subscribers(*, after, limit):
    return list(
        Subscriber.objects.filter(confirmed_at__isnull=False, pk__gt=after)
        .order_by("pk")
        .only("pk", "email")[:limit]
    )
