"""The codebook and what analysts record about feedback items.

A consultation's codebook is its themes (a theme may have sub-themes, one level deep). A
`Coding` says that an item has a theme, how that came to be (coded by hand, imported from
another tool, accepted from a suggestion) and which `CodingAction` wrote it. Every change
to codes is a `CodingAction`: one item, a selection or every result of a search, written
atomically and undone as a whole (`consultation.synthesis.coding` is the only writer). An
item's `ItemReview` holds its stance and the analyst it is assigned to; `AnalystNote`s
are the working group's notes on it. None of this is ever shown on the public site.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class Colour(models.TextChoices):
    """Theme colours: the NHS.UK palette's colours that keep 4.5:1 contrast with white
    text and 3:1 with a white page, so a theme's chip and chart bar are readable."""

    BLUE = "#005eb8", "Blue"
    DARK_BLUE = "#003087", "Dark blue"
    PURPLE = "#330072", "Purple"
    DARK_PINK = "#7c2855", "Dark pink"
    RED = "#d5281b", "Red"
    DARK_GREEN = "#006747", "Dark green"
    GREEN = "#007f3b", "Green"
    DARK_GREY = "#425563", "Dark grey"
    WARM_YELLOW_DARK = "#8a5f00", "Brown"
    AQUA_GREEN_DARK = "#00665e", "Teal"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    OPPOSES = "opposes", "Opposes"
    MIXED = "mixed", "Mixed"
    NEUTRAL = "neutral", "Neutral"


class CodeSource(models.TextChoices):
    """How a code came to be on an item."""

    MANUAL = "manual", "Coded by an analyst"
    IMPORTED = "imported", "Imported from another tool"
    SUGGESTION = "suggestion", "Accepted from a suggestion"


class Theme(models.Model):
    """A theme of a consultation's codebook, or a sub-theme of one (one level deep)."""

    consultation = models.ForeignKey(
        "consultation.Consultation", on_delete=models.CASCADE, related_name="themes"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        related_name="children",
        null=True,
        blank=True,
        help_text="The theme this is a sub-theme of; empty for a top-level theme.",
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, help_text="What items with this theme say.")
    colour = models.CharField(max_length=7, choices=Colour.choices, default=Colour.BLUE)
    sort_order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sort_order", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "consultation", Lower("name"), name="theme_name_once_per_consultation"
            )
        ]

    def __str__(self):
        return f"{self.parent.name}: {self.name}" if self.parent_id else self.name

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": "A sub-theme cannot have sub-themes of its own."})
        if self.parent.consultation_id != self.consultation_id:
            raise ValidationError({"parent": "Choose a theme of the same consultation."})
        if self.pk and self.children.exists():
            raise ValidationError({"parent": "A theme with sub-themes cannot become one."})


class CodingAction(models.Model):
    """One change to codes, as the analyst made it: themes applied to or removed from one
    item, a selection, or every result of a search. Undoing it reverses exactly what it
    changed (codes it added go, codes it removed come back), once."""

    class Kind(models.TextChoices):
        APPLY = "apply", "Applied themes"
        REMOVE = "remove", "Removed themes"

    class Scope(models.TextChoices):
        ITEM = "item", "One item"
        SELECTION = "selection", "Selected items"
        SEARCH = "search", "Every result of a search"
        CAMPAIGN = "campaign", "A campaign group"
        IMPORT = "import", "An import of codes"
        SUGGESTION = "suggestion", "A suggestion"

    consultation = models.ForeignKey(
        "consultation.Consultation", on_delete=models.CASCADE, related_name="coding_actions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    themes = models.ManyToManyField(Theme, related_name="+")
    search = models.TextField(
        blank=True, help_text="The search that chose the items (its query string), if any."
    )
    item_count = models.PositiveIntegerField(default=0, help_text="Items it was asked to change.")
    changed_count = models.PositiveIntegerField(default=0, help_text="Codes it added or removed.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_scope_display().lower()}) {self.pk}"

    @property
    def is_undone(self):
        return self.undone_at is not None


class Coding(models.Model):
    """An item has a theme."""

    item = models.ForeignKey(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="codings"
    )
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="codings")
    source = models.CharField(max_length=10, choices=CodeSource.choices, default=CodeSource.MANUAL)
    action = models.ForeignKey(
        CodingAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="codings",
        help_text="The action that applied it.",
    )
    coded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    coded_at = models.DateTimeField()

    class Meta:
        ordering = ["item", "theme"]
        constraints = [
            models.UniqueConstraint(fields=["item", "theme"], name="coding_once_per_item_theme")
        ]
        indexes = [models.Index(fields=["theme", "item"], name="coding_theme_item")]

    def __str__(self):
        return f"{self.item_id} → {self.theme_id}"


class RemovedCoding(models.Model):
    """A code a REMOVE action took away, kept so that undoing the action restores it as it
    was (its source, who coded it and when)."""

    action = models.ForeignKey(CodingAction, on_delete=models.CASCADE, related_name="removed")
    item = models.ForeignKey("feedback.FeedbackItem", on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=CodeSource.choices)
    coded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    coded_at = models.DateTimeField()
    applied_by_action = models.ForeignKey(
        CodingAction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self):
        return f"{self.item_id} → {self.theme_id}, removed by {self.action_id}"


class ItemReview(models.Model):
    """What an analyst records about one item besides its themes: its stance and who it
    is assigned to. Made the first time either is set."""

    item = models.OneToOneField(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="review"
    )
    stance = models.CharField(max_length=10, choices=Stance.choices, blank=True)
    stance_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_feedback",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["assignee", "item"],
                condition=Q(assignee__isnull=False),
                name="review_assignee",
            )
        ]

    def __str__(self):
        return f"Review of {self.item_id}"


class AnalystNote(models.Model):
    """A working-group note on an item (never public)."""

    item = models.ForeignKey(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="analyst_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note on {self.item_id}"


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


# What the working group makes public (pinned quotes, responses) lives in its own module.
from consultation.synthesis.outcome_models import PinnedQuote, SynthesisResponse  # noqa: E402, F401
