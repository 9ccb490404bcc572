"""The feedback item: one row for each thing a person sent, whatever it came in as."""

import functools
import hashlib
import sys
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q

from consultation.models import Status
from hub.accounts.facets import AuthorFacets


class SourceKind(models.TextChoices):
    COMMENT = "comment", "Comment on the draft"
    REPLY = "reply", "Reply"
    POST = "post", "Discussion post"
    ANSWER = "answer", "Questionnaire answer"
    IMPORTED = "imported", "Imported response"


class Channel(models.TextChoices):
    """How an item reached us: typed on this site, or imported from a file of another
    channel (the import batch's channel, copied so that it is a facet without a join)."""

    WEBSITE = "website", "This website"
    CSV = "csv", "CSV file"
    EMAIL = "email", "Email"


# The columns that say who was speaking and how the item stands: facets count them, and
# exports and the search engine's documents carry them.
FACET_COLUMNS = (
    "author_sector",
    "author_region",
    "author_organisation",
    "author_is_organisation",
    "moderation_state",
    "in_analysis",
)
# The kinds whose source is a consultation.Comment row.
COMMENT_KINDS = (SourceKind.COMMENT, SourceKind.REPLY, SourceKind.POST)
# Where an item's words count in the analysis: everything but what its author withdrew and
# what a moderator rejected (spam, mostly: the in_analysis=false filter still shows it).
# Hidden words were seen and judged unfit to show, not unfit to count.
LEFT_OUT_OF_ANALYSIS = (Status.WITHDRAWN, Status.REJECTED)


# Punctuation, separators, control and format characters (not unassigned or private-use
# code points, which would make the table a million entries long).
_READ_AS_SPACE = frozenset({"Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Zs", "Zl", "Zp", "Cc", "Cf"})


@functools.cache
def _spaces_for_punctuation():
    """A str.translate table turning punctuation, separators and control characters into
    spaces (built once: translate is far faster than a test of each character)."""
    return {
        code: " "
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in _READ_AS_SPACE
    }


def text_hash(text):
    """The SHA-256 (hex) of `text` normalised: NFKC, case folded, punctuation (and
    invisible characters) read as spaces, white space collapsed; so "Yes, I agree!" and
    "yes i  agree" share a hash. Finds exact duplicates (a campaign's unchanged letters)
    with one indexed look-up."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    kept = folded.translate(_spaces_for_punctuation())
    return hashlib.sha256(" ".join(kept.split()).encode()).hexdigest()


def counts_in_analysis(moderation_state, *, purged=False):
    """Whether an item in `moderation_state` counts in the analysis (see
    LEFT_OUT_OF_ANALYSIS); a text removed by the retention rule never does."""
    return not purged and moderation_state not in LEFT_OUT_OF_ANALYSIS


class FeedbackItem(AuthorFacets):
    """One thing a person sent, as search, coding and synthesis read it.

    Every comment, reply and discussion post, every free-text answer of a submitted
    questionnaire response and every imported response has exactly one item, written by
    `consultation.feedback.sync` in the same transaction as its source and kept in step
    when the source is edited, moderated, withdrawn or purged. An item points at exactly
    one source (a check constraint holds it): a `Comment` for comments, replies and posts,
    an `ImportedResponse` (import_source) for responses imported from a file, an `Answer`
    (answer_source) for a free-text answer. `channel` says how it reached us (this
    website, a CSV file, email); an imported item's batch is `import_source.batch`.

    It keeps the plain `text` and a `text_hash` of it normalised (for exact duplicates),
    where the source was made (consultation, section, paragraph, revision), the author's
    facets as they were when they wrote it (copied from the source, never read from the
    current profile), the time, the source's moderation state, and whether it counts in
    the analysis (`in_analysis`: withdrawn never does, rejected not by default). The
    database search indexes its text in the same transaction (FTS5 on SQLite, a generated
    tsvector on PostgreSQL); `needs_indexing` marks items Elasticsearch has not yet seen
    since their last change, for the indexer to pick up when the engine is reachable.
    """

    consultation = models.ForeignKey(
        "consultation.Consultation", on_delete=models.PROTECT, related_name="feedback_items"
    )
    source_kind = models.CharField(max_length=10, choices=SourceKind.choices)
    comment = models.OneToOneField(
        "consultation.Comment",
        on_delete=models.CASCADE,
        related_name="feedback_item",
        null=True,
        blank=True,
        help_text="The comment, reply or post this item is.",
    )
    answer_source = models.OneToOneField(
        "questionnaires.Answer",
        on_delete=models.CASCADE,
        related_name="feedback_item",
        null=True,
        blank=True,
        help_text="The free-text questionnaire answer this item is.",
    )
    import_source = models.OneToOneField(
        "imports.ImportedResponse",
        on_delete=models.CASCADE,
        related_name="feedback_item",
        null=True,
        blank=True,
        help_text="The imported response this item is.",
    )
    channel = models.CharField(
        max_length=10,
        choices=Channel.choices,
        default=Channel.WEBSITE,
        help_text="How it reached us; its import batch is import_source.batch.",
    )

    # Where it was made, where known.
    section = models.ForeignKey(
        "pages.SectionPage",
        on_delete=models.SET_NULL,
        related_name="feedback_items",
        null=True,
        blank=True,
    )
    paragraph_id = models.CharField(
        max_length=64, blank=True, help_text="The paragraph block's UUID; blank for none."
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )

    text = models.TextField(blank=True, help_text="The plain text the person sent.")
    text_hash = models.CharField(max_length=64, help_text="SHA-256 of the normalised text.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="feedback_items",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField()
    moderation_state = models.CharField(max_length=10, choices=Status.choices)
    in_analysis = models.BooleanField(default=True)
    needs_indexing = models.BooleanField(
        default=True, help_text="Changed since the search engine last indexed it."
    )
    # Every facet value but the consultation and section, packed for counting
    # (consultation.feedback.facet_codes); written with the fields it is made from.
    facet_bits = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        source_kind__in=COMMENT_KINDS,
                        comment__isnull=False,
                        answer_source__isnull=True,
                        import_source__isnull=True,
                    )
                    | Q(
                        source_kind=SourceKind.ANSWER,
                        comment__isnull=True,
                        answer_source__isnull=False,
                        import_source__isnull=True,
                    )
                    | Q(
                        source_kind=SourceKind.IMPORTED,
                        comment__isnull=True,
                        answer_source__isnull=True,
                        import_source__isnull=False,
                    )
                ),
                name="feedback_item_has_exactly_one_source",
            ),
        ]
        indexes = [
            models.Index(fields=["created_at", "id"], name="feedback_item_created"),
            models.Index(fields=["text_hash"], name="feedback_item_text_hash"),
            models.Index(
                fields=["needs_indexing"],
                condition=Q(needs_indexing=True),
                name="feedback_item_needs_indexing",
            ),
        ]

    def __str__(self):
        return f"{self.get_source_kind_display()} {self.pk}"

    @property
    def respondent_type(self):
        """ "organisation" or "individual": who they answered for."""
        return "organisation" if self.author_is_organisation else "individual"


class FacetCode(models.Model):
    """A small number standing for one paragraph id or organisation name in
    `FeedbackItem.facet_bits` (consultation.feedback.facet_codes); its id is the code."""

    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facet", "value"], name="facet_code_once_per_value")
        ]

    def __str__(self):
        return f"{self.facet} {self.value}"


class DeletedItem(models.Model):
    """An item deleted here whose search-engine document may still be there (written only
    when Elasticsearch is configured): the indexer deletes the document, then the row.
    Without it, a document of an item deleted while the engine was down would stay in
    search results until the next full rebuild."""

    item_id = models.PositiveBigIntegerField(primary_key=True)
    deleted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item_id"]

    def __str__(self):
        return f"Deleted item {self.item_id}"
