"""One form renderer (hub.core.forms, settings.FORM_RENDERER) draws every field of the
site in NHS.UK markup: the accounts' forms and the consultation's alike."""

import re

import pytest
from django.template.loader import render_to_string

from consultation.forms import ContributionForm, DecisionForm, ThreadForm
from hub.accounts.forms import ProfileForm


def test_a_text_field_is_labelled_hinted_and_described():
    form = ContributionForm({"body": "", "key": "k"})
    assert not form.is_valid()
    html = str(form["body"].as_field_group())
    assert '<div class="nhsuk-form-group nhsuk-form-group--error">' in html
    assert '<label class="nhsuk-label nhsuk-label--s" for="id_body">Your comment</label>' in html
    assert '<div class="nhsuk-hint" id="id_body-hint">' in html
    assert '<span class="nhsuk-error-message" id="id_body-error">' in html
    textarea = re.search(r"<textarea[^>]*>", html).group(0)
    assert 'class="nhsuk-textarea nhsuk-textarea--error"' in textarea
    assert 'aria-describedby="id_body-hint id_body-error"' in textarea
    # A discussion's form keeps the label at its usual size.
    assert '<label class="nhsuk-label" for="id_body">' in str(ThreadForm()["body"].as_field_group())


@pytest.mark.django_db
def test_the_same_field_template_serves_the_accounts_forms():
    html = str(ProfileForm({})["display_name"].as_field_group())
    assert '<label class="nhsuk-label" for="id_display_name">' in html
    assert 'class="nhsuk-input nhsuk-input--error"' in html
    assert 'aria-describedby="id_display_name-hint id_display_name-error"' in html


def test_radios_and_the_error_summary():
    form = DecisionForm({"action": "hide", "reason": ""}, allowed=["approve", "hide"])
    assert not form.is_valid()
    form.add_error(None, "Someone else decided first.")
    radios = str(form["action"].as_field_group())
    assert '<div class="nhsuk-radios" data-module="nhsuk-radios">' in radios
    assert '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">' in radios
    summary = render_to_string("forms/error_summary.html", {"form": form})
    # Every error links to its field; an error of the whole form to the first field.
    assert '<li><a href="#id_action_0">Someone else decided first.</a></li>' in summary
    assert '<li><a href="#id_reason">Give a reason: the author is told why.</a></li>' in summary
