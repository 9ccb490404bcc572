"""Campaign groups (identical and near-identical responses, found by
consultation.synthesis.grouping) and imports of codes made in another tool."""

from django.conf import settings
from django.db import models


class CampaignGroup(models.Model):
    """A campaign or set of near-duplicates found in a consultation's feedback
    (consultation.synthesis.campaigns): its template (the text of its most typical member,
    and the shingles its members hold in common, so that new items can join it without a
    recompute), its size and the time of its first and last member. `number` is the
    grouping's own id, kept through recomputes (a group that keeps most of its members
    keeps its number), so analysts can speak of "campaign 3"."""

    consultation = models.ForeignKey(
        "consultation.Consultation", on_delete=models.CASCADE, related_name="campaign_groups"
    )
    number = models.PositiveIntegerField()
    template_text = models.TextField(blank=True)
    template_item = models.ForeignKey(
        "feedback.FeedbackItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The member whose text is shown as the template.",
    )
    template_shingles = models.TextField(
        blank=True, help_text="The template's shingle hashes (base64), to place new items."
    )
    method_version = models.PositiveSmallIntegerField(default=1)
    size = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField(null=True, blank=True)
    last_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["consultation", "-size", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="campaign_number_once_per_consultation"
            )
        ]

    def __str__(self):
        return f"Campaign {self.number} ({self.size} items)"


class CampaignMembership(models.Model):
    """An item is in a campaign group (one group at most): `score` is the share of the
    group's template it contains (1.0 for an unchanged copy)."""

    group = models.ForeignKey(CampaignGroup, on_delete=models.CASCADE, related_name="memberships")
    item = models.OneToOneField(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="campaign_membership"
    )
    score = models.FloatField()

    class Meta:
        ordering = ["group", "-score", "item"]
        indexes = [models.Index(fields=["group", "item"], name="campaign_member_group_item")]

    def __str__(self):
        return f"{self.item_id} in {self.group_id} ({self.score:.2f})"


class CampaignState(models.Model):
    """Where a consultation's grouping stands: the items up to `placed_through` (an item
    id) have been grouped or placed; newer ones wait for the placing task."""

    consultation = models.OneToOneField(
        "consultation.Consultation", on_delete=models.CASCADE, related_name="campaign_state"
    )
    placed_through = models.BigIntegerField(default=0)
    recomputed_at = models.DateTimeField(null=True, blank=True)
    placed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Campaign grouping of {self.consultation_id} through item {self.placed_through}"


class CodeImport(models.Model):
    """A file of codes from another tool, applied to items already here: each row names an
    imported response by its external id and the themes it was given. Checked when it is
    uploaded (what it would do, and the rows whose id is unknown), then applied once."""

    class Status(models.TextChoices):
        READY = "ready", "Checked: ready to apply"
        REJECTED = "rejected", "Not applied: the file has problems"
        APPLIED = "applied", "Applied"

    consultation = models.ForeignKey(
        "consultation.Consultation", on_delete=models.CASCADE, related_name="code_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField(blank=True, help_text="The file, kept until it is applied.")
    mapping = models.JSONField(default=dict, blank=True, help_text="field → the file's column")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READY)
    report = models.JSONField(
        default=dict,
        blank=True,
        help_text="counts, preview (first rows), unknown (row, id, reason), errors, new themes",
    )
    codes_added = models.PositiveIntegerField(default=0)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Codes from {self.file_name}"
