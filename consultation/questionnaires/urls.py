"""URLs of the questionnaires, included in consultation/urls.py at /consultation/: the
answering pages under the consultation's address, the working group's summary under the
moderation area (behind the staff gate's path prefix)."""

from django.urls import path

from consultation.questionnaires import views

app_name = "questionnaires"

urlpatterns = [
    path(
        "moderation/questionnaires/<slug:slug>/summary/",
        views.summary_staff,
        name="summary_staff",
    ),
    path("<slug:slug>/questionnaire/", views.start, name="start"),
    path("<slug:slug>/questionnaire/about-you/", views.respondent, name="respondent"),
    path("<slug:slug>/questionnaire/pages/<int:number>/", views.page, name="page"),
    path("<slug:slug>/questionnaire/check/", views.check, name="check"),
    path("<slug:slug>/questionnaire/your-response/", views.response_view, name="response"),
    path("<slug:slug>/questionnaire/summary/", views.summary_public, name="summary"),
]
