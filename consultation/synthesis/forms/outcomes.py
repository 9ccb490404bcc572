"""Forms of what the working group makes public: pinning a quote to a theme, and writing a
response. They check what was chosen belongs to the consultation; the services
(consultation.synthesis.outcomes) re-check and store."""

from django import forms

from consultation.forms import FORMAT_HINT
from consultation.synthesis.outcomes import MAX_RESPONSE_LENGTH
from hub.pages.versions import published_versions

RESPONSE_HINT = f"{FORMAT_HINT} Up to {MAX_RESPONSE_LENGTH:,} characters."


class ThemeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class PinForm(forms.Form):
    theme = ThemeChoiceField(
        queryset=None,
        label="Theme",
        empty_label="Choose a theme",
        error_messages={"required": "Choose a theme.", "invalid_choice": "Choose a theme."},
    )
    confirmed = forms.BooleanField(
        label="This text is published on the site and says nothing that identifies its author",
        help_text="Quotes appear without a name, in the report and on the public outcome page.",
        error_messages={
            "required": (
                "Confirm that the text is published and says nothing that identifies its author."
            )
        },
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes


class ResponseForm(forms.Form):
    """About a theme or about a section (one of the two), with what was heard and what
    changed, and optionally the section's version that has the change."""

    theme = ThemeChoiceField(
        queryset=None,
        required=False,
        label="Theme",
        empty_label="No theme: a response about the section",
        help_text="Choose a theme, or leave it empty and choose a section.",
        error_messages={"invalid_choice": "Choose a theme of this consultation."},
    )
    section = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Section",
        empty_label="No section",
        help_text=(
            "The section this response is about or, for a theme, the section that changed. "
            "People who commented on it are emailed when the response is published."
        ),
        error_messages={"invalid_choice": "Choose a section of this consultation."},
    )
    changed_version = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Version that changed",
        help_text="The published version of the section that has the change, if any.",
        error_messages={"invalid_choice": "Choose a published version of the section."},
    )
    heard = forms.CharField(
        label="What we heard",
        help_text=RESPONSE_HINT,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_RESPONSE_LENGTH,
        error_messages={"required": "Enter what you heard."},
    )
    changed = forms.CharField(
        required=False,
        label="What we changed",
        help_text=RESPONSE_HINT,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_RESPONSE_LENGTH,
    )

    def __init__(self, *args, consultation, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes
        sections = consultation.sections.order_by("path")
        self.fields["section"].queryset = sections
        versions = [("", "None")]
        for section in sections:
            for version in published_versions(section):
                versions.append((version.number, f"Version {version.number}"))
        self.fields["changed_version"].choices = list(dict.fromkeys(versions))

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("theme") and not data.get("section"):
            self.add_error("theme", "Choose a theme or a section to respond about.")
        if data.get("changed_version") and not data.get("section"):
            self.add_error("section", "Choose the section whose version changed.")
        return data
