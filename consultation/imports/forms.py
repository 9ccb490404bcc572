"""The upload page's forms: a file to check, the CSV columns to read, and confirmations."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from consultation.imports.csv_format import FIELDS
from consultation.imports.models import FileFormat
from consultation.models import Consultation


class UploadForm(forms.Form):
    consultation = forms.ModelChoiceField(
        queryset=Consultation.objects.order_by("-opens_at"),
        empty_label=None,
        error_messages={"required": "Choose the consultation the responses belong to."},
    )
    file_format = forms.ChoiceField(
        label="What kind of file is it?",
        choices=FileFormat.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of file it is."},
    )
    file = forms.FileField(
        error_messages={
            "required": "Choose a file to upload.",
            "empty": "The file is empty: choose the file with the responses.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"At most {filesizeformat(settings.UPLOAD_MAX_SIZE)}. A CSV file's first row "
            "names its columns; you choose which column holds what after the upload."
        )


class MappingForm(forms.Form):
    """Which column of the file holds each of our fields (the response text is needed)."""

    def __init__(self, *args, columns, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "(not in this file)")] + [(c, c) for c in columns if c]
        for name, label in FIELDS.items():
            self.fields[name] = forms.ChoiceField(
                label=label, choices=choices, required=name == "text"
            )
        self.fields["text"].error_messages["required"] = "Choose the column with the responses."

    def mapping(self):
        return {name: column for name, column in self.cleaned_data.items() if column}
