"""Admin registrations for the public site."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from hub.pages.models import WorkingGroupMember


class WorkingGroupMemberViewSet(SnippetViewSet):
    model = WorkingGroupMember
    icon = "group"
    menu_label = "Working group"
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "role", "organisation"]
    search_fields = ["name", "organisation"]
    sort_order_field = "sort_order"


register_snippet(WorkingGroupMemberViewSet)
