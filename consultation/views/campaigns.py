"""The working group's campaign pages (Working group, with a second factor): the
consultations and their number of groups, a consultation's campaign groups (size, template,
first and last date), and one group with a page of its members (how much of the template
each contains, their themes) and a form that applies or removes themes on every member."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from consultation.models import Consultation
from consultation.selectors import campaigns as selectors
from consultation.synthesis import grouping
from consultation.synthesis.forms.campaigns import REMOVE, CampaignCodingForm
from hub.accounts.decorators import staff_view
from hub.accounts.rules import is_working_group


@staff_view(is_working_group)
def index(request):
    return render(
        request,
        "consultation/synthesis/campaigns/index.html",
        {"consultations": selectors.consultations_with_campaigns()},
    )


@staff_view(is_working_group)
def consultation_groups(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    page = selectors.group_page(consultation, request.GET.get("page"))
    return render(
        request,
        "consultation/synthesis/campaigns/groups.html",
        {"consultation": consultation, "page_obj": page, "groups": page.object_list},
    )


@staff_view(is_working_group)
@require_http_methods(["GET", "POST"])
def group_detail(request, slug, number):
    consultation = get_object_or_404(Consultation, slug=slug)
    group = selectors.group_get(consultation, number)
    if group is None:
        raise Http404("No such campaign group (a recompute may have dissolved it)")
    form = CampaignCodingForm(request.POST or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        remove = form.cleaned_data["action"] == REMOVE
        try:
            action = grouping.campaign_code(
                actor=request.user, group=group, themes=form.cleaned_data["themes"], remove=remove
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            verb = "Removed" if remove else "Applied"
            messages.success(
                request,
                f"{verb} {action.changed_count:,} code{'s' if action.changed_count != 1 else ''} "
                f"on the {group.size:,} items of campaign {group.number}.",
            )
            return redirect("synthesis:campaign", slug=slug, number=number)
    page = selectors.member_page(group, request.GET.get("page"))
    return render(
        request,
        "consultation/synthesis/campaigns/group.html",
        {
            "consultation": consultation,
            "group": group,
            "form": form,
            "page_obj": page,
            "members": page.object_list,
            "theme_counts": selectors.group_theme_counts(group),
        },
        status=400 if form.errors else 200,
    )
