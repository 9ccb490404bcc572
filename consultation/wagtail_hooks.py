"""Editors manage consultations in the Wagtail admin (a snippet): the window, the sections
covered, moderation mode, public or private comments, and the discussion topics. The
admin menu also links moderators to the moderation queue (a page of the site itself).

On the public pages (hub.pages.panels), the consultation shows the comments on a section
and the consultations open now on the home and get-involved pages."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
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
from consultation.selectors.consultations import consultations_open, next_opening_or_closing
from consultation.selectors.sections import section_discussion
from hub.core.admin_guards import refuse_delete
from hub.core.page_cache import PAGE_CACHE_EXPIRY_HOOK
from hub.pages.panels import (
    GET_INVOLVED_PAGE_PANELS,
    HOME_PAGE_PANELS,
    SECTION_PAGE_PANELS,
    Panel,
)


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
    return refuse_delete(
        request,
        instances,
        model=Consultation,
        is_held=lambda consultation: consultation.comments.exists(),
        message=lambda consultation: (
            f"“{consultation.title}” has comments or discussion posts, so it cannot be "
            "deleted. To stop people taking part, set its closing time."
        ),
    )


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


@hooks.register(SECTION_PAGE_PANELS, order=100)
def section_comments_panel(*, page, request):
    """The consultation's status above the section, the comments and the action under each
    paragraph, and the comments on the whole section after it."""
    discussion = section_discussion(section=page, request=request)
    if discussion is None:
        return None
    return Panel(
        templates={
            "head": "consultation/panels/section_head.html",
            "scripts": "consultation/panels/section_scripts.html",
            "before_body": "consultation/includes/section_status.html",
            "paragraph": "consultation/includes/paragraph_tools.html",
            "after_body": "consultation/includes/section_discussion.html",
        },
        context={"discussion": discussion},
    )


@hooks.register(PAGE_CACHE_EXPIRY_HOOK)
def consultation_boundary(*, now):
    """Pages say which consultations are open: cached copies end when one opens or closes."""
    return next_opening_or_closing(now)


@hooks.register(HOME_PAGE_PANELS, order=100)
def home_open_consultations_panel(*, page, request):
    return Panel(
        templates={"main": "consultation/panels/home_open_consultations.html"},
        context={"open_consultations": consultations_open()},
    )


@hooks.register(GET_INVOLVED_PAGE_PANELS, order=100)
def get_involved_consultations_panel(*, page, request):
    return Panel(
        templates={
            "main": "consultation/panels/get_involved_open_consultations.html",
            "contact": "consultation/panels/get_involved_contact.html",
        },
        context={"open_consultations": consultations_open()},
    )
