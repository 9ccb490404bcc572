"""The forms of the questionnaire's pages: who one responds as, and a page of questions
built from the questionnaire's structure. They check what was posted (answers.normalise,
the same check the services make) and say what is wrong in words; the services store.

Every question is optional to save: "Save and come back later" keeps a half-answered page.
Required questions are asked for when people go on ("Save and continue") and again
before they submit."""

from django import forms

from consultation.questionnaires import answers as answer_rules
from consultation.questionnaires.models import OrganisationType, RespondentType
from consultation.questionnaires.structure import Kind

FIELD_PREFIX = "q-"
INVALID_CHOICE = "Choose from the options listed."


class RespondentForm(forms.Form):
    respondent_type = forms.ChoiceField(
        label="Are you responding as an individual or on behalf of an organisation?",
        choices=RespondentType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you are responding as an individual or for an "
            "organisation.",
            "invalid_choice": INVALID_CHOICE,
        },
    )
    organisation_name = forms.CharField(
        label="Name of the organisation",
        required=False,
        max_length=200,
        help_text="Only if you are responding on behalf of an organisation.",
        error_messages={"max_length": "Shorten the name to 200 characters or fewer."},
    )
    organisation_type = forms.ChoiceField(
        label="Type of organisation",
        required=False,
        choices=[("", "Choose a type"), *OrganisationType.choices],
        help_text="Only if you are responding on behalf of an organisation.",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )


def field_name(question):
    return f"{FIELD_PREFIX}{question.id}"


def _field(question):
    # An optional question says so where it is asked (as the check page does), so nobody
    # learns from an error that an unmarked question was needed.
    optional = "" if question.required else " (optional)"
    label = f"{question.number}. {question.text}{optional}"
    help_text = question.help_text
    common = {"label": label, "required": False}
    if question.kind == Kind.FREE_TEXT:
        limit = f"Up to {question.max_length:,} characters."
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 6}),
            strip=False,
            help_text=f"{help_text} {limit}".strip(),
            **common,
        )
    if question.is_multiple:
        return forms.MultipleChoiceField(
            choices=question.choices,
            widget=forms.CheckboxSelectMultiple,
            help_text=f"{help_text} Select all that apply.".strip(),
            error_messages={"invalid_choice": INVALID_CHOICE, "invalid_list": INVALID_CHOICE},
            **common,
        )
    return forms.ChoiceField(
        choices=question.choices,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"invalid_choice": INVALID_CHOICE},
        **common,
    )


class QuestionPageForm(forms.Form):
    """The questions of one page. `require` (going on, not saving for later) asks for
    every required question's answer."""

    def __init__(self, *args, page, stored=None, require=False, **kwargs):
        stored = stored or {}
        initial = {}
        for question in page.questions:
            value = stored.get(question.id)
            if value:
                initial[field_name(question)] = (
                    value
                    if question.kind == Kind.FREE_TEXT
                    else (list(value) if question.is_multiple else value[0])
                )
        super().__init__(*args, initial=initial, **kwargs)
        self.page = page
        self.require = require
        for question in page.questions:
            self.fields[field_name(question)] = _field(question)

    def clean(self):
        cleaned = super().clean()
        self.answers = {}
        for question in self.page.questions:
            name = field_name(question)
            if name in self.errors:
                continue
            value = cleaned.get(name)
            values = value if isinstance(value, list) else ([value] if value else [])
            try:
                normalised = answer_rules.normalise(question, values)
            except answer_rules.Problem as problem:
                self.add_error(name, str(problem))
                continue
            if normalised is None and question.required and self.require:
                self.add_error(name, answer_rules.missing_message(question))
                continue
            self.answers[question.id] = values
        return cleaned
