"""Forms of the synthesis pages built here: codes for a whole campaign group, and a file of
codes from another tool."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from consultation.models import Consultation
from consultation.synthesis.models import Theme

APPLY, REMOVE = "apply", "remove"


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, theme):
        return str(theme)


class CampaignCodingForm(forms.Form):
    """Themes to apply to, or remove from, every member of a campaign group."""

    themes = ThemeChoiceField(
        queryset=Theme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one theme.",
            "invalid_choice": "Choose themes of this consultation's codebook.",
            "invalid_pk_value": "Choose themes of this consultation's codebook.",
        },
    )
    action = forms.ChoiceField(
        label="Apply or remove?",
        choices=[
            (APPLY, "Apply these themes to every item of the group"),
            (REMOVE, "Remove these themes from every item of the group"),
        ],
        widget=forms.RadioSelect,
        initial=APPLY,
        error_messages={"required": "Choose whether to apply or remove the themes."},
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.filter(
            consultation=consultation
        ).select_related("parent")


class CodeImportForm(forms.Form):
    consultation = forms.ModelChoiceField(
        queryset=Consultation.objects.order_by("-opens_at"),
        empty_label=None,
        error_messages={"required": "Choose the consultation the codes belong to."},
    )
    file = forms.FileField(
        label="CSV file of codes",
        error_messages={
            "required": "Choose a file to upload.",
            "empty": "The file is empty: choose the file with the codes.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"At most {filesizeformat(settings.UPLOAD_MAX_SIZE)}. Its first row names its "
            "columns: one holds the external id of each imported response, another its "
            "themes, separated by semicolons."
        )
