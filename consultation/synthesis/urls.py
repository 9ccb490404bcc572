"""URLs of the working group's synthesis area, mounted at /synthesis/ (a staff area: the
second factor is required, hub.accounts.mfa_gate)."""

from django.urls import path

from consultation.views import (
    campaigns,
    code_imports,
    coding,
    dashboard,
    outcomes,
    suggestions,
    synthesis,
)

app_name = "synthesis"

urlpatterns = [
    path("", synthesis.search_page, name="search"),
    path("download/", synthesis.download, name="download"),
    path("exports/", synthesis.exports, name="exports"),
    path("exports/<slug:slug>/<slug:what>/", synthesis.export, name="export"),
    path("items/<int:item_id>/", synthesis.item, name="item"),
    # Theme suggestions: the review queue, accepting and rejecting one.
    path("suggestions/", suggestions.index, name="suggestions"),
    path("suggestions/<slug:slug>/", suggestions.queue, name="suggestion_queue"),
    path("suggestions/<int:suggestion_id>/accept/", suggestions.accept, name="suggestion_accept"),
    path("suggestions/<int:suggestion_id>/reject/", suggestions.reject, name="suggestion_reject"),
    path(
        "suggestions/<int:suggestion_id>/reconsider/",
        suggestions.reconsider,
        name="suggestion_reconsider",
    ),
    # Outcomes: dashboards, the report, pinned quotes, responses (views/dashboard.py,
    # views/outcomes.py).
    path("consultations/", dashboard.consultations, name="consultations"),
    path("consultations/<slug:slug>/dashboard/", dashboard.dashboard, name="dashboard"),
    path(
        "consultations/<slug:slug>/dashboard/<slug:table>.csv",
        dashboard.dashboard_csv,
        name="dashboard_csv",
    ),
    path("consultations/<slug:slug>/report/", dashboard.report, name="report"),
    path("items/<int:item_id>/pin/", dashboard.pin, name="pin"),
    path("quotes/<int:quote_id>/unpin/", dashboard.unpin, name="unpin"),
    path("consultations/<slug:slug>/responses/", outcomes.responses, name="responses"),
    path("consultations/<slug:slug>/responses/new/", outcomes.response_new, name="response_new"),
    path(
        "consultations/<slug:slug>/responses/<int:response_id>/",
        outcomes.response_edit,
        name="response_edit",
    ),
    path(
        "consultations/<slug:slug>/responses/<int:response_id>/publish/",
        outcomes.response_publish,
        name="response_publish",
    ),
    # Campaign groups and codes from elsewhere.
    path("campaigns/", campaigns.index, name="campaigns"),
    path("campaigns/<slug:slug>/", campaigns.consultation_groups, name="campaign_groups"),
    path("campaigns/<slug:slug>/<int:number>/", campaigns.group_detail, name="campaign"),
    path("codes/", code_imports.index, name="code_imports"),
    path("codes/<int:import_id>/", code_imports.detail, name="code_import"),
    path("codes/<int:import_id>/apply/", code_imports.apply, name="code_import_apply"),
    # The coding workspace (consultation/views/coding.py).
    path("codebook/", coding.codebook_index, name="codebook_index"),
    path("codebook/<slug:slug>/", coding.codebook, name="codebook"),
    path("codebook/<slug:slug>/themes/new/", coding.theme_new, name="theme_new"),
    path("codebook/<slug:slug>/themes/<int:theme_id>/", coding.theme_edit, name="theme_edit"),
    path(
        "codebook/<slug:slug>/themes/<int:theme_id>/delete/",
        coding.theme_delete,
        name="theme_delete",
    ),
    path("codebook/<slug:slug>/history/", coding.history, name="history"),
    path("coding/bulk/", coding.bulk, name="bulk"),
    path("coding/actions/<int:action_id>/undo/", coding.undo, name="undo"),
    path("items/<int:item_id>/themes/", coding.item_themes, name="item_themes"),
    path(
        "items/<int:item_id>/themes/<int:theme_id>/remove/",
        coding.item_theme_remove,
        name="item_theme_remove",
    ),
    path("items/<int:item_id>/stance/", coding.item_stance, name="item_stance"),
    path("items/<int:item_id>/assignee/", coding.item_assign, name="item_assign"),
    path("items/<int:item_id>/notes/", coding.item_note, name="item_note"),
    path("my-items/", coding.my_items, name="my_items"),
]
