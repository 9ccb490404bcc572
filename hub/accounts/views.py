"""Profile pages: complete after sign-up, edit later."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from hub.accounts.forms import ProfileForm
from hub.accounts.models import Profile


def _profile_for(user):
    return Profile.objects.filter(user=user).first() or Profile(user=user)


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def profile_complete(request):
    profile = _profile_for(request.user)
    if profile.is_complete and request.method == "GET":
        return redirect("profile_edit")
    return _profile_form(request, profile, template="accounts/profile_complete.html")


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    profile = _profile_for(request.user)
    if not profile.is_complete:
        return redirect("profile_complete")
    return _profile_form(request, profile, template="accounts/profile_edit.html")


def _profile_form(request, profile, *, template):
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile = form.save(commit=False)
        profile.completed_at = profile.completed_at or timezone.now()
        profile.save()
        messages.success(request, "Your profile has been saved.")
        return redirect(_safe_next(request, "profile_edit"))
    return render(request, template, {"form": form, "next": _safe_next(request, "")})
