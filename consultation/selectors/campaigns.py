"""Reading campaign groups for the working group's pages: consultations with their number
of groups, a page of a consultation's groups, one group with a page of its members (and
their codes), the group an item is in, and the codes-only imports. Each reads a fixed
number of queries, whatever the number of groups or members."""

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch

from consultation.models import Consultation
from consultation.synthesis.models import (
    CampaignGroup,
    CampaignMembership,
    CampaignState,
    CodeImport,
    Coding,
    Theme,
)

GROUPS_PER_PAGE = 25
MEMBERS_PER_PAGE = 50
IMPORTS_PER_PAGE = 25


def consultations_with_campaigns():
    """Every consultation with `group_count`, `grouped_count` and its grouping's state."""
    consultations = list(
        Consultation.objects.annotate(
            group_count=Count("campaign_groups", distinct=True),
        ).order_by("title")
    )
    grouped = dict(
        CampaignMembership.objects.values("group__consultation_id")
        .annotate(n=Count("pk"))
        .values_list("group__consultation_id", "n")
    )
    states = {state.consultation_id: state for state in CampaignState.objects.all()}
    for consultation in consultations:
        consultation.grouped_count = grouped.get(consultation.pk, 0)
        consultation.campaign_state = states.get(consultation.pk)
    return consultations


def group_page(consultation, page_number):
    """A page of the consultation's groups, largest first."""
    groups = CampaignGroup.objects.filter(consultation=consultation).order_by("-size", "number")
    return Paginator(groups, GROUPS_PER_PAGE).get_page(page_number)


def group_get(consultation, number):
    return CampaignGroup.objects.filter(consultation=consultation, number=number).first()


def member_page(group, page_number):
    """A page of the group's members, most of the template first, each with its item and
    the item's codes (`item.theme_list`)."""
    members = (
        CampaignMembership.objects.filter(group=group)
        .select_related("item", "item__section")
        .prefetch_related(
            Prefetch(
                "item__codings",
                queryset=Coding.objects.select_related("theme").order_by("theme__name"),
            )
        )
        .order_by("-score", "item_id")
    )
    return Paginator(members, MEMBERS_PER_PAGE).get_page(page_number)


def group_theme_counts(group):
    """[(theme, how many members have it)] for the themes any member has."""
    counts = dict(
        Coding.objects.filter(item__campaign_membership__group=group)
        .values("theme_id")
        .annotate(n=Count("pk"))
        .values_list("theme_id", "n")
    )
    themes = Theme.objects.filter(pk__in=counts).order_by("sort_order", "name")
    return [(theme, counts[theme.pk]) for theme in themes]


def item_campaign(item_id):
    """The membership (with its group) of an item, or None."""
    return (
        CampaignMembership.objects.select_related("group", "group__consultation")
        .filter(item_id=item_id)
        .first()
    )


def code_import_page(page_number):
    imports = CodeImport.objects.defer("content").select_related("consultation", "created_by")
    return Paginator(imports, IMPORTS_PER_PAGE).get_page(page_number)


def code_import_get(import_id):
    return (
        CodeImport.objects.defer("content")
        .select_related("consultation", "created_by", "applied_by")
        .filter(pk=import_id)
        .first()
    )
