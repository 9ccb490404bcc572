"""The profile form a stakeholder fills in after sign-up and edits later, allauth's sign-up
form costing the same whether or not the address has an account, and allauth's two-factor
code forms with plainer wording."""

from allauth.account import forms as allauth_account_forms
from allauth.mfa.base import forms as allauth_mfa_forms
from django import forms
from django.contrib.auth.hashers import make_password

from hub.accounts.models import Profile, Region, Sector
from hub.core.sanitise import sanitise_plain


class ProfileForm(forms.ModelForm):
    sector = forms.ChoiceField(
        label="Which best describes you?",
        choices=Sector.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which best describes you."},
    )
    region = forms.ChoiceField(
        label="Where in the UK are you?",
        choices=[("", "Choose a region"), *Region.choices],
        error_messages={"required": "Select where in the UK you are."},
    )

    class Meta:
        model = Profile
        fields = ["display_name", "organisation", "sector", "region", "show_name"]
        labels = {
            "display_name": "Your name",
            "organisation": "Organisation (optional)",
            "show_name": "Show my name next to my comments",
        }
        help_texts = {
            "display_name": "Shown next to your comments only if you agree below.",
            "organisation": "If you respond for, or work at, an organisation.",
            "show_name": "If you leave this unticked, your comments show as 'A participant'.",
        }
        error_messages = {
            "display_name": {
                "required": "Enter your name.",
                "max_length": "Your name must be 80 characters or fewer.",
            },
            "organisation": {"max_length": "Organisation must be 150 characters or fewer."},
        }
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
        }

    def clean_display_name(self):
        value = sanitise_plain(self.cleaned_data["display_name"])
        if not value:
            raise forms.ValidationError("Enter your name.")
        return value

    def clean_organisation(self):
        return sanitise_plain(self.cleaned_data["organisation"])


class SignupForm(allauth_account_forms.SignupForm):
    """allauth's sign-up form. For an address that already has an account allauth creates
    nothing and emails its owner instead (ACCOUNT_PREVENT_ENUMERATION), which skipped the
    slow part of making an account, hashing the password: the time taken told which
    addresses have accounts. The password is hashed on that path too, and thrown away."""

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


CODE_HINT = (
    "The 6-digit code from your authenticator app, or one of your recovery codes if you "
    "cannot use the app."
)


class _PlainCodeField:
    """Says what the code is, and that a recovery code works here too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Security code"
        self.fields["code"].help_text = CODE_HINT


class AuthenticateForm(_PlainCodeField, allauth_mfa_forms.AuthenticateForm):
    """allauth's code step at sign-in."""


class ReauthenticateForm(_PlainCodeField, allauth_mfa_forms.ReauthenticateForm):
    """allauth's code step before changing two-factor settings."""
