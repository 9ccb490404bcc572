"""What an analyst records about one item besides its themes: its stance, the analyst it
is assigned to, and notes. Each service re-checks its rule inside its transaction and
writes its entry in the audit log with the change; the working group alone may call them
(the views ask `hub.accounts.rules.is_working_group`, and an assignee must be in it)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from consultation.feedback.models import FeedbackItem
from consultation.formatting import clean_text
from consultation.search.tasks import mark_for_indexing
from consultation.synthesis.models import AnalystNote, ItemReview, Stance
from hub.accounts.rules import WORKING_GROUP
from hub.core.audit import audit_record

NOTE_MAX_LENGTH = AnalystNote._meta.get_field("text").max_length


def working_group_members():
    """Who items can be assigned to: active members of the Working group and superusers,
    with their profiles, by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name=WORKING_GROUP) | Q(is_superuser=True))
        .select_related("profile")
        .distinct()
        .order_by("profile__display_name", "email")
    )


def _review(item):
    review, _ = ItemReview.objects.select_for_update().get_or_create(item=item)
    return review


def stance_set(*, actor, item, stance):
    """Record `item`'s stance (a Stance value, or "" for not set); returns the review."""
    if stance not in Stance.values and stance != "":
        raise ValidationError("Choose supports, opposes, mixed, neutral or not set.")
    with transaction.atomic():
        review = _review(item)
        before = review.stance
        review.stance = stance
        review.stance_by = actor if stance else None
        review.save(update_fields=["stance", "stance_by", "updated_at"])
        # The stance is a facet of the search engine's documents.
        mark_for_indexing(FeedbackItem.objects.filter(pk=item.pk))
        audit_record(
            actor=actor,
            action="stance_set",
            target=item,
            data={"stance": stance, "before": before},
        )
    return review


def assign(*, actor, item, assignee):
    """Assign `item` to `assignee` (a Working group member), or to nobody (None)."""
    with transaction.atomic():
        if assignee is not None and not working_group_members().filter(pk=assignee.pk).exists():
            raise ValidationError("Items can only be assigned to members of the Working group.")
        review = _review(item)
        before = review.assignee_id
        review.assignee = assignee
        review.save(update_fields=["assignee", "updated_at"])
        audit_record(
            actor=actor,
            action="item_assigned",
            target=item,
            subject=assignee,
            data={"assignee": assignee.pk if assignee else None, "before": before},
        )
    return review


def note_add(*, actor, item, text):
    """Add a note to `item`: kept as plain text (invisible characters removed), always shown
    escaped. Refuses an empty or over-long note."""
    text = clean_text(text)
    if not text:
        raise ValidationError("Write the note.")
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(f"A note can be at most {NOTE_MAX_LENGTH:,} characters long.")
    with transaction.atomic():
        note = AnalystNote.objects.create(item=item, author=actor, text=text)
        audit_record(actor=actor, action="note_added", target=item, data={"note": note.pk})
    return note
