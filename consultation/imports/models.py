"""Responses that arrived by another channel (a CSV file, emails) and the batches they came in.

A batch is one file imported into one consultation: who brought it, when, by which channel,
what the check found (counts, the first rows as they will be stored, errors by row and
column) and whether it was imported or undone. An imported response is one row or message
of a batch, with the words, the respondent's facets and, kept private, their name and email
address. Each imported response has exactly one feedback item (`consultation.feedback`),
written in the same transaction.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from consultation.feedback.models import Channel
from hub.accounts.facets import AuthorFacets

# The channels a file can come by (the feedback item's other channel is this website).
IMPORT_CHANNELS = [(channel.value, channel.label) for channel in (Channel.CSV, Channel.EMAIL)]


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV (comma-separated values)"
    EML = "eml", "One email message (.eml)"
    MBOX = "mbox", "A mailbox of emails (.mbox)"

    @property
    def channel(self):
        return Channel.CSV if self == FileFormat.CSV else Channel.EMAIL


class BatchStatus(models.TextChoices):
    CHECKING = "checking", "Being checked"
    READY = "ready", "Checked: ready to import"
    REJECTED = "rejected", "Not imported: the file has problems"
    IMPORTING = "importing", "Being imported"
    IMPORTED = "imported", "Imported"
    UNDONE = "undone", "Undone"

    @property
    def in_progress(self):
        return self in (BatchStatus.CHECKING, BatchStatus.IMPORTING)


class ImportBatch(models.Model):
    """One file brought into one consultation, from its upload to its import (or undoing)."""

    consultation = models.ForeignKey(
        "consultation.Consultation", on_delete=models.PROTECT, related_name="import_batches"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who brought the file; empty for the command line.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=10, choices=IMPORT_CHANNELS)
    file_format = models.CharField(max_length=10, choices=FileFormat.choices)
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField()
    content = models.BinaryField(
        blank=True,
        help_text="The uploaded file, kept from the check to the import (so a worker on "
        "another machine can read it), then emptied.",
    )
    mapping = models.JSONField(
        default=dict, blank=True, help_text="CSV only: our field name → the file's column."
    )
    status = models.CharField(
        max_length=10, choices=BatchStatus.choices, default=BatchStatus.CHECKING
    )
    # Counts, from the last check (and the import).
    rows_read = models.PositiveIntegerField(default=0, help_text="Rows or messages read.")
    rows_processed = models.PositiveIntegerField(default=0, help_text="Progress of the run.")
    rows_new = models.PositiveIntegerField(default=0, help_text="Not imported before.")
    rows_duplicate = models.PositiveIntegerField(
        default=0, help_text="Already imported, or repeated in the file."
    )
    rows_empty = models.PositiveIntegerField(default=0, help_text="Without any text: left out.")
    rows_in_attachment = models.PositiveIntegerField(
        default=0, help_text="Flagged: the response is in an attachment."
    )
    error_count = models.PositiveIntegerField(default=0)
    responses_created = models.PositiveIntegerField(default=0)
    report = models.JSONField(
        default=dict,
        blank=True,
        help_text="columns (the CSV header), preview (first rows as stored), errors "
        "(row, column, reason; the first ones).",
    )
    imported_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "import batches"

    def __str__(self):
        return f"{self.file_name} ({self.get_channel_display()}, {self.created_at:%Y-%m-%d})"

    @property
    def in_progress(self):
        return BatchStatus(self.status).in_progress

    @property
    def percent_done(self):
        if not self.rows_read:
            return 0
        return min(100, round(100 * self.rows_processed / self.rows_read))


class ImportedResponse(AuthorFacets):
    """One response from an imported file: a CSV row or an email message.

    `key` makes importing again harmless: the external id (CSV) or the Message-ID (email)
    where the file has one, else a hash of the content; unique per consultation. The
    respondent's name and email address are private (PRIVATE_FIELDS): shown only to the
    Working group, never in anonymised exports, never copied onto the feedback item.
    """

    PRIVATE_FIELDS = ("respondent_name", "respondent_email")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="responses")
    consultation = models.ForeignKey(
        "consultation.Consultation", on_delete=models.PROTECT, related_name="+"
    )
    key = models.CharField(max_length=300, help_text="What makes it the same response again.")
    row_number = models.PositiveIntegerField(help_text="Its row (CSV) or message number.")
    external_id = models.CharField(max_length=255, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    content_hash = models.CharField(max_length=64)
    text = models.TextField(blank=True)
    received_at = models.DateTimeField(
        null=True, blank=True, help_text="The date in the file or the email's Date."
    )
    subject = models.CharField(max_length=500, blank=True)
    respondent_name = models.CharField(max_length=200, blank=True)
    respondent_email = models.CharField(max_length=254, blank=True)
    attachments = models.JSONField(
        default=list, blank=True, help_text="[{name, type, size}] of the email's attachments."
    )
    content_in_attachment = models.BooleanField(
        default=False,
        help_text="The message says little more than 'see attached': the response is in "
        "an attachment, not in the text.",
    )

    class Meta:
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "key"], name="imported_response_once_per_consultation"
            )
        ]

    def __str__(self):
        return f"Imported response {self.row_number} of {self.batch}"

    @property
    def channel(self):
        return self.batch.channel
