"""URLs of the consultation app, mounted at /consultation/. Fixed paths come before the
consultation slug (Consultation.clean refuses slugs that would clash)."""

from django.urls import include, path

from consultation.imports import views as imports
from consultation.views import comments, consultations, discussions, moderation, outcomes

app_name = "consultation"

urlpatterns = [
    path("", consultations.consultation_index, name="index"),
    path("my-contributions/", comments.my_contributions, name="my_contributions"),
    path("comments/<int:comment_id>/", comments.comment_detail, name="comment"),
    path("comments/<int:comment_id>/reply/", comments.comment_reply, name="reply"),
    path("comments/<int:comment_id>/edit/", comments.comment_edit, name="edit"),
    path("comments/<int:comment_id>/withdraw/", comments.comment_withdraw, name="withdraw"),
    path("comments/<int:comment_id>/react/", comments.comment_react, name="react"),
    path("comments/<int:comment_id>/report/", comments.comment_flag, name="flag"),
    path("moderation/", moderation.queue, name="moderation"),
    path("moderation/items/<int:comment_id>/", moderation.item, name="moderation_item"),
    path("moderation/participants/<int:user_id>/", moderation.participant, name="participant"),
    path("moderation/log/", moderation.audit_log, name="audit_log"),
    path("", include("consultation.questionnaires.urls")),
    path("imports/", imports.index, name="imports"),
    path("imports/<int:batch_id>/", imports.batch_detail, name="import_batch"),
    path("imports/<int:batch_id>/import/", imports.batch_import, name="import_batch_import"),
    path("imports/<int:batch_id>/undo/", imports.batch_undo, name="import_batch_undo"),
    path("<slug:slug>/", consultations.consultation_detail, name="detail"),
    path(
        "<slug:slug>/sections/<int:section_id>/comment/",
        comments.comment_create,
        name="comment_create",
    ),
    path(
        "<slug:slug>/sections/<int:section_id>/comments/<str:paragraph>/",
        comments.section_comments,
        name="section_comments",
    ),
    path("<slug:slug>/outcome/", outcomes.outcome, name="outcome"),
    path("<slug:slug>/discussion/", discussions.discussion, name="discussion"),
    path("<slug:slug>/discussion/<int:topic_id>/", discussions.topic_detail, name="topic"),
    path(
        "<slug:slug>/discussion/<int:topic_id>/new/",
        discussions.thread_create,
        name="thread_create",
    ),
]
