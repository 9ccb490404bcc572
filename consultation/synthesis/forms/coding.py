"""Forms of the coding workspace: a theme of the codebook, and on an item's page its themes,
stance, assignee and a new note; the bulk coding form of the search page. They check what
was sent and give messages a person can act on; the services (codebook, coding, review)
write and re-check the rules."""

from django import forms

from consultation.synthesis.codebook import NAME_MAX_LENGTH
from consultation.synthesis.models import Colour, Stance, Theme
from consultation.synthesis.review import NOTE_MAX_LENGTH

NO_PARENT = ""
MAX_SELECTED = 1000  # ticked results in one request (a page has at most 100)


class ItemIdsField(forms.Field):
    """Item ids ticked on the search page (checkboxes named "items")."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        if len(values) > MAX_SELECTED:
            raise forms.ValidationError(f"Tick at most {MAX_SELECTED:,} results at a time.")
        if not all(str(v).isdigit() and len(str(v)) <= 18 for v in values):
            raise forms.ValidationError("Some of the ticked results are not items.")
        return [int(v) for v in values]


def themes_field(label, *, required):
    """Checkboxes of a codebook's themes (the form gives the choices)."""
    return forms.TypedMultipleChoiceField(
        label=label,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": required,
            "invalid_choice": "Choose themes of this consultation's codebook.",
        },
    )


class ThemeForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": "Enter a name for the theme.",
            "max_length": f"A theme's name can be at most {NAME_MAX_LENGTH} characters long.",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        help_text="What items with this theme say, so that every analyst codes alike.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "A description can be at most 2,000 characters long."},
    )
    colour = forms.ChoiceField(
        label="Colour",
        choices=Colour.choices,
        initial=Colour.BLUE,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the colours listed."},
    )
    parent = forms.TypedChoiceField(
        label="Sub-theme of",
        help_text="Leave it as a top-level theme, or choose the theme it belongs under.",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": "Choose a top-level theme of this codebook (a sub-theme cannot "
            "have sub-themes of its own)."
        },
    )

    def __init__(self, *args, consultation, theme=None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Theme.objects.filter(consultation=consultation, parent__isnull=True)
        if theme is not None:
            parents = parents.exclude(pk=theme.pk)
        self.fields["parent"].choices = [
            (NO_PARENT, "None: a top-level theme"),
            *((parent.pk, parent.name) for parent in parents),
        ]
        self.parents = {parent.pk: parent for parent in parents}

    def clean_parent(self):
        pk = self.cleaned_data["parent"]
        return self.parents.get(pk) if pk is not None else None


class ItemThemesForm(forms.Form):
    """Themes to add to one item."""

    themes = themes_field("Add themes", required="Choose at least one theme to add.")

    def __init__(self, *args, choices, **kwargs):
        kwargs.setdefault("auto_id", "add-%s")
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = choices


class StanceForm(forms.Form):
    stance = forms.ChoiceField(
        label="Stance",
        choices=[*Stance.choices, ("", "Not set")],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose supports, opposes, mixed, neutral or not set."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "stance-%s")
        super().__init__(*args, **kwargs)


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(
        label="Assigned to",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a member of the Working group."},
    )

    def __init__(self, *args, members, **kwargs):
        kwargs.setdefault("auto_id", "assign-%s")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "Nobody"), *members]


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note",
        help_text="Only the Working group sees notes. Plain text.",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        strip=False,
        error_messages={
            "required": "Write the note.",
            "max_length": f"A note can be at most {NOTE_MAX_LENGTH:,} characters long.",
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "note-%s")
        super().__init__(*args, **kwargs)


class BulkCodingForm(forms.Form):
    """Apply or remove themes on the ticked results, or on every result of the search."""

    DOES = {
        "apply-selection": ("apply", "selection"),
        "remove-selection": ("remove", "selection"),
        "apply-search": ("apply", "search"),
        "remove-search": ("remove", "search"),
    }
    DO_LABELS = {
        "apply-selection": "Apply the themes to the ticked results",
        "remove-selection": "Remove the themes from the ticked results",
        "apply-search": "Apply the themes to every result of the search",
        "remove-search": "Remove the themes from every result of the search",
    }

    consultation = forms.IntegerField(widget=forms.HiddenInput)
    search = forms.CharField(required=False, widget=forms.HiddenInput)
    # The search page sends `do` from the button pressed; the page of errors shows it as
    # radios, so that what a message asks for ("or choose every result") can be chosen there.
    do = forms.ChoiceField(
        label="What to do",
        choices=list(DO_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what to do.", "invalid_choice": "Choose what to do."},
    )
    items = ItemIdsField(required=False)
    themes = themes_field("Themes", required="Choose at least one theme.")
    confirmed = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, theme_choices=(), **kwargs):
        kwargs.setdefault("auto_id", "bulk-%s")
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = list(theme_choices)

    @property
    def operation(self):
        return self.DOES[self.cleaned_data["do"]][0]

    @property
    def scope(self):
        return self.DOES[self.cleaned_data["do"]][1]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("do", "").endswith("selection") and not cleaned.get("items"):
            self.add_error(None, "Tick at least one result, or choose every result.")
        return cleaned
