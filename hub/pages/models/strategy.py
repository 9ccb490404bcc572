"""The strategy document and its sections.

A section's body is a StreamField; each commentable block's UUID is the paragraph's stable
id. Every publish is a Wagtail revision, so the section's published versions and the
differences between them come from Wagtail's own history.
"""

from django.db import models
from django.http import Http404
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, Revision
from wagtail.search import index

from hub.core.blocks import SectionBodyBlock
from hub.core.public_address import PublicAddressMixin
from hub.pages import selectors, versions
from hub.pages.panels import SECTION_PAGE_PANELS, panels_for
from hub.pages.restrictions import RestrictionsMemoMixin, public


class StrategyPage(PublicAddressMixin, RestrictionsMemoMixin, Page):
    """The draft strategy document; its children are the sections."""

    summary = models.TextField(help_text="What the strategy is for, in a few sentences.")
    status_note = models.CharField(
        max_length=200,
        blank=True,
        help_text="For example 'Draft for consultation'. Shown as a tag beside the title.",
    )

    content_panels = [*Page.content_panels, FieldPanel("status_note"), FieldPanel("summary")]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    api_fields = [APIField("status_note"), APIField("summary")]

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.SectionPage"]

    def sections(self):
        return public(SectionPage.objects.child_of(self).live()).specific()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.sections()
        return context


class SectionKind(models.TextChoices):
    INTRODUCTION = "introduction", "Introduction"
    AMBITION = "ambition", "Ambition"
    THEME = "theme", "Cross-cutting theme"


class SectionPageForm(WagtailAdminPageForm):
    """The section's edit form. A change note belongs to one version: once the revision
    carrying it is live, the next edit starts with an empty note, so a note is never
    published twice by accident (a draft keeps its own note until it is published)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.instance
        if page.pk and page.live and not page.has_unpublished_changes:
            self.initial["change_note"] = ""


class SectionPage(PublicAddressMixin, RestrictionsMemoMixin, RoutablePageMixin, Page):
    kind = models.CharField(
        max_length=20, choices=SectionKind.choices, default=SectionKind.AMBITION
    )
    summary = models.TextField(help_text="One or two sentences shown in lists and search results.")
    body = StreamField(SectionBodyBlock())
    change_note = models.CharField(
        "Change note",
        max_length=300,
        blank=True,
        help_text="For readers: what changed in this version and why, in a sentence, for "
        "example 'Reworded ambition 2 after the clinicians' comments'. Shown with the version "
        "when you publish. Leave empty for the first version.",
    )

    base_form_class = SectionPageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("change_note"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    api_fields = [APIField("kind"), APIField("summary"), APIField("body")]

    parent_page_types = ["pages.StrategyPage"]
    subpage_types = []

    def paragraphs(self):
        """The commentable blocks in reading order, numbered from 1."""
        return versions.paragraphs_of(self)

    def published_versions(self):
        return versions.published_versions(self)

    @path("")
    def current(self, request):
        """The live section, with what the apps show on it (hub.pages.panels): the
        consultation's comments and the evidence that supports it, for instance."""
        context = {
            "body_items": versions.body_items(self),
            **selectors.section_neighbours(self, request),
            "panels": panels_for(SECTION_PAGE_PANELS, page=self, request=request),
        }
        return self.render(request, context_overrides=context)

    @path("versions/", name="versions")
    def version_list(self, request):
        return self.render(
            request,
            template="pages/section_versions.html",
            context_overrides={
                "versions": list(reversed(self.published_versions())),
                "breadcrumbs_include_page": True,
            },
        )

    @path("versions/<int:number>/", name="version")
    def version_detail(self, request, number):
        found = versions.version_by_number(self, number)
        if found is None:
            raise Http404("No such version")
        old_page = _as_published(found)
        return self.render(
            request,
            template="pages/section_version.html",
            context_overrides={
                "version": found,
                "version_page": old_page,
                "body_items": versions.body_items(old_page),
                "latest_number": len(self.published_versions()),
                "breadcrumbs_include_page": True,
            },
        )

    @path("versions/compare/", name="compare")
    def compare(self, request):
        all_versions = self.published_versions()
        try:
            comparison = versions.compare_request(all_versions, request.GET)
        except Revision.DoesNotExist:
            raise Http404("A version to compare is no longer available") from None
        return self.render(
            request,
            template="pages/section_compare.html",
            context_overrides={
                "versions": all_versions,
                "comparison": comparison,
                "breadcrumbs_include_page": True,
            },
        )


def _as_published(version):
    """The section as it stood in `version`; a version whose revision is gone is not found."""
    try:
        return version.revision.as_object()
    except Revision.DoesNotExist:
        raise Http404("That version is no longer available") from None
