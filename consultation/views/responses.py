"""Responses shared by the consultation views: refusals with a reason, rate limits, spam,
and the fragment replies the page script asks for (header X-Hub-Fragment: 1)."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from consultation import rules
from consultation.services import limits
from consultation.services.comments import InvalidTarget, NotAllowed, NothingWritten
from hub.accounts.client_address import client_address

HEADINGS = {
    400: "Your contribution was not accepted",
    401: "Sign in to take part",
    403: "You cannot do this now",
    429: "Please wait a moment",
}


def wants_fragment(request):
    return request.headers.get("X-Hub-Fragment") == "1"


def inline_form_ids(request, name):
    """The id prefix of a form the page script puts inline (several can be open on one
    page, under different paragraphs and comments, so each one's fields, hints and errors
    get ids of their own); None for a form on its own page, which keeps Django's."""
    return name if wants_fragment(request) else None


def refusal(request, message, *, status=403, action_text="", action_url=""):
    """A page (or fragment) saying why the action is not possible and what to do."""
    template = (
        "consultation/includes/refusal.html"
        if wants_fragment(request)
        else "consultation/refusal.html"
    )
    return render(
        request,
        template,
        {
            "heading": HEADINGS.get(status, HEADINGS[403]),
            "message": message,
            "action_text": action_text,
            "action_url": action_url,
        },
        status=status,
    )


def participation_refusal(request, consultation, *, next_url=None):
    """None if the person may write in `consultation` now; otherwise the response. After
    signing in (or completing a profile) they come back to `next_url`, by default this
    address: views that take only POST pass the page the form was on."""
    next_url = next_url or request.get_full_path()
    if not request.user.is_authenticated:
        if wants_fragment(request):
            return refusal(request, "Sign in to take part.", status=401)
        return redirect_to_login(next_url)
    barrier = rules.participation_barrier(request.user, consultation, next_url=next_url)
    if barrier is None:
        return None
    return refusal(
        request, barrier.message, action_text=barrier.action_text, action_url=barrier.action_url
    )


def take_write(request, *, action="post"):
    """Count this request's write against the rate limits before it is made (atomically,
    see consultation.services.limits). Returns (the 429 response, None) when a limit is
    reached, else (None, taken): call `taken.give_back()` if nothing is written after all."""
    try:
        taken = limits.take(action=action, user=request.user, ip=client_address(request))
    except limits.RateLimited as exc:
        response = refusal(request, str(exc), status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response, None
    return None, taken


def spam_refusal(request):
    return refusal(
        request,
        "Your contribution could not be accepted. If you are a person, reload the page and "
        "try again.",
        status=400,
    )


def safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def post_contribution(request, form, service, **place):
    """The steps every form that writes a contribution shares: the honeypot, the rate
    limits, validation, then the `service` (returning (comment, created)) called with the
    reader as author, what they typed (and a title, where the form has one), the form's
    key and `place` (where the contribution goes).

    Returns (response, comment): a response when the request ends here (refused, or None
    with no comment when the form has errors to show), else the comment written."""
    if form.is_spam:
        return spam_refusal(request), None
    limited, taken = take_write(request)
    if limited:
        return limited, None
    comment, created = None, False
    try:
        if form.is_valid():
            data = form.cleaned_data
            if "title" in data:
                place["title"] = data["title"]
            comment, created = service(
                author=request.user, text=data["body"], idempotency_key=data["key"], **place
            )
    except NotAllowed as exc:
        return refusal(request, str(exc)), None
    except (InvalidTarget, NothingWritten) as exc:
        return refusal(request, str(exc), status=400), None
    finally:
        if not created:  # errors to show, a refusal, or a second click finding the first
            taken.give_back()
    return None, comment


def form_response(request, *, page_template, context, form):
    """The form again: its own page, or (for the page script) the fragment, 422 if it has
    errors so the script knows to show them."""
    if wants_fragment(request):
        status = 422 if form.errors else 200
        return render(request, "consultation/includes/comment_form.html", context, status=status)
    return render(request, page_template, context)
