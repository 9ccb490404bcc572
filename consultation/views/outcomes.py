"""The working group's responses ("what we heard, what we changed") and the public outcome
page. The Working group writes responses; an editor (the Editors group) publishes them;
both see the list. The outcome page is public: the published responses, the themes by
sector with small counts suppressed, and the pinned quotes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from consultation.models import Consultation
from consultation.selectors import outcomes as selectors
from consultation.synthesis import outcomes
from consultation.synthesis.forms.outcomes import ResponseForm
from consultation.synthesis.models import Theme
from hub.accounts.decorators import staff_view
from hub.accounts.rules import is_editor, is_working_group

PUBLISHING = {"publish": outcomes.response_publish, "unpublish": outcomes.response_unpublish}


def writes_or_publishes(user):
    """The Working group writes responses and editors publish them: both read them."""
    return is_working_group(user) or is_editor(user)


@staff_view(writes_or_publishes)
def responses(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    return render(
        request,
        "consultation/synthesis/responses.html",
        {
            "consultation": consultation,
            "responses": selectors.responses_of(consultation),
            "may_write": is_working_group(request.user),
            "may_publish": is_editor(request.user),
        },
    )


def _response_or_404(slug, response_id):
    consultation = get_object_or_404(Consultation, slug=slug)
    response = selectors.response_get(consultation, response_id)
    if response is None:
        raise Http404("No such response")
    return consultation, response


def _form(request, consultation, response=None):
    initial = {}
    if response is not None:
        initial = {
            "theme": response.theme_id,
            "section": response.section_id,
            "changed_version": response.changed_version,
            "heard": response.heard_text,
            "changed": response.changed_text,
        }
    themes = Theme.objects.filter(consultation=consultation).select_related("parent")
    return ResponseForm(
        request.POST or None, initial=initial, consultation=consultation, themes=themes
    )


def _write(request, consultation, response=None):
    form = _form(request, consultation, response)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcomes.response_save(
                actor=request.user,
                consultation=consultation,
                response=response,
                theme=data["theme"],
                section=data["section"],
                changed_version=data["changed_version"],
                heard=data["heard"],
                changed=data["changed"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The response is saved as a draft for an editor to publish.")
            return redirect("synthesis:responses", consultation.slug)
    return render(
        request,
        "consultation/synthesis/response_form.html",
        {"consultation": consultation, "form": form, "response": response},
    )


@staff_view(is_working_group)
@require_http_methods(["GET", "POST"])
def response_new(request, slug):
    return _write(request, get_object_or_404(Consultation, slug=slug))


@staff_view(is_working_group)
@require_http_methods(["GET", "POST"])
def response_edit(request, slug, response_id):
    consultation, response = _response_or_404(slug, response_id)
    return _write(request, consultation, response)


@staff_view(is_editor)
@require_http_methods(["GET", "POST"])
def response_publish(request, slug, response_id):
    """An editor reads the response and publishes it (or takes it down again)."""
    consultation, response = _response_or_404(slug, response_id)
    problem = None
    if request.method == "POST":
        # The button says what it does, so a second click (or a stale page) never undoes
        # the first: publishing a published response is refused, and so is the reverse.
        action = request.POST.get("action")
        if action not in PUBLISHING:
            problem = "Choose whether to publish the response or take it off the site."
        else:
            try:
                PUBLISHING[action](actor=request.user, response=response)
            except ValidationError as error:
                problem = error.messages[0]
            else:
                done = "published" if action == "publish" else "taken off the site"
                messages.success(request, f"The response about “{response.subject}” is {done}.")
                return redirect("synthesis:responses", consultation.slug)
    return render(
        request,
        "consultation/synthesis/response_publish.html",
        {"consultation": consultation, "response": response, "problem": problem},
    )


def outcome(request, slug):
    """The public outcome page of a consultation (cached for visitors like other public
    pages; publishing a response makes the cached copy stale)."""
    consultation = get_object_or_404(Consultation, slug=slug)
    found = selectors.outcome(consultation)
    return render(
        request,
        "consultation/outcome.html",
        {
            "consultation": consultation,
            "outcome": found,
            "quotes": [
                (row.theme, found.quotes[row.theme.pk])
                for row in found.rows
                if row.theme.pk in found.quotes
            ],
            "small_cell": selectors.SMALL_CELL,
        },
    )
