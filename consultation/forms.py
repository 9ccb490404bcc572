"""Forms: the boundary where what people type is limited and checked. They only validate
(lengths, links, required words, the honeypot); the services turn what was typed into what
is stored (consultation.formatting, hub.core.sanitise).

Every writing form carries a honeypot field (people never see it; bots fill it in) and an
idempotency key (one per form shown, so a double click stores one comment)."""

import copy
import uuid

from django import forms
from django.template.defaultfilters import pluralize

from consultation import conf, formatting
from consultation.models import AuditAction, FlagReason, Kind, noun_of
from hub.core.sanitise import sanitise_plain

FORMAT_HINT = (
    "Plain text. Leave a blank line between paragraphs. You can use **bold**, *italic*, "
    "lists (start lines with - or 1.), quotes (start lines with >) and web addresses."
)


class ContributionForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        help_text=FORMAT_HINT,
        widget=forms.Textarea(attrs={"rows": 6, "class": "nhsuk-textarea"}),
        error_messages={"required": "Enter your comment."},
        strip=False,
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled in by bots.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    noun = noun_of(Kind.COMMENT)
    # Under a paragraph or a comment, the form's one field has a smaller label.
    label_classes = {"body": "nhsuk-label--s"}

    def __init__(self, *args, label=None, ids=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("key", uuid.uuid4().hex)
        if ids:
            # Several of these forms can be open on one page (under different paragraphs
            # and comments): each one's ids (its fields, hints and errors) start with its own
            # name, so a label never points at another form's field.
            kwargs["auto_id"] = f"{ids}-%s"
        super().__init__(*args, **kwargs)
        if label:
            self.fields["body"].label = label
        self.fields["body"].help_text = f"{FORMAT_HINT} Up to {conf.max_characters():,} characters."
        self.fields["body"].error_messages["required"] = f"Enter your {self.noun}."

    @property
    def is_spam(self):
        return bool(self.data.get("website"))

    def clean_body(self):
        """The words as typed (the service keeps them, cleaned, and makes the HTML), if
        they are within the limits: counted as typed, links as the page would show them."""
        raw = self.cleaned_data["body"]
        limit = conf.max_characters()
        # Refuse absurd sizes before any parsing work.
        if len(raw) > limit * 4:
            raise forms.ValidationError(
                f"Your {self.noun} is too long. Shorten it to {limit:,} characters or fewer."
            )
        text = formatting.clean_text(raw)
        html = formatting.to_html(text)
        if not html:
            raise forms.ValidationError(f"Enter your {self.noun}.")
        length = len(text)
        if length > limit:
            raise forms.ValidationError(
                f"Your {self.noun} is {length:,} characters long. "
                f"Shorten it to {limit:,} characters or fewer."
            )
        links = formatting.link_count(html)
        if links > conf.max_links():
            raise forms.ValidationError(
                f"Your {self.noun} has {links} web links. Include no more than "
                f"{conf.max_links()} link{pluralize(conf.max_links())}."
            )
        return raw


class ReplyForm(ContributionForm):
    noun = noun_of(Kind.COMMENT, reply=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", f"Your {self.noun}")
        super().__init__(*args, **kwargs)


class ThreadForm(ContributionForm):
    noun = noun_of(Kind.POST)
    label_classes = {}
    title = forms.CharField(
        label="Title",
        max_length=conf.max_title_characters(),
        widget=forms.TextInput(attrs={"class": "nhsuk-input"}),
        error_messages={
            "required": "Enter a title for your discussion.",
            "max_length": (
                f"Shorten the title to {conf.max_title_characters()} characters or fewer."
            ),
        },
    )
    field_order = ["title", "body", "website", "key"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", f"Your {self.noun}")
        super().__init__(*args, **kwargs)

    def clean_title(self):
        return _title_required(self.cleaned_data["title"])


def _title_required(title):
    """A title with words left once the service has cleaned it (formatting.clean_title)."""
    if not formatting.clean_title(title):
        raise forms.ValidationError("Enter a title for your discussion.")
    return title


class EditForm(ContributionForm):
    """Edit one's words: the form opens with what they typed."""

    label_classes = {}

    def __init__(self, *args, comment, **kwargs):
        self.noun = comment.noun
        kwargs.setdefault("initial", {})["body"] = comment.text
        kwargs["label"] = f"Your {self.noun}"
        super().__init__(*args, **kwargs)
        if comment.is_post and not comment.is_reply:
            self.fields["title"] = copy.deepcopy(ThreadForm.base_fields["title"])
            self.initial["title"] = comment.title
            self.order_fields(["title", "body"])

    def clean_title(self):
        return _title_required(self.cleaned_data["title"])


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you reporting this?",
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why you are reporting this."},
    )
    note = forms.CharField(
        label="Anything the moderators should know (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "class": "nhsuk-textarea"}),
        error_messages={"max_length": "Shorten your note to 500 characters or fewer."},
    )


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label="What do you decide?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision."},
    )
    reason = forms.CharField(
        label="Reason (the author sees this)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "nhsuk-textarea"}),
        error_messages={"max_length": "Shorten the reason to 1,000 characters or fewer."},
    )

    LABELS = {
        AuditAction.APPROVE: "Approve (publish it, or keep it published and close the reports)",
        AuditAction.HIDE: "Hide it from public view",
        AuditAction.REJECT: "Reject it (it is never published)",
    }

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(action, self.LABELS[action]) for action in allowed]

    def clean(self):
        cleaned = super().clean()
        # A reason is required where its words survive the service's cleaning.
        if cleaned.get("action") in (AuditAction.HIDE, AuditAction.REJECT) and not sanitise_plain(
            cleaned.get("reason", "")
        ):
            self.add_error("reason", "Give a reason: the author is told why.")
        return cleaned


class BlockForm(forms.Form):
    reason = forms.CharField(
        label="Reason (the participant sees this)",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "nhsuk-textarea"}),
        error_messages={"required": "Give a reason: the participant is told why."},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"]
        if not sanitise_plain(reason):
            raise forms.ValidationError("Give a reason: the participant is told why.")
        return reason
