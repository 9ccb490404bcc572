"""Theme suggestions as stored for review: what the engine (consultation.synthesis.suggest)
proposed for each uncoded item, what analysts decided, and each theme's key phrases
(consultation.synthesis.suggestions writes them)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from consultation.feedback.models import FeedbackItem
from consultation.synthesis.models.codebook import CodeSource, Coding, CodingAction, Theme


def _coded_otherwise():
    """Whether a suggestion's item has a code by hand or from an import."""
    return models.Exists(
        Coding.objects.filter(item=models.OuterRef("item")).exclude(source=CodeSource.SUGGESTION)
    )


class ThemeSuggestionQuerySet(models.QuerySet):
    def waiting(self):
        """Pending suggestions still worth an analyst's review: not those of an item coded
        by hand or from an import, or left out of the analysis, since they were computed
        (the next refresh drops them)."""
        return self.filter(state=ThemeSuggestion.State.PENDING, item__in_analysis=True).filter(
            ~_coded_otherwise()
        )

    def closed_items(self):
        """The items with pending suggestions among these that wait for nobody any more
        (what `waiting` leaves out): coded by hand or from an import, or left out of the
        analysis, since the suggestions were computed. Read from the items' side: there
        are few such suggestions (the next refresh drops them), so counting what waits
        as what is pending less these reads indexes, where `waiting` looks up every
        pending suggestion's item (0.8 s for 260,000 suggestions)."""
        pending = self.filter(item=models.OuterRef("pk"), state=ThemeSuggestion.State.PENDING)
        coded = Coding.objects.exclude(source=CodeSource.SUGGESTION).values("item_id")
        return (
            FeedbackItem.objects.filter(Q(in_analysis=False) | Q(pk__in=coded))
            .filter(models.Exists(pending))
            .order_by()
        )

    def kept_by_refresh(self):
        """Pending suggestions a refresh keeps: those of an item coded only through its own
        accepted suggestions, so that accepting one does not hide the others."""
        accepted = ThemeSuggestion.objects.filter(
            item=models.OuterRef("item"), state=ThemeSuggestion.State.ACCEPTED
        )
        return self.waiting().filter(models.Exists(accepted))


class ThemeSuggestion(models.Model):
    """A theme the suggestion engine (consultation.synthesis.suggest) proposes for an
    uncoded item, and what an analyst decided about it.

    Pending suggestions are replaced each time suggestions are computed again
    (consultation.synthesis.suggestions). A decided one stays: an accepted one points at
    the coding action that applied its theme; a rejected one is remembered forever, so
    that theme is never suggested for that item again and the engine learns from it."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    # A consultation holds hundreds of thousands of these, replaced at every refresh, so
    # every index costs: the foreign keys below are covered by the composite indexes in
    # Meta (or by partial ones, for the few decided rows) instead of an index each.
    consultation = models.ForeignKey(
        "consultation.Consultation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    item = models.ForeignKey(
        "feedback.FeedbackItem",
        on_delete=models.CASCADE,
        related_name="theme_suggestions",
        db_index=False,
    )
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="suggestions")
    confidence = models.FloatField(help_text="0 to 1, comparable between themes.")
    suggested = models.BooleanField(
        default=False, help_text="Passes the threshold; below it, shown as a weaker hint."
    )
    rank = models.PositiveSmallIntegerField(help_text="1 for the item's best theme.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    computed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    action = models.ForeignKey(
        CodingAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        help_text="The coding action that applied the theme, once accepted.",
    )

    objects = ThemeSuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["item", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "theme"], name="suggestion_once_per_item_theme"
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                name="suggestion_confidence_0_to_1",
            ),
        ]
        indexes = [
            models.Index(
                fields=["consultation", "state", "theme"], name="suggestion_consultation_state"
            ),
            # The review queue: its order (an item's best confidence first) read from
            # the top of an index, and how many items wait counted from one.
            models.Index(
                fields=["consultation", "state", "-confidence", "item"],
                name="suggestion_queue_order",
            ),
            models.Index(
                fields=["consultation", "state", "item", "theme"], name="suggestion_queue_items"
            ),
            models.Index(
                fields=["decided_by"],
                condition=Q(decided_by__isnull=False),
                name="suggestion_decided_by",
            ),
            models.Index(
                fields=["action"], condition=Q(action__isnull=False), name="suggestion_action"
            ),
        ]

    def __str__(self):
        return f"{self.theme_id} for {self.item_id} ({self.state})"

    @property
    def is_pending(self):
        return self.state == self.State.PENDING

    @property
    def percent(self):
        return round(self.confidence * 100)

    @property
    def confidence_words(self):
        """The confidence in words, beside the percentage (which on its own reads as more
        precise than it is)."""
        if self.confidence >= 0.75:
            return "High confidence"
        if self.confidence >= 0.45:
            return "Medium confidence"
        return "Low confidence"


class ThemeKeyPhrases(models.Model):
    """The words and phrases that most set a theme's coded items apart from the others,
    as the suggestion engine found them when it last ran (shown in the codebook)."""

    theme = models.OneToOneField(Theme, on_delete=models.CASCADE, related_name="key_phrases")
    phrases = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    def __str__(self):
        return f"Key phrases of {self.theme_id}"
