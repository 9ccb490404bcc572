"""Profile pages (complete after sign-up, edit later), the two allauth MFA pages that
bring someone back to the staff page they were going to after setting up a second factor,
and the stand-in for Wagtail's own sign-in pages."""

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.views import ViewRecoveryCodesView
from allauth.mfa.totp.views import ActivateTOTPView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from hub.accounts import selectors, services
from hub.accounts.forms import ProfileForm
from hub.accounts.redirects import safe_next_url, url_with_next


def _next_from(request):
    return safe_next_url(request, request.POST.get("next") or request.GET.get("next", ""))


def _profile_for(user):
    # The authentication backend loads the profile with the user.
    return getattr(user, "profile", None)


@login_required
@require_http_methods(["GET", "POST"])
def profile_complete(request):
    """The step after sign-up (and after any sign-in while the profile is incomplete)."""
    profile = _profile_for(request.user)
    if profile and profile.is_complete and request.method == "GET":
        return redirect(_next_from(request) or "profile_edit")
    return _profile_form(
        request,
        profile,
        template="accounts/profile_complete.html",
        saved_message="Thank you. Your profile is complete and you can now take part.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    profile = _profile_for(request.user)
    if not (profile and profile.is_complete):
        return redirect("profile_complete")
    return _profile_form(
        request,
        profile,
        template="accounts/profile_edit.html",
        saved_message="Your profile has been saved.",
        extra_context={"security": selectors.account_security_for(request.user)},
    )


def _profile_form(request, profile, *, template, saved_message, extra_context=None):
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.profile_save(user=request.user, **form.cleaned_data)
        messages.success(request, saved_message)
        return redirect(_next_from(request) or "profile_edit")
    context = {"form": form, "next": _next_from(request), **(extra_context or {})}
    return render(request, template, context)


class ActivateTOTPKeepingNextView(ActivateTOTPView):
    """allauth's TOTP activation, returning to `next` (the staff page that asked for it),
    by way of the new recovery codes when allauth has just made them. Turning the app on
    ends the account's other sessions and counts as passing it in this one
    (services.second_factor_changed; done here, in the request, because allauth's
    authenticator_added signal comes only once the transaction has committed)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.second_factor_changed(
            request=self.request,
            user=self.request.user,
            added=Authenticator.objects.get(user=self.request.user, type=Authenticator.Type.TOTP),
        )
        return response

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": _next_from(self.request)}

    def get_success_url(self):
        url = super().get_success_url()
        next_url = _next_from(self.request)
        if self.did_generate_recovery_codes:
            return url_with_next(url, next_url)
        return next_url or url


class ViewRecoveryCodesKeepingNextView(ViewRecoveryCodesView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": _next_from(self.request)}


activate_totp = ActivateTOTPKeepingNextView.as_view()
view_recovery_codes = ViewRecoveryCodesKeepingNextView.as_view()


def sign_in_with_allauth(request):
    """At the addresses of Wagtail's own sign-in pages (the admin's and the front end's):
    sends people to allauth's, where the rate limits, email verification and the second
    factor apply. Whatever is posted here is never read, so no password is checked."""
    next_url = safe_next_url(request, request.GET.get("next", ""))
    return redirect(url_with_next(reverse("account_login"), next_url))
