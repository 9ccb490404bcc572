"""The questionnaire's pages: its start page, who one responds as, one page per group of
questions (each saves to the server), the review page that submits, one's response to
view and print, and the summary of the closed questions (the working group's, and the
public's once published). Thin: rules decide, services write, selectors read."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from consultation.questionnaires import rules, selectors, services, structure
from consultation.questionnaires.forms import QuestionPageForm, RespondentForm, field_name
from consultation.rules import participation_barrier
from consultation.views.responses import participation_refusal, refusal, take_write
from hub.accounts.decorators import staff_view
from hub.accounts.rules import is_working_group, passed_mfa
from hub.core import small_counts
from hub.core.dates import human_datetime

CONTINUE = "continue"  # the button that goes on (and asks for required answers)
RETURN_TO_CHECK = "check"


def _questionnaire(slug):
    questionnaire = selectors.questionnaire_for(slug)
    if questionnaire is None:
        raise Http404("This consultation has no questionnaire.")
    return questionnaire


def _url(name, questionnaire, *args):
    return reverse(
        f"consultation:questionnaires:{name}", args=[questionnaire.consultation.slug, *args]
    )


def _answering_refusal(request, questionnaire, response):
    """None if the person may answer now; otherwise the response that says why (sign in,
    complete a profile, the consultation's window, a submitted response that stays)."""
    refused = participation_refusal(request, questionnaire.consultation)
    if refused:
        return refused
    if response is not None and not rules.can_change(request.user, response):
        messages.info(request, "You have submitted your response. It can no longer be changed.")
        return redirect(_url("response", questionnaire))
    return None


def _after_save(request, questionnaire, page_number):
    """Where a page goes once saved: back to the review page if it came from there, else
    the next page, or the review page after the last."""
    if request.POST.get("return_to") == RETURN_TO_CHECK:
        return redirect(_url("check", questionnaire))
    if page_number < len(structure.pages_of(questionnaire)):
        return redirect(_url("page", questionnaire, page_number + 1))
    return redirect(_url("check", questionnaire))


def _saved_for_later(request, questionnaire):
    closes = human_datetime(questionnaire.consultation.closes_at)
    messages.success(
        request,
        f"Your answers are saved. Come back at any time before the consultation closes on "
        f"{closes}.",
    )
    return redirect(_url("start", questionnaire))


def start(request, slug):
    questionnaire = _questionnaire(slug)
    response = selectors.response_of(request.user, questionnaire)
    pages = structure.pages_of(questionnaire)
    first_step = (
        _url("page", questionnaire, 1)
        if response and response.respondent_type
        else (_url("respondent", questionnaire))
    )
    context = {
        "questionnaire": questionnaire,
        "consultation": questionnaire.consultation,
        "pages": pages,
        "question_count": sum(len(page.questions) for page in pages),
        "response": response,
        "first_step": first_step,
        "can_change": response is not None and rules.can_change(request.user, response),
        "barrier": participation_barrier(
            request.user, questionnaire.consultation, next_url=request.get_full_path()
        ),
        "summary_public": questionnaire.summary_is_public(),
        "staff_summary": is_working_group(request.user) and passed_mfa(request.user),
    }
    return render(request, "questionnaires/start.html", context)


@require_http_methods(["GET", "POST"])
def respondent(request, slug):
    questionnaire = _questionnaire(slug)
    response = selectors.response_of(request.user, questionnaire)
    refused = _answering_refusal(request, questionnaire, response)
    if refused:
        return refused
    initial = {}
    if response is not None:
        initial = {
            "respondent_type": response.respondent_type,
            "organisation_name": response.organisation_name,
            "organisation_type": response.organisation_type,
        }
    form = RespondentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        limited, taken = take_write(request, action="answer")
        if limited:
            return limited
        try:
            services.respondent_save(
                respondent=request.user, questionnaire=questionnaire, **form.cleaned_data
            )
        except services.InvalidAnswers as invalid:
            taken.give_back()
            for name, problem in invalid.problems.items():
                form.add_error(name, problem)
        except services.NotAllowed as exc:
            taken.give_back()
            return refusal(request, str(exc))
        else:
            if request.POST.get("return_to") == RETURN_TO_CHECK:
                return redirect(_url("check", questionnaire))
            return redirect(_url("page", questionnaire, 1))
    context = {
        "questionnaire": questionnaire,
        "consultation": questionnaire.consultation,
        "form": form,
        "return_to": request.GET.get("return_to", request.POST.get("return_to", "")),
    }
    return render(request, "questionnaires/respondent.html", context)


@require_http_methods(["GET", "POST"])
def page(request, slug, number):
    questionnaire = _questionnaire(slug)
    pages = structure.pages_of(questionnaire)
    if not 1 <= number <= len(pages):
        raise Http404("No such page")
    question_page = pages[number - 1]
    response = selectors.response_of(request.user, questionnaire)
    refused = _answering_refusal(request, questionnaire, response)
    if refused:
        return refused
    going_on = request.POST.get("action") == CONTINUE
    form = QuestionPageForm(
        request.POST or None,
        page=question_page,
        stored=selectors.stored_answers(response),
        require=going_on,
    )
    if request.method == "POST" and form.is_valid():
        limited, taken = take_write(request, action="answer")
        if limited:
            return limited
        try:
            services.answers_save(
                respondent=request.user, questionnaire=questionnaire, answers=form.answers
            )
        except services.InvalidAnswers as invalid:
            taken.give_back()
            for question_id, problem in invalid.problems.items():
                question = structure.question_map(questionnaire).get(question_id)
                form.add_error(field_name(question) if question else None, problem)
        except services.NotAllowed as exc:
            taken.give_back()
            return refusal(request, str(exc))
        else:
            if going_on:
                return _after_save(request, questionnaire, number)
            return _saved_for_later(request, questionnaire)
    context = {
        "questionnaire": questionnaire,
        "consultation": questionnaire.consultation,
        "page": question_page,
        "page_count": len(pages),
        "form": form,
        "back_url": _url("page", questionnaire, number - 1)
        if number > 1
        else _url("respondent", questionnaire),
        "return_to": request.GET.get("return_to", request.POST.get("return_to", "")),
    }
    return render(request, "questionnaires/page.html", context)


@require_http_methods(["GET", "POST"])
def check(request, slug):
    """Every answer with a link to change it; submitting sends the response."""
    questionnaire = _questionnaire(slug)
    response = selectors.response_of(request.user, questionnaire)
    refused = _answering_refusal(request, questionnaire, response)
    if refused:
        return refused
    if response is None:
        return redirect(_url("respondent", questionnaire))
    missing = []
    if request.method == "POST":
        limited, taken = take_write(request, action="answer")
        if limited:
            return limited
        try:
            response, sent = services.response_submit(
                respondent=request.user, questionnaire=questionnaire
            )
        except services.Incomplete as incomplete:
            taken.give_back()
            missing = incomplete.missing
        except services.NotAllowed as exc:
            taken.give_back()
            return refusal(request, str(exc))
        else:
            if sent:
                messages.success(
                    request,
                    "Your response has been submitted. We have emailed you a copy of your answers.",
                )
            return redirect(_url("response", questionnaire))
    context = {
        "questionnaire": questionnaire,
        "consultation": questionnaire.consultation,
        "response": response,
        "answered_pages": selectors.answered_pages(questionnaire, response),
        "missing": missing,
        "missing_respondent": "respondent" in missing,
        "missing_questions": [item for item in missing if item != "respondent"],
    }
    return render(request, "questionnaires/check.html", context, status=400 if missing else 200)


def response_view(request, slug):
    """One's own response, to read and print; also after the consultation closes."""
    questionnaire = _questionnaire(slug)
    if not request.user.is_authenticated:
        return participation_refusal(request, questionnaire.consultation)
    response = selectors.response_of(request.user, questionnaire)
    if response is None:
        return redirect(_url("start", questionnaire))
    context = {
        "questionnaire": questionnaire,
        "consultation": questionnaire.consultation,
        "response": response,
        "answered_pages": selectors.answered_pages(questionnaire, response),
        "can_change": rules.can_change(request.user, response),
    }
    return render(request, "questionnaires/response.html", context)


def _summary(request, questionnaire, *, template, staff):
    by = request.GET.get("by", "")
    context = {
        "questionnaire": questionnaire,
        "consultation": questionnaire.consultation,
        "summary": selectors.closed_summary(questionnaire, by=by, public=not staff),
        "withheld_label": small_counts.WITHHELD_LABEL,
        "small_count": small_counts.SMALL_COUNT,
        "groupings": [("", "Everyone")]
        + [(key, label) for key, (_, label, _) in selectors.GROUPINGS.items()],
        "staff": staff,
    }
    return render(request, template, context)


def summary_public(request, slug):
    """The published summary, once the consultation has closed."""
    questionnaire = _questionnaire(slug)
    if not questionnaire.summary_is_public():
        raise Http404("The summary is not published.")
    return _summary(request, questionnaire, template="questionnaires/summary.html", staff=False)


@staff_view(is_working_group)
def summary_staff(request, slug):
    """The working group's summary, while the consultation is open and after."""
    questionnaire = _questionnaire(slug)
    return _summary(request, questionnaire, template="questionnaires/summary.html", staff=True)
