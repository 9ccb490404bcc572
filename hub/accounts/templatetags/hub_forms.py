"""Form rendering in NHS.UK markup: the field's own widget with the design system's class,
its error modifier and aria-describedby pointing at the hint and the error message.

Used by templates/accounts/includes/field.html, which allauth's `fields` element and the
profile forms share."""

from django import template

register = template.Library()

WIDGET_CLASSES = {
    "select": "nhsuk-select",
    "textarea": "nhsuk-textarea",
    "checkbox": "nhsuk-checkboxes__input",
}


def hint_id(field):
    return f"{field.auto_id}-hint"


def error_id(field):
    return f"{field.auto_id}-error"


@register.simple_tag
def nhsuk_widget(field, extra_class=""):
    base = WIDGET_CLASSES.get(field.widget_type, "nhsuk-input")
    classes = [base]
    if field.errors and field.widget_type != "checkbox":
        classes.append(f"{base}--error")
    if extra_class:
        classes.append(extra_class)
    described_by = []
    if field.help_text:
        described_by.append(hint_id(field))
    if field.errors:
        described_by.append(error_id(field))
    attrs = {"class": " ".join(classes), "placeholder": False}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def error_target(field):
    """The id an error-summary link jumps to: the field, or the first of its radios."""
    if field.widget_type in {"radioselect", "checkboxselectmultiple"}:
        return f"{field.auto_id}_0"
    return field.id_for_label


@register.filter
def first_field_id(form):
    """Where a form-wide error (wrong password, say) sends the reader: its first field."""
    for field in form.visible_fields():
        return error_target(field)
    return ""
