"""URLs of the working group's synthesis area, mounted at /synthesis/ (a staff area: the
second factor is required, hub.accounts.mfa_gate)."""

from django.urls import path

from consultation.views import suggestions, synthesis

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
]
