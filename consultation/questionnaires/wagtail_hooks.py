"""Editors build questionnaires in the Wagtail admin (a snippet): the consultation it
belongs to, pages of questions (StreamField blocks, so each question and option keeps
its id through edits), whether people may change their answers after submitting, and
whether the summary of closed questions is published once the consultation closes."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from consultation.questionnaires.models import Questionnaire


class QuestionnaireViewSet(SnippetViewSet):
    model = Questionnaire
    icon = "form"
    menu_label = "Questionnaires"
    menu_order = 255
    add_to_admin_menu = True
    list_display = ["title", "consultation", "publish_summary"]
    search_fields = ["title"]
    edit_handler = ObjectList(
        [
            FieldPanel("consultation"),
            FieldPanel("title"),
            FieldPanel("introduction"),
            FieldPanel("pages"),
            MultiFieldPanel(
                [FieldPanel("allow_changes"), FieldPanel("publish_summary")],
                heading="Responses and results",
            ),
        ]
    )


register_snippet(QuestionnaireViewSet)


@hooks.register("before_delete_snippet")
def keep_questionnaires_with_responses(request, instances):
    """People's answers are never deleted with their questionnaire."""
    answered = [
        instance
        for instance in instances
        if isinstance(instance, Questionnaire) and instance.responses.exists()
    ]
    if not answered:
        return None
    messages.error(
        request,
        f"People have answered “{answered[0].title}”, so it cannot be deleted. "
        "To stop people answering, close its consultation.",
    )
    return redirect(AdminURLFinder(request.user).get_edit_url(answered[0]))
