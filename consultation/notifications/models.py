"""What notifications store: each person's choices, the addresses subscribed to progress
updates (nothing but the address and when it was confirmed), and one row per announcement
sent to many people so it goes out once and resumes where it stopped."""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    REPLIES = "replies", "Replies to your comments"
    MODERATION = "moderation", "Moderators' decisions about your comments and posts"
    NEW_VERSIONS = "new_versions", "New versions of sections you commented on"
    REPORTS = "reports", "Moderators' decisions about what you reported"
    UPDATES = "updates", "Progress updates"
    RESPONSES = "responses", "The working group's responses to sections you commented on"


# What people with an account choose between; progress updates are the public subscription.
ACCOUNT_KINDS = (Kind.REPLIES, Kind.MODERATION, Kind.NEW_VERSIONS, Kind.REPORTS, Kind.RESPONSES)


class Preferences(models.Model):
    """A person's choices. No row means every kind is on (the defaults below)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preferences",
    )
    # One field per account kind, named after it.
    replies = models.BooleanField(default=True)
    moderation = models.BooleanField(default=True)
    new_versions = models.BooleanField(default=True)
    reports = models.BooleanField(default=True)
    responses = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "notification preferences"

    def __str__(self):
        return f"Notification preferences of {self.user_id}"

    def wants(self, kind):
        return bool(getattr(self, kind))


class Subscriber(models.Model):
    """An address that asked for progress updates by email. Deleted on unsubscribe, and
    when it was never confirmed within the confirmation period."""

    email = models.EmailField(unique=True, help_text="Stored in lower case.")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["confirmed_at"], name="subscriber_confirmed")]

    def __str__(self):
        return f"Subscriber {self.pk}"

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class Mailing(models.Model):
    """One announcement to many people ("section 12, version 3", "update 40"). The unique
    key makes it go out once; the cursor (the last recipient id done) lets a retry resume
    after a mail server failure without writing to everyone again."""

    key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cursor = models.BigIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.key
