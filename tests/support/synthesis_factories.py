"""Themes, codes and stances for the tests: themes made directly (the codebook pages are
tested on their own), codes applied through the one writer of codes
(consultation.synthesis.coding), stances as the review rows an analyst's choice makes."""

from consultation.synthesis import coding
from consultation.synthesis.models import ItemReview, Theme

# A theme name a person could type into the codebook: markup, quotes and an ampersand.
HOSTILE_THEME = '<script>alert("theme")</script> & "Trust" <b>'


def theme(consultation, name, *, parent=None):
    return Theme.objects.create(consultation=consultation, name=name, parent=parent)


def code(actor, items, *themes):
    """Apply `themes` to `items` (FeedbackItems or their ids) as one action by `actor`."""
    ids = [getattr(item, "pk", item) for item in items]
    return coding.apply_themes(
        actor=actor, consultation=themes[0].consultation, item_ids=ids, themes=themes
    )


def set_stance(item, stance):
    """Record `item`'s stance (a FeedbackItem or its id)."""
    pk = getattr(item, "pk", item)
    ItemReview.objects.update_or_create(item_id=pk, defaults={"stance": stance})
