"""URLs of the working group's synthesis area, mounted at /synthesis/ (a staff area: the
second factor is required, hub.accounts.mfa_gate)."""

from django.urls import path

from consultation.views import campaigns, code_imports, synthesis

app_name = "synthesis"

urlpatterns = [
    path("", synthesis.search_page, name="search"),
    path("download/", synthesis.download, name="download"),
    path("exports/", synthesis.exports, name="exports"),
    path("exports/<slug:slug>/<slug:what>/", synthesis.export, name="export"),
    path("items/<int:item_id>/", synthesis.item, name="item"),
    # Campaign groups and codes from elsewhere.
    path("campaigns/", campaigns.index, name="campaigns"),
    path("campaigns/<slug:slug>/", campaigns.consultation_groups, name="campaign_groups"),
    path("campaigns/<slug:slug>/<int:number>/", campaigns.group_detail, name="campaign"),
    path("codes/", code_imports.index, name="code_imports"),
    path("codes/<int:import_id>/", code_imports.detail, name="code_import"),
    path("codes/<int:import_id>/apply/", code_imports.apply, name="code_import_apply"),
]
