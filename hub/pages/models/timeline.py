"""Phases of the strategy's development and the timeline page that lists them."""

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page


class PhaseKind(models.TextChoices):
    RESEARCH = "research", "Research"
    ENGAGEMENT = "engagement", "Engagement"
    FUTURES = "futures", "Futures"
    PUBLICATION = "publication", "Publication"


def validate_current_phase(current_flags):
    """The timeline's rule: exactly one of its phases is the current one (a timeline with no
    phases yet has none). `current_flags` holds each phase's is_current."""
    flags = list(current_flags)
    current = sum(1 for flag in flags if flag)
    if current > 1:
        raise ValidationError("Only one phase can be the current phase.")
    if flags and not current:
        raise ValidationError("Mark one phase as the current phase.")


class TimelineForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        # The page's clean() runs next (in the model form's _post_clean) and checks the
        # phases the page has; give it the phases as submitted, not those in the database.
        # Saving the form leaves the page with these same phases.
        self.instance.phases = [
            form.instance
            for form in self.formsets["phases"].forms
            if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        return cleaned_data


class TimelinePage(Page):
    intro = RichTextField(features=["bold", "italic", "link"], blank=True)

    base_form_class = TimelineForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("phases", label="Phase"),
    ]

    parent_page_types = ["pages.HomePage"]
    subpage_types = []
    max_count = 1

    def clean(self):
        # Wagtail cleans a page before every save and every revision, wherever they come
        # from, with the phases it is about to save; the admin form shows the error.
        super().clean()
        validate_current_phase(phase.is_current for phase in self.phases.all())


class Phase(Orderable):
    page = ParentalKey(TimelinePage, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(max_length=20, choices=PhaseKind.choices)
    title = models.CharField(max_length=120)
    period = models.CharField(max_length=80, blank=True, help_text="For example 'Spring 2021'.")
    summary = models.TextField()
    is_current = models.BooleanField("This is the current phase", default=False)

    panels = [
        FieldPanel("kind"),
        FieldPanel("title"),
        FieldPanel("period"),
        FieldPanel("summary"),
        FieldPanel("is_current"),
    ]

    def __str__(self):
        return self.title
