"""The working group: members are snippets so editors manage them in one list."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from hub.core.public_address import PublicAddressMixin
from hub.pages.restrictions import RestrictionsMemoMixin


class WorkingGroupMember(index.Indexed, Orderable):
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=150, help_text="Their role in the working group.")
    organisation = models.CharField(max_length=150, blank=True)
    bio = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("organisation"), FieldPanel("bio")]
    search_fields = [index.SearchField("name"), index.SearchField("organisation")]

    class Meta(Orderable.Meta):
        verbose_name = "working group member"

    def __str__(self):
        return self.name


class WorkingGroupPage(PublicAddressMixin, RestrictionsMemoMixin, Page):
    intro = RichTextField(features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["pages.HomePage"]
    subpage_types = []
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["members"] = WorkingGroupMember.objects.all()
        return context
