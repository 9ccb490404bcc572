"""The profile form a stakeholder fills in after sign-up and edits later."""

from django import forms

from hub.accounts.models import Profile
from hub.core.sanitise import sanitise_plain


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name", "organisation", "sector", "region", "show_name"]
        labels = {
            "display_name": "Your name",
            "organisation": "Organisation (optional)",
            "sector": "Which best describes you?",
            "region": "Where in the UK are you?",
        }
        help_texts = {
            "display_name": "The name shown next to your comments if you agree below.",
            "organisation": "If you respond for or work at an organisation.",
        }

    def clean_display_name(self):
        value = sanitise_plain(self.cleaned_data["display_name"])
        if not value:
            raise forms.ValidationError("Enter your name.")
        return value

    def clean_organisation(self):
        return sanitise_plain(self.cleaned_data["organisation"])
