"""Editors manage consultations in the Wagtail admin (a snippet): the window, the sections
covered, moderation mode, public or private comments, and the discussion topics. The
admin menu also links moderators to the moderation queue (a page of the site itself)."""

from django import forms
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from consultation.models import Consultation


class StateColumn(Column):
    def get_value(self, instance):
        return {"upcoming": "Coming soon", "open": "Open", "closed": "Closed"}[
            instance.state(timezone.now())
        ]


class ConsultationViewSet(SnippetViewSet):
    model = Consultation
    icon = "comment"
    menu_label = "Consultations"
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["title", "opens_at", "closes_at", StateColumn("state", label="State")]
    search_fields = ["title", "summary"]
    ordering = ["-opens_at"]
    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")])],
            heading="When it is open (UK time)",
            help_text="Nothing can be added, edited or reacted to outside this window.",
        ),
        FieldPanel(
            "sections",
            widget=forms.CheckboxSelectMultiple,
            help_text="The sections of the draft people can comment on.",
        ),
        FieldPanel("moderation", widget=forms.RadioSelect),
        FieldPanel("comments_public"),
        InlinePanel("topics", heading="Discussion topics", label="Topic"),
    ]


register_snippet(ConsultationViewSet)


class ModerationMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("consultation.moderate_comment")


@hooks.register("register_admin_menu_item")
def moderation_menu_item():
    """Moderators and the working group reach their queue from the admin too."""
    return ModerationMenuItem(
        "Moderation queue", reverse("consultation:moderation"), icon_name="warning", order=260
    )
