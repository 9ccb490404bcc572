"""Editors build questionnaires in the Wagtail admin (a snippet): the consultation it
belongs to, pages of questions (StreamField blocks, so each question and option keeps
its id through edits), whether people may change their answers after submitting, and
whether the summary of closed questions is published once the consultation closes."""

from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from consultation.questionnaires.models import Questionnaire
from hub.core.admin_guards import refuse_delete


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
    return refuse_delete(
        request,
        instances,
        model=Questionnaire,
        is_held=lambda questionnaire: questionnaire.responses.exists(),
        message=lambda questionnaire: (
            f"People have answered “{questionnaire.title}”, so it cannot be deleted. "
            "To stop people answering, close its consultation."
        ),
    )
