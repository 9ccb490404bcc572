"""What the working group makes public of its synthesis: quotes pinned to a theme as
representative of it, and its responses ("what we heard, what we changed") per theme or
per section, which an editor publishes on the public site.

A pinned quote is only ever an item whose words are already public and say nothing of
who wrote them (consultation.synthesis.outcomes.may_quote): a published comment, reply or
post, or a free-text answer; never an imported response (its text may be a private email)
and never the author's name. A response is written by the working group and stays a draft
until an editor publishes it; editing a published response takes it back to a draft.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from consultation.synthesis.models.codebook import Theme


class PinnedQuote(models.Model):
    """An item an analyst chose as representative of a theme."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="pinned_quotes")
    item = models.ForeignKey(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="pinned_quotes"
    )
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pinned_at = models.DateTimeField()

    class Meta:
        ordering = ["pinned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "item"], name="quote_pinned_once_per_theme")
        ]

    def __str__(self):
        return f"Quote {self.item_id} for theme {self.theme_id}"


class SynthesisResponse(models.Model):
    """The working group's response to what people said about one theme or one section:
    what we heard, and what we changed (optionally the version of a section that changed).

    A response about a theme has `theme`; its `section` (optional) is the section that
    changed. A response about a section has `section` and no theme. Each theme, and each
    section, has at most one response per consultation."""

    consultation = models.ForeignKey(
        "consultation.Consultation", on_delete=models.CASCADE, related_name="synthesis_responses"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="responses", null=True, blank=True
    )
    section = models.ForeignKey(
        "pages.SectionPage",
        on_delete=models.PROTECT,
        related_name="synthesis_responses",
        null=True,
        blank=True,
    )
    changed_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The published version of the section that changed."
    )
    heard_text = models.TextField(help_text="What we heard, as typed.")
    heard_body = models.TextField(help_text="What we heard, sanitised HTML.")
    changed_text = models.TextField(blank=True, help_text="What we changed, as typed.")
    changed_body = models.TextField(blank=True, help_text="What we changed, sanitised HTML.")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["theme__sort_order", "theme__name", "section__title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(theme__isnull=False) | Q(section__isnull=False),
                name="response_about_theme_or_section",
            ),
            models.CheckConstraint(
                condition=Q(changed_version__isnull=True) | Q(section__isnull=False),
                name="response_version_needs_section",
            ),
            models.UniqueConstraint(
                fields=["consultation", "theme"],
                condition=Q(theme__isnull=False),
                name="response_once_per_theme",
            ),
            models.UniqueConstraint(
                fields=["consultation", "section"],
                condition=Q(theme__isnull=True),
                name="response_once_per_section",
            ),
        ]

    def __str__(self):
        return f"Response about {self.subject}"

    @property
    def subject(self):
        return str(self.theme) if self.theme_id else self.section.title

    @property
    def is_published(self):
        return self.published_at is not None
