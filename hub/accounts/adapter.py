"""allauth adapter: someone who signs in without a completed profile is sent to complete
it first, then on to where they were going; someone who has just signed in is not asked
for their password again before setting up a second factor; failed sign-ins lock an
account only for the network address they came from. Account emails speak in the site's
own words (templates/account/email/), with every link at the site's public address
(SITE_URL) and a way to contact the team; error messages are the site's own too."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse

from hub.accounts import mfa_session
from hub.accounts.client_address import client_address
from hub.accounts.redirects import url_with_next
from hub.accounts.rules import has_complete_profile
from hub.core import public_address

# allauth's messages, reworded where they were stiff or vague (keys it does not know about
# are ignored; the rest keep allauth's wording).
ERROR_MESSAGES = {
    "account_inactive": "This account has been closed.",
    "cannot_remove_primary_email": "You cannot remove your primary email address.",
    "duplicate_email": "This email address is already on your account.",
    "email_password_mismatch": "The email address or password is not right. Check them and "
    "try again.",
    "email_taken": "An account with this email address already exists.",
    "enter_current_password": "Enter your current password.",
    "incorrect_code": "The code is not right. Check your authenticator app and try again.",
    "incorrect_password": "The password is not right.",
    "invalid_or_expired_key": "This link has expired or does not work.",
    "invalid_password_reset": "The link to reset your password does not work.",
    "rate_limited": "You have made too many requests. Wait a few minutes, then try again.",
    "same_as_current": "Enter a value different from the current one.",
    "select_only_one": "Select only one.",
    "unknown_email": "There is no account with this email address.",
    "unverified_primary_email": "Confirm your primary email address first.",
}


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {**DefaultAccountAdapter.error_messages, **ERROR_MESSAGES}

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        if isinstance(response, HttpResponseRedirect) and not has_complete_profile(user):
            return HttpResponseRedirect(url_with_next(reverse("profile_complete"), response.url))
        return response

    def is_reauthentication_required(self, *, app, **kwargs):
        """allauth asks for the password again before authenticators are added or removed
        unless the person reauthenticated lately; signing in lately counts too (staff who
        have just signed in and are sent to set up an authenticator type it once)."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        return not (self.request and mfa_session.signed_in_recently(self.request))

    def _get_login_attempts_cache_key(self, request, **credentials):
        """The key allauth counts failed sign-ins by (ACCOUNT_RATE_LIMITS["login_failed"],
        its "key" rates): the account *and* the network address they come from, so that a
        stranger guessing a named account's password locks out only themselves."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{client_address(request)}"

    def send_mail(self, template_prefix, email, context):
        from hub.pages.selectors import contact_url

        request = allauth_context.request
        # allauth builds its links (confirm, reset, sign up) from the host of the request
        # that caused the email; they belong at the public address like every other link.
        context = {key: public_address.rebase(value, request) for key, value in context.items()}
        context.update(
            {
                "site_name": settings.WAGTAIL_SITE_NAME,
                "site_url": public_address.site_url(),
                "contact_url": contact_url(absolute=True),
                "reset_url": public_address.absolute_url(reverse("account_reset_password")),
                "sign_in_url": public_address.absolute_url(reverse("account_login")),
            }
        )
        super().send_mail(template_prefix, email, context)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": ERROR_MESSAGES["incorrect_code"],
        "cannot_generate_recovery_codes": "Set up two-factor authentication before you make "
        "recovery codes.",
        "unverified_email": "Confirm your email address before you set up two-factor "
        "authentication.",
    }
