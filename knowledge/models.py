"""The knowledge library: an index page and one page per resource.

Resources are pages, not snippets, so each gets a URL, a place in the sitemap, Wagtail's
revisions and publishing workflow, site search and the API's pages endpoint for free.
A resource links to the strategy sections it supports; the section pages show the same
links from their side (see `knowledge.selectors`).
"""

from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.models import Orderable, Page
from wagtail.search import index

from hub.core.dates import MONTHS, human_date
from hub.core.public_address import PublicAddressMixin, absolute_url
from hub.pages.restrictions import RestrictionsMemoMixin


class ResourceType(models.TextChoices):
    PAPER = "paper", "Paper"
    REPORT = "report", "Report"
    VIDEO = "video", "Video"
    DATASET = "dataset", "Dataset"
    LINK = "link", "Link"


class DatePrecision(models.TextChoices):
    """How much of the publication date the source gives. A year-only date is stored as
    1 January of that year (a month-only date as the 1st) so sorting stays simple, and is
    shown only to the precision the source gives."""

    DAY = "day", "Day, month and year"
    MONTH = "month", "Month and year only"
    YEAR = "year", "Year only"


class LibraryPage(PublicAddressMixin, RestrictionsMemoMixin, Page):
    """The library index: lists the live resources beneath it with filters and paging."""

    intro = models.TextField(blank=True, help_text="A sentence or two under the title.")

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["knowledge.ResourcePage"]
    max_count = 1
    # A new library starts in the navigation ("Show in menus" ticked in the admin). This is
    # Wagtail's per-model default: the field itself belongs to Page, so no migration.
    show_in_menus_default = True

    class Meta:
        verbose_name = "knowledge library"

    def get_context(self, request, *args, **kwargs):
        from knowledge import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.library_listing(library=self, params=request.GET))
        return context


class ResourcePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "knowledge.ResourcePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ResourcePage(PublicAddressMixin, RestrictionsMemoMixin, Page):
    resource_type = models.CharField(
        "type", max_length=20, choices=ResourceType.choices, default=ResourceType.REPORT
    )
    authors = models.CharField(
        max_length=255, blank=True, help_text="People or organisations, as the source credits them."
    )
    publisher = models.CharField(max_length=255, blank=True)
    publication_date = models.DateField(
        null=True,
        blank=True,
        help_text="Leave empty when the source gives no date. For a year-only date enter "
        "1 January of that year and choose 'Year only' below.",
    )
    date_precision = models.CharField(
        "date shows",
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    summary = models.TextField(help_text="What the resource is and why it matters, in plain text.")
    tags = ClusterTaggableManager(
        "topics", through=ResourcePageTag, blank=True, help_text="Topics people can filter by."
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Upload the resource itself (for example a PDF).",
    )
    external_url = models.URLField(
        "web address",
        max_length=500,
        blank=True,
        help_text="Where the resource lives on the web. For a video, its address on a video "
        "site (it is embedded on the page).",
    )
    reference_only = models.BooleanField(
        "cite without a link",
        default=False,
        help_text="Tick when no copy can be uploaded or linked: the library then shows the "
        "reference and its summary only.",
    )
    transcript_url = models.URLField(
        "transcript web address",
        max_length=500,
        blank=True,
        help_text="Videos only: where the transcript is.",
    )
    transcript_document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Videos only: or upload the transcript.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("resource_type"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("authors"),
                FieldPanel("publisher"),
                FieldRowPanel([FieldPanel("publication_date"), FieldPanel("date_precision")]),
            ],
            heading="Source",
        ),
        FieldPanel("tags"),
        MultiFieldPanel(
            [FieldPanel("document"), FieldPanel("external_url"), FieldPanel("reference_only")],
            heading="Where to find it",
            help_text="Upload a document or give a web address, or tick 'cite without a link'.",
        ),
        MultiFieldPanel(
            [FieldPanel("transcript_url"), FieldPanel("transcript_document")],
            heading="Transcript (videos)",
            help_text="Every video needs a transcript, for people who cannot watch or hear it.",
        ),
        InlinePanel("section_links", heading="Strategy sections it supports", label="Section"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("authors"),
        index.SearchField("publisher"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("resource_type"),
        index.FilterField("publication_date"),
    ]
    api_fields = [
        APIField("resource_type"),
        APIField("summary"),
        APIField("authors"),
        APIField("publisher"),
        APIField("publication_date"),
        APIField("date_precision"),
        APIField("topics"),
        APIField("document_url"),
        APIField("external_url"),
        APIField("reference_only"),
        APIField("transcript"),
        APIField("sections"),
    ]

    parent_page_types = ["knowledge.LibraryPage"]
    subpage_types = []

    class Meta:
        verbose_name = "library resource"

    def get_context(self, request, *args, **kwargs):
        from knowledge import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.resource_detail(resource=self))
        return context

    # -- validation -----------------------------------------------------------------------

    def clean(self):
        super().clean()
        errors = resource_problems(self)
        if errors:
            raise ValidationError(errors)
        self.publication_date = normalised_date(self.publication_date, self.date_precision)

    # -- display --------------------------------------------------------------------------

    @property
    def is_video(self):
        return self.resource_type == ResourceType.VIDEO

    @property
    def display_date(self):
        """The publication date to the precision the source gives ('' when undated)."""
        if self.publication_date is None:
            return ""
        date = self.publication_date
        if self.date_precision == DatePrecision.YEAR:
            return str(date.year)
        if self.date_precision == DatePrecision.MONTH:
            return f"{MONTHS[date.month - 1]} {date.year}"
        return human_date(date)

    @property
    def iso_date(self):
        """The date for a <time datetime> attribute, to the same precision."""
        if self.publication_date is None:
            return ""
        formats = {DatePrecision.YEAR: "%Y", DatePrecision.MONTH: "%Y-%m"}
        return self.publication_date.strftime(formats.get(self.date_precision, "%Y-%m-%d"))

    @property
    def transcript_link(self):
        if self.transcript_url:
            return self.transcript_url
        if self.transcript_document_id:
            return self.transcript_document.url
        return ""

    # -- API fields (plain data; never users or private fields) ---------------------------

    @property
    def topics(self):
        return [tag.name for tag in self.tags.all()]

    @property
    def document_url(self):
        return absolute_url(self.document.url) if self.document_id else None

    @property
    def transcript(self):
        return self.transcript_link or None

    @property
    def sections(self):
        """Live, public sections it supports (prefetched by listings, else one query)."""
        from knowledge import selectors

        links = getattr(self, "live_section_links", None)
        found = (
            [link.section for link in links]
            if links is not None
            else selectors.sections_citing(resource=self)
        )
        return [{"id": section.id, "title": section.title} for section in found]


class ResourceSection(Orderable):
    """One 'this resource supports that strategy section' link."""

    resource = ParentalKey(ResourcePage, on_delete=models.CASCADE, related_name="section_links")
    section = models.ForeignKey(
        "pages.SectionPage", on_delete=models.CASCADE, related_name="evidence_links"
    )

    panels = [FieldPanel("section")]

    class Meta(Orderable.Meta):
        verbose_name = "supported section"
        constraints = [
            models.UniqueConstraint(fields=["resource", "section"], name="unique_resource_section")
        ]

    def __str__(self):
        return f"{self.resource} supports {self.section}"


# -- rules ------------------------------------------------------------------------------

AUTOPLAY_PARAMETERS = {"autoplay", "auto_play", "autostart"}


def resource_problems(resource):
    """The reasons a resource cannot be saved, as {field: message}; empty when it is fine.

    A resource needs somewhere to find it (a document, a web address, or an explicit
    'cite without a link'); a link needs a web address; a video that can be watched needs a
    transcript and must never start by itself.
    """
    errors = {}
    has_copy = bool(resource.document_id or resource.external_url)
    if resource.reference_only and has_copy:
        errors["reference_only"] = (
            "Untick 'cite without a link': this resource has a document or web address."
        )
    elif not has_copy and not resource.reference_only:
        message = "Upload a document or enter a web address, or tick 'cite without a link'."
        errors["document"] = message
        errors["external_url"] = message
    if resource.resource_type == ResourceType.LINK and not resource.external_url:
        if not resource.reference_only:
            errors["external_url"] = "Enter the web address this link points to."
        else:
            errors["reference_only"] = "A link needs a web address: enter it above."
    if resource.resource_type == ResourceType.VIDEO:
        if has_copy and not (resource.transcript_url or resource.transcript_document_id):
            message = (
                "Add a transcript (a web address or a document): every video needs one for "
                "people who cannot watch or hear it."
            )
            errors["transcript_url"] = message
        if resource.external_url and _asks_to_autoplay(resource.external_url):
            errors["external_url"] = (
                "Remove the autoplay setting from the video address: videos never start "
                "by themselves."
            )
    elif resource.transcript_url or resource.transcript_document_id:
        errors["transcript_url"] = "Only videos have a transcript: remove it or choose 'Video'."
    return errors


def _asks_to_autoplay(url):
    query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    return any(
        key.lower() in AUTOPLAY_PARAMETERS and value.lower() not in {"0", "false"}
        for key, value in query
    )


def normalised_date(date, precision):
    """A year-only date is stored as 1 January, a month-only date as the 1st."""
    if date is None:
        return None
    if precision == DatePrecision.YEAR:
        return date.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return date.replace(day=1)
    return date
