"""Phases of the strategy's development and the timeline page that lists them, each with
when it starts and ends: dates still to come are shown as expected, unknown ones as to be
confirmed."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from hub.core.public_address import PublicAddressMixin
from hub.pages.restrictions import RestrictionsMemoMixin


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


class TimelinePage(PublicAddressMixin, RestrictionsMemoMixin, Page):
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


@dataclass(frozen=True)
class PhaseDate:
    """One line of a phase's timing: "Started" and a date, "Expected to end" and a date,
    or "End date to be confirmed" with no date."""

    label: str
    date: object = None


class Phase(Orderable):
    page = ParentalKey(TimelinePage, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(max_length=20, choices=PhaseKind.choices)
    title = models.CharField(max_length=120)
    starts_on = models.DateField(
        "Start date",
        null=True,
        blank=True,
        help_text="When the phase started, or is planned to start. Leave empty if not known.",
    )
    ends_on = models.DateField(
        "End date",
        null=True,
        blank=True,
        help_text="When the phase ended, or is planned to end. Dates still to come are shown "
        "as expected.",
    )
    period = models.CharField(
        max_length=80,
        blank=True,
        help_text="Optional words for the timing, shown under the dates, for example "
        "'Spring 2027'.",
    )
    summary = models.TextField()
    is_current = models.BooleanField("This is the current phase", default=False)

    panels = [
        FieldPanel("kind"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")], heading="Dates"),
        FieldPanel("period"),
        FieldPanel("summary"),
        FieldPanel("is_current"),
    ]

    class Meta(Orderable.Meta):
        # Phases without an order (made outside the admin) keep the order they were made
        # in on every database: NULLs have no order between them.
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="phase_ends_after_it_starts",
                violation_error_message="A phase cannot end before it starts.",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "A phase cannot end before it starts."})

    def timing(self, today=None):
        """When the phase starts and ends, as readers are told it: past dates as facts,
        dates still to come as expected, missing ones as to be confirmed."""
        today = today or timezone.localdate()
        if self.starts_on is None:
            start = PhaseDate("Start date to be confirmed")
        else:
            label = "Started" if self.starts_on <= today else "Expected to start"
            start = PhaseDate(label, self.starts_on)
        if self.ends_on is None:
            end = PhaseDate("End date to be confirmed")
        else:
            label = "Ended" if self.ends_on < today else "Expected to end"
            end = PhaseDate(label, self.ends_on)
        return [start, end]
