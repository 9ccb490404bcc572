"""Theme suggestions for the working group (Working group and superusers, with a second
factor): the consultations with suggestions waiting, a consultation's review queue
(filtered by theme), and accepting or rejecting one suggestion (a form post each, so it
works without JavaScript)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from consultation.models import Consultation
from consultation.selectors import suggestions as selectors
from consultation.synthesis import suggestion_review
from hub.accounts.decorators import staff_view
from hub.accounts.rules import is_working_group


@staff_view(is_working_group)
def index(request):
    return render(
        request,
        "consultation/synthesis/suggestions_index.html",
        {"consultations": selectors.consultations_with_suggestions()},
    )


def _chosen_theme(request, themes):
    """(theme or None, problem): the theme the queue is filtered by, from ?theme=<id>."""
    wanted = request.GET.get("theme", "").strip()
    if not wanted:
        return None, ""
    for theme in themes:
        if str(theme.pk) == wanted:
            return theme, ""
    return None, "Choose a theme of this consultation's codebook to filter by."


@staff_view(is_working_group)
def queue(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    themes = selectors.queue_themes(consultation)
    theme, problem = _chosen_theme(request, themes)
    page, entries = selectors.review_queue(
        consultation, theme=theme, page=request.GET.get("page", 1)
    )
    return render(
        request,
        "consultation/synthesis/suggestions_queue.html",
        {
            "consultation": consultation,
            "themes": themes,
            "theme": theme,
            "problem": problem,
            "problems": [{"problem": problem, "target": "suggestion-theme"}] if problem else [],
            "page_obj": page,
            "entries": entries,
            "query_prefix": f"theme={theme.pk}" if theme else "",
            "here": request.get_full_path(),
        },
        status=400 if problem else 200,
    )


def _back(request):
    """Where to go after a decision: the page the form was on (this site only), or the
    consultation's queue."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("synthesis:suggestions")


def _decide(request, suggestion_id, decide, done):
    try:
        suggestion = decide(actor=request.user, suggestion_id=suggestion_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done.format(theme=suggestion.theme, item=suggestion.item_id))
    return redirect(_back(request))


@staff_view(is_working_group)
@require_POST
def accept(request, suggestion_id):
    return _decide(
        request,
        suggestion_id,
        suggestion_review.accept_suggestion,
        "Item {item} is now coded “{theme}”.",
    )


@staff_view(is_working_group)
@require_POST
def reject(request, suggestion_id):
    return _decide(
        request,
        suggestion_id,
        suggestion_review.reject_suggestion,
        "“{theme}” will not be suggested for item {item} again.",
    )


@staff_view(is_working_group)
@require_POST
def reconsider(request, suggestion_id):
    return _decide(
        request,
        suggestion_id,
        suggestion_review.reconsider_suggestion,
        "The rejection of “{theme}” for item {item} is taken back: it can be suggested again.",
    )
