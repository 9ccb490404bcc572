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


class TimelineForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        phases = self.formsets["phases"]
        current = [
            form
            for form in phases.forms
            if form.is_valid()
            and form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("is_current")
        ]
        if len(current) > 1:
            raise ValidationError("Only one phase can be the current phase.")
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
