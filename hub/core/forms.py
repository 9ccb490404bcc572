"""How every form field looks: NHS.UK design-system markup, from Django's own form
renderer (settings.FORM_RENDERER is NHSFormRenderer). A template renders a field with
`{{ form.field.as_field_group }}` (templates/forms/field.html) and a form's errors with
`{% include "forms/error_summary.html" %}`; the bound fields it hands out know the
design system's classes and the ids of their hints and errors.

Forms may name a size for a field's label (`label_classes = {"body": "nhsuk-label--s"}`).
"""

from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

# The design system's class for each kind of widget (text inputs get nhsuk-input).
WIDGET_CLASSES = {
    "select": "nhsuk-select",
    "textarea": "nhsuk-textarea",
    "checkbox": "nhsuk-checkboxes__input",
}
# Fields whose width says what they hold: the one-time codes of the second factor.
WIDTH_CLASSES = {"code": "nhsuk-input--width-10 nhsuk-input--code"}
# Widgets whose error summary link goes to their first choice.
GROUPED_WIDGETS = {"radioselect", "checkboxselectmultiple"}


class NHSBoundField(BoundField):
    @property
    def hint_id(self):
        return f"{self.auto_id}-hint"

    @property
    def error_id(self):
        return f"{self.auto_id}-error"

    @property
    def error_target(self):
        """The id an error summary's link jumps to: the field, or the first of its choices."""
        if self.widget_type in GROUPED_WIDGETS:
            return f"{self.auto_id}_0"
        return self.id_for_label

    @property
    def label_class(self):
        return getattr(self.form, "label_classes", {}).get(self.name, "")

    @property
    def nhsuk_widget(self):
        """The field's own widget with the design system's classes (and their error
        modifier), aria-describedby naming its hint and its error, and no placeholder."""
        base = WIDGET_CLASSES.get(self.widget_type, "nhsuk-input")
        classes = [base]
        if self.errors and self.widget_type != "checkbox":
            classes.append(f"{base}--error")
        if self.name in WIDTH_CLASSES and base == "nhsuk-input":
            classes.append(WIDTH_CLASSES[self.name])
        described_by = []
        if self.help_text:
            described_by.append(self.hint_id)
        if self.errors:
            described_by.append(self.error_id)
        attrs = {"class": " ".join(classes), "placeholder": False}
        if described_by:
            attrs["aria-describedby"] = " ".join(described_by)
        return self.as_widget(attrs=attrs)


class NHSFormRenderer(TemplatesSetting):
    """Django's renderer over the project's templates, with the NHS.UK field template."""

    field_template_name = "forms/field.html"
    bound_field_class = NHSBoundField
