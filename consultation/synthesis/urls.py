"""URLs of the working group's synthesis area, mounted at /synthesis/ (a staff area: the
second factor is required, hub.accounts.mfa_gate)."""

from django.urls import path

from consultation.views import coding, synthesis

app_name = "synthesis"

urlpatterns = [
    path("", synthesis.search_page, name="search"),
    path("download/", synthesis.download, name="download"),
    path("exports/", synthesis.exports, name="exports"),
    path("exports/<slug:slug>/<slug:what>/", synthesis.export, name="export"),
    path("items/<int:item_id>/", synthesis.item, name="item"),
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
