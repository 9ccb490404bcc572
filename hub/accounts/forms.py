"""The profile form a stakeholder fills in after sign-up and edits later, and allauth's
account and two-factor forms with plainer wording (sentence case, no placeholders); the
sign-up form costs the same whether or not the address has an account."""

from allauth.account import forms as allauth_forms
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


class _PlainLabels:
    """allauth's fields labelled in the site's own words, each saying what to do when it
    is left empty. Labels, not placeholders, say what goes in a field (placeholders vanish
    as people type)."""

    labels = {}
    required = {}  # field name: the error when it is left empty

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]
            if name in self.required:
                field.error_messages["required"] = self.required[name]


class LoginForm(_PlainLabels, allauth_forms.LoginForm):
    labels = {
        "login": "Email address",
        "password": "Password",
        "remember": "Keep me signed in on this device",
    }
    required = {"login": "Enter your email address", "password": "Enter your password"}


class SignupForm(_PlainLabels, allauth_forms.SignupForm):
    """allauth's sign-up form. For an address that already has an account allauth creates
    nothing and emails its owner instead (ACCOUNT_PREVENT_ENUMERATION), which skipped the
    slow part of making an account, hashing the password: the time taken told which
    addresses have accounts. The password is hashed on that path too, and thrown away."""

    labels = {
        "email": "Email address",
        "password1": "Create a password",
        "password2": "Enter the password again",
    }
    required = {
        "email": "Enter your email address",
        "password1": "Create a password",
        "password2": "Enter the password again",
    }

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


class AddEmailForm(_PlainLabels, allauth_forms.AddEmailForm):
    labels = {"email": "Email address"}
    required = {"email": "Enter the email address to add"}


class ChangePasswordForm(_PlainLabels, allauth_forms.ChangePasswordForm):
    labels = {
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": "Enter the new password again",
    }
    required = {
        "oldpassword": "Enter your current password",
        "password1": "Enter a new password",
        "password2": "Enter the new password again",
    }


class SetPasswordForm(_PlainLabels, allauth_forms.SetPasswordForm):
    labels = {"password1": "Password", "password2": "Enter the password again"}
    required = {"password1": "Enter a password", "password2": "Enter the password again"}


class ResetPasswordForm(_PlainLabels, allauth_forms.ResetPasswordForm):
    labels = {"email": "Email address"}
    required = {"email": "Enter the email address of your account"}


class ResetPasswordKeyForm(_PlainLabels, allauth_forms.ResetPasswordKeyForm):
    labels = {"password1": "New password", "password2": "Enter the new password again"}
    required = {"password1": "Enter a new password", "password2": "Enter the new password again"}


class RequestLoginCodeForm(_PlainLabels, allauth_forms.RequestLoginCodeForm):
    labels = {"email": "Email address"}
    required = {"email": "Enter the email address of your account"}


class ConfirmLoginCodeForm(_PlainLabels, allauth_forms.ConfirmLoginCodeForm):
    labels = {"code": "Sign-in code"}
    required = {"code": "Enter the code from the email"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The code in the email we sent you."


class AccountReauthenticateForm(_PlainLabels, allauth_forms.ReauthenticateForm):
    labels = {"password": "Password"}
    required = {"password": "Enter your password"}
