"""Editors manage consultations in the Wagtail admin (a snippet): the window, the sections
covered, moderation mode, public or private comments, and the discussion topics. The
admin menu also links moderators to the moderation queue (a page of the site itself)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from consultation.models import Comment, Consultation


class StateColumn(Column):
    def get_value(self, instance):
        return {"upcoming": "Coming soon", "open": "Open", "closed": "Closed"}[
            instance.state(timezone.now())
        ]


class ConsultationAdminForm(WagtailAdminModelForm):
    def is_valid(self):
        valid = super().is_valid()
        topics = self.formsets.get("topics")
        if not valid or topics is None:
            return valid
        for form in topics.deleted_forms:
            if form.instance.pk and form.instance.posts.exists():
                self.add_error(
                    None,
                    f"The topic “{form.instance.title}” has discussion posts, so it cannot be "
                    "removed. Rename it instead.",
                )
                return False
        return True


class ConsultationViewSet(SnippetViewSet):
    model = Consultation
    icon = "comment"
    menu_label = "Consultations"
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["title", "opens_at", "closes_at", StateColumn("state", label="State")]
    search_fields = ["title", "summary"]
    ordering = ["-opens_at"]
    edit_handler = ObjectList(
        [
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
        ],
        base_form_class=ConsultationAdminForm,
    )


register_snippet(ConsultationViewSet)


@hooks.register("before_delete_snippet")
def keep_consultations_with_input(request, instances):
    """What people wrote is never deleted with its consultation: close it instead."""
    with_input = [
        instance
        for instance in instances
        if isinstance(instance, Consultation) and instance.comments.exists()
    ]
    if not with_input:
        return None
    messages.error(
        request,
        f"“{with_input[0].title}” has comments or discussion posts, so it cannot be deleted. "
        "To stop people taking part, set its closing time.",
    )
    return redirect(AdminURLFinder(request.user).get_edit_url(with_input[0]))


@hooks.register("before_delete_page")
def keep_sections_with_comments(request, page):
    """Comments keep the section they were made on: unpublish such a section instead."""
    if not Comment.objects.filter(section__path__startswith=page.path).exists():
        return None
    messages.error(
        request,
        f"People have commented on “{page.title}” (or a page below it), so it cannot be "
        "deleted. Unpublish it instead.",
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


class ModerationMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("consultation.moderate_comment")


@hooks.register("register_admin_menu_item")
def moderation_menu_item():
    """Moderators and the working group reach their queue from the admin too."""
    return ModerationMenuItem(
        "Moderation queue", reverse("consultation:moderation"), icon_name="warning", order=260
    )
