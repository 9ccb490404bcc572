"""Who may do what in a consultation: small named rules, one per action.

Views, templates (through the selectors) and tests ask these; nothing else decides.
`participation_barrier` says why someone may not take part, so pages can say what to do."""

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from consultation import conf
from consultation.models import BlockedUser, Flag, Status, Visibility
from hub.accounts.rules import (
    can_moderate,
    can_participate,
    has_complete_profile,
    has_verified_email,
    is_moderator,
)
from hub.accounts.user_facts import remembered
from hub.core.dates import human_date


def is_blocked(user):
    """Kept in the person's facts (hub.accounts.user_facts) until a block is made or lifted
    (the receivers in consultation/apps.py)."""
    if not user.is_authenticated:
        return False
    return remembered(user, "blocked", lambda: BlockedUser.objects.filter(user=user).exists())


def _can_participate(user):
    cached = getattr(user, "_consultation_can_participate", None)
    if cached is None:
        cached = can_participate(user)
        user._consultation_can_participate = cached
    return cached


def is_author(user, comment):
    return user.is_authenticated and comment.author_id == user.pk


def in_moderation_team(user):
    """A member of the Moderators or the Working group, with or without a second factor."""
    return is_moderator(user)


def can_contribute(user, consultation, now=None):
    """Comment, reply, post, react or edit: a participant who is not blocked, while the
    consultation is open."""
    return consultation.is_open(now) and _can_participate(user) and not is_blocked(user)


class Reader:
    """What one person may do with the comments of one consultation, worked out once for a
    page of comments: the facts about the person (what they may see, whether they take
    part, are blocked, moderate) are read once, not once per comment. The functions below
    ask one for a single comment; a list of comments shares one (consultation.threads)."""

    def __init__(self, user, consultation, now=None):
        self.user = user
        self.consultation = consultation
        self.now = now
        self.author_id = user.pk if user.is_authenticated else None

    @cached_property
    def visibility(self):
        return Visibility.of(self.user, self.consultation)

    @property
    def moderates(self):
        return self.visibility.everything

    @cached_property
    def participates(self):
        """Takes part and is not blocked (asked only when an action needs it)."""
        return _can_participate(self.user) and not is_blocked(self.user)

    @cached_property
    def contributes(self):
        return self.consultation.is_open(self.now) and self.participates

    def is_author(self, comment):
        return self.author_id is not None and comment.author_id == self.author_id

    def can_view(self, comment):
        return self.visibility.allows(comment)

    def can_read_text(self, comment):
        return self.visibility.allows_text(comment)

    def can_reply(self, comment):
        return comment.status == Status.PUBLISHED and self.contributes and self.can_view(comment)

    def can_react(self, comment):
        return (
            comment.status == Status.PUBLISHED
            and not self.is_author(comment)
            and self.contributes
            and self.can_view(comment)
        )

    def can_edit(self, comment):
        return (
            self.is_author(comment)
            and comment.status in Status.EDITABLE
            and edit_window_open(comment, self.now)
            and self.contributes
        )

    def can_withdraw(self, comment):
        """Authors may withdraw their words at any time, even after the consultation closes."""
        return self.is_author(comment) and comment.status != Status.WITHDRAWN

    def can_flag(self, comment):
        """Participants can report a published contribution, also after closing (safety)."""
        return (
            comment.status == Status.PUBLISHED
            and not self.is_author(comment)
            and self.participates
            and self.can_view(comment)
        )


def can_view_comment(user, comment):
    """Whether the comment appears at all (published text or a placeholder): the
    visibility rule (models.Visibility) that every list of comments is filtered by."""
    return Visibility.of(user, comment.consultation).allows(comment)


def can_read_text(user, comment):
    """Whether the comment's words are shown to this person."""
    return Visibility.of(user, comment.consultation).allows_text(comment)


def can_reply(user, comment, now=None):
    return Reader(user, comment.consultation, now).can_reply(comment)


def can_react(user, comment, now=None):
    return Reader(user, comment.consultation, now).can_react(comment)


def edit_window_open(comment, now=None):
    now = now or timezone.now()
    return now < comment.created_at + conf.edit_window()


def can_edit(user, comment, now=None):
    return Reader(user, comment.consultation, now).can_edit(comment)


def can_withdraw(user, comment):
    return Reader(user, comment.consultation).can_withdraw(comment)


def can_flag(user, comment):
    return Reader(user, comment.consultation).can_flag(comment)


def has_flagged(user, comment):
    """Whether this person has a report on the comment that no moderator has resolved yet;
    after a decision they can report it again (it may have been edited since)."""
    return (
        user.is_authenticated
        and Flag.objects.filter(comment=comment, flagged_by=user, resolved_at__isnull=True).exists()
    )


def can_see_history(user, comment):
    return is_author(user, comment) or can_moderate(user)


def can_view_discussion(user, consultation):
    """Public consultations have a board; moderators still see the board of one made
    private since, to look after what was posted there."""
    return consultation.has_discussion or can_moderate(user)


def can_start_thread(user, consultation, now=None):
    return consultation.has_discussion and can_contribute(user, consultation, now)


@dataclass(frozen=True)
class Barrier:
    """Why someone cannot take part now, and what they can do about it."""

    code: str
    message: str
    action_text: str = ""
    action_url: str = ""


def participation_barrier(user, consultation, *, next_url="", now=None):
    """None if the person can contribute to the consultation now; otherwise a Barrier."""
    state = consultation.state(now)
    if state == "upcoming":
        return Barrier(
            "upcoming",
            f"This consultation opens on {human_date(consultation.opens_at)}.",
        )
    if state == "closed":
        return Barrier(
            "closed",
            f"This consultation closed on {human_date(consultation.closes_at)}"
            ". You can still read what people said.",
        )
    suffix = "?" + urlencode({"next": next_url}) if next_url else ""
    if not user.is_authenticated:
        return Barrier(
            "anonymous",
            "You need an account to comment, reply or react.",
            "Sign in or create an account",
            reverse("account_login") + suffix,
        )
    if _can_participate(user):
        if is_blocked(user):
            return _blocked(user)
        return None
    if not user.is_active:
        return Barrier("inactive", "Your account is not active.")
    if not has_verified_email(user):
        return Barrier(
            "unverified",
            "Confirm your email address to take part: follow the link in the email we sent you.",
            "Manage your email addresses",
            reverse("account_email"),
        )
    if not has_complete_profile(user):
        return Barrier(
            "profile",
            "Complete your profile to take part.",
            "Complete your profile",
            reverse("profile_complete") + suffix,
        )
    return None


def _blocked(user):
    return Barrier(
        "blocked",
        "A moderator has blocked your account from taking part. "
        f"The reason given: {user.consultation_block.reason}",
    )
