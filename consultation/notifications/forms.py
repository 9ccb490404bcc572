"""The two forms: a person's email choices, and the public subscription (an address and
a honeypot, nothing else)."""

from django import forms
from django.core.validators import validate_email

from consultation.notifications.models import ACCOUNT_KINDS, Kind

HINTS = {
    Kind.REPLIES: "When someone replies to one of your comments or discussion posts.",
    Kind.MODERATION: (
        "When a moderator approves, hides or rejects something you wrote, with their reason."
    ),
    Kind.NEW_VERSIONS: (
        "When a new version of a section you commented on is published, so you can see "
        "what changed."
    ),
    Kind.RESPONSES: (
        "When the working group publishes what it heard and what it changed about a section "
        "you commented on."
    ),
    Kind.REPORTS: (
        "When a moderator has decided about something you reported: whether it stays or was hidden."
    ),
}

MAX_EMAIL_LENGTH = 254
FORMAT_ERROR = "Enter an email address in the correct format, like name@example.com."


class PreferencesForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in ACCOUNT_KINDS:
            self.fields[kind] = forms.BooleanField(
                required=False, label=Kind(kind).label, help_text=HINTS[kind]
            )

    def choices(self):
        return {kind: self.cleaned_data.get(kind, False) for kind in ACCOUNT_KINDS}


class SubscribeForm(forms.Form):
    email = forms.CharField(
        label="Email address",
        help_text="We will send you a link to confirm. We use your address for nothing else.",
        strip=True,
        error_messages={
            "required": "Enter your email address.",
            "null_characters_not_allowed": FORMAT_ERROR,
        },
    )
    # The honeypot: hidden from people, filled in by bots.
    website = forms.CharField(required=False, label="Leave this field empty")

    @property
    def is_spam(self):
        return bool(self.data.get("website"))

    def clean_email(self):
        email = self.cleaned_data["email"]
        if len(email) > MAX_EMAIL_LENGTH:
            raise forms.ValidationError(
                f"Email address must be {MAX_EMAIL_LENGTH} characters or fewer."
            )
        # Line breaks and other control characters are never part of an address (and
        # would be an attempt to add mail headers).
        if any(ord(char) < 32 or ord(char) == 127 for char in email):
            raise forms.ValidationError(FORMAT_ERROR)
        try:
            validate_email(email)
        except forms.ValidationError:
            raise forms.ValidationError(FORMAT_ERROR) from None
        return email.lower()
