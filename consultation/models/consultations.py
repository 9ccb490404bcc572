"""A consultation: a window of time in which stakeholders comment on some sections of the
draft strategy and talk on its discussion board. Editors manage them in the Wagtail admin
(a snippet); the server enforces the window on every write."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable


class ModerationMode(models.TextChoices):
    PRE = "pre", "Pre-moderation: a moderator approves each contribution before it is shown"
    POST = "post", "Post-moderation: contributions are shown at once and can be hidden"


# Paths under /consultation/ that are not consultations (see consultation/urls.py).
RESERVED_SLUGS = frozenset({"comments", "imports", "moderation", "my-contributions"})


class ConsultationQuerySet(models.QuerySet):
    def open_at(self, when):
        return self.filter(opens_at__lte=when, closes_at__gt=when)


class Consultation(ClusterableModel):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True, help_text="Used in the web address.")
    summary = models.TextField(help_text="What the consultation asks, in two or three sentences.")
    sections = models.ManyToManyField(
        "pages.SectionPage",
        related_name="consultations",
        blank=True,
        help_text="The sections of the draft strategy people can comment on.",
    )
    opens_at = models.DateTimeField("Opens")
    closes_at = models.DateTimeField("Closes")
    moderation = models.CharField(
        max_length=4, choices=ModerationMode.choices, default=ModerationMode.POST
    )
    comments_public = models.BooleanField(
        "Comments are public",
        default=True,
        help_text=(
            "Untick to collect comments privately: only their authors and the working group "
            "see them, and there is no discussion board."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_it_opens",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": "This web address is used by the site: choose another."})
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "The closing time must be after the opening time."})

    def get_absolute_url(self):
        return reverse("consultation:detail", kwargs={"slug": self.slug})

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def state(self, now=None):
        """'upcoming', 'open' or 'closed'."""
        now = now or timezone.now()
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"

    @property
    def is_premoderated(self):
        return self.moderation == ModerationMode.PRE

    @property
    def has_discussion(self):
        return self.comments_public


class Topic(Orderable):
    """A discussion board topic that editors set up; stakeholders start threads in it."""

    consultation = ParentalKey(Consultation, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(max_length=150)
    description = models.TextField(blank=True)

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "consultation:topic", kwargs={"slug": self.consultation.slug, "topic_id": self.pk}
        )
