"""Pages of the notifications app: a person's email choices, unsubscribing from a link in
an email (no sign-in), and the public subscription to progress updates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from consultation.notifications import selectors, services, tokens
from consultation.notifications.forms import PreferencesForm, SubscribeForm
from consultation.notifications.models import ACCOUNT_KINDS, Kind
from hub.accounts.client_address import client_address

KIND_NAMES = {
    Kind.REPLIES: "emails about replies to your comments",
    Kind.MODERATION: "emails about moderators' decisions on what you wrote",
    Kind.NEW_VERSIONS: "emails about new versions of sections you commented on",
    Kind.REPORTS: "emails about moderators' decisions on what you reported",
    Kind.RESPONSES: "emails about the working group's responses to sections you commented on",
    Kind.UPDATES: "progress updates by email",
}


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = selectors.preferences_for(request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.preferences_update(user=request.user, choices=form.choices())
            messages.success(request, "Your email choices have been saved.")
            return redirect("notifications:preferences")
    else:
        form = PreferencesForm(initial={kind: current.wants(kind) for kind in ACCOUNT_KINDS})
    return render(request, "notifications/preferences.html", {"form": form})


def _link_problem(request, problem, *, kind=None):
    return render(
        request,
        "notifications/link_problem.html",
        {"problem": problem, "kind": kind, "kind_name": KIND_NAMES.get(kind, "")},
        status=400,
    )


# Mail programs send the one-click unsubscribe (RFC 8058) as a POST without any cookie, so
# this view cannot ask for a CSRF token: the signed token in the address is what
# authorises it, and it can only ever switch emails off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, kind, token):
    if kind not in Kind.values:
        raise Http404("No such kind of email.")
    check = tokens.read_unsubscribe_token(kind, token)
    if not check.valid:
        return _link_problem(request, check.problem, kind=kind)
    context = {"kind": kind, "kind_name": KIND_NAMES[kind]}
    if request.method == "GET":
        # A page with a button, not an unsubscribe on GET: link checkers in mail systems
        # open every link in an email.
        return render(request, "notifications/unsubscribe.html", context)
    result = services.unsubscribe(kind=kind, payload=check.payload)
    context["already"] = result == services.UnsubscribeResult.ALREADY
    context["has_account"] = kind != Kind.UPDATES
    return render(request, "notifications/unsubscribed.html", context)


@require_http_methods(["GET", "POST"])
def subscribe(request):
    form = SubscribeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if form.is_spam:
                return redirect("notifications:subscribe_sent")
            try:
                services.subscription_request(
                    email=form.cleaned_data["email"], ip=client_address(request)
                )
            except services.TooManyRequests as error:
                form.add_error(None, str(error))
                status = 429
            else:
                return redirect("notifications:subscribe_sent")
        else:
            status = 400
    return render(request, "notifications/subscribe.html", {"form": form}, status=status)


def subscribe_sent(request):
    return render(request, "notifications/subscribe_sent.html")


@require_http_methods(["GET", "POST"])
def subscription_confirm(request, token):
    check = tokens.read_confirmation_token(token)
    if not check.valid:
        return _link_problem(request, check.problem, kind="confirm")
    if request.method == "GET":
        return render(request, "notifications/subscription_confirm.html")
    result = services.subscription_confirm(payload=check.payload)
    if result == services.ConfirmResult.GONE:
        return _link_problem(request, "expired", kind="confirm")
    return render(
        request,
        "notifications/subscription_confirmed.html",
        {"already": result == services.ConfirmResult.ALREADY},
    )
