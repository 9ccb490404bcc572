"""The moderation area, for Moderators and the Working group (with a second factor): the
queue, one item with its history and flags, a participant's record (block, unblock), and
the audit log. Moderators see names, sectors and organisations, never email addresses."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from consultation.forms import BlockForm, DecisionForm
from consultation.models import AuditAction, Consultation
from consultation.selectors import moderation as selectors
from consultation.services import moderation as moderation_services
from consultation.views.responses import safe_next
from hub.accounts.decorators import staff_view
from hub.accounts.rules import is_moderator


@staff_view(is_moderator)
def queue(request):
    consultation_id = request.GET.get("consultation") or None
    if consultation_id and not str(consultation_id).isdigit():
        consultation_id = None
    counts = selectors.queue_counts(consultation_id)
    name = request.GET.get("queue", "")
    if name not in selectors.QUEUES:
        # Open on what needs attention: waiting items first, then reports.
        name = "flagged" if not counts["waiting"] and counts["flagged"] else "waiting"
    page, items = selectors.moderation_queue(
        queue=name, consultation_id=consultation_id, page_number=request.GET.get("page")
    )
    return render(
        request,
        "consultation/moderation/queue.html",
        {
            "queue": name,
            "query_prefix": urlencode(
                {"queue": name, **({"consultation": consultation_id} if consultation_id else {})}
            ),
            "queue_label": selectors.QUEUES[name],
            "queues": selectors.QUEUES,
            "counts": counts,
            "consultations": Consultation.objects.order_by("-opens_at"),
            "consultation_id": int(consultation_id) if consultation_id else None,
            "page_obj": page,
            "items": items,
        },
    )


@staff_view(is_moderator)
@require_http_methods(["GET", "POST"])
def item(request, comment_id):
    found = selectors.moderation_item(comment_id)
    if found is None:
        raise Http404("No such item")
    comment = found["comment"]
    allowed = moderation_services.ALLOWED_DECISIONS[comment.status]
    form = DecisionForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            moderation_services.decision_create(
                moderator=request.user,
                comment=comment,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
        except moderation_services.NotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            # Named by author and place; the words stay on the pages (a hidden text is
            # not repeated in a message that follows the moderator to the next page).
            done = AuditAction(form.cleaned_data["action"]).label
            label = found["short_label"]
            messages.success(request, f"{done}: {label[:1].lower()}{label[1:]}.")
            return redirect(safe_next(request, reverse("consultation:moderation")))
    return render(
        request,
        "consultation/moderation/item.html",
        {**found, "form": form, "next": safe_next(request, "")},
    )


@staff_view(is_moderator)
@require_http_methods(["GET", "POST"])
def participant(request, user_id):
    person = get_object_or_404(get_user_model().objects.select_related("profile"), pk=user_id)
    summary = selectors.participant_summary(person)
    form = BlockForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("do") == "unblock":
            moderation_services.participant_unblock(
                moderator=request.user, user=person, reason="Unblocked by a moderator."
            )
            messages.success(request, "The participant can take part again.")
            return redirect("consultation:participant", user_id=person.pk)
        if form.is_valid():
            try:
                moderation_services.participant_block(
                    moderator=request.user, user=person, reason=form.cleaned_data["reason"]
                )
            except moderation_services.NotAllowed as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "The participant is blocked from taking part.")
                return redirect("consultation:participant", user_id=person.pk)
    return render(request, "consultation/moderation/participant.html", {**summary, "form": form})


@staff_view(is_moderator)
def audit_log(request):
    action = request.GET.get("action", "")
    if action not in AuditAction.values:
        action = ""
    page, rows = selectors.audit_log(page_number=request.GET.get("page"), action=action)
    return render(
        request,
        "consultation/moderation/log.html",
        {
            "page_obj": page,
            "rows": rows,
            "actions": AuditAction.choices,
            "action": action,
        },
    )
