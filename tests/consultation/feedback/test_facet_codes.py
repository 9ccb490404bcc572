"""The packed facet values of an item (consultation.feedback.facet_codes): the channel has
its own bits beside the other choices, codes keep their 21 bits each, and the migration
that changed the layout writes every item's bits again."""

import numpy as np
import pytest

from consultation.feedback import facet_codes
from consultation.feedback.models import FacetCode, FeedbackItem
from tests.support.consultation_factories import comment_on
from tests.support.permissions import import_batch

CHOICES = {
    "source_kind": "imported",
    "sector": "clinician",
    "region": "wales",
    "respondent_type": "organisation",
    "moderation_state": "published",
    "in_analysis": "true",
    "channel": "email",
}


def test_every_choice_and_both_codes_come_back_from_the_bits():
    top = facet_codes.MAX_CODE
    assert top == (1 << 21) - 1
    bits = facet_codes.pack(CHOICES, paragraph_code=top, organisation_code=5)
    assert 0 < bits < 1 << 62
    decoded = facet_codes.decode(np.array([bits], dtype=np.int64))
    for name, value in CHOICES.items():
        assert facet_codes.choice_value(name, int(decoded[name][0])) == value, name
    assert (int(decoded["paragraph"][0]), int(decoded["organisation"][0])) == (top, 5)
    with pytest.raises(ValueError, match="outside"):
        facet_codes.pack(CHOICES, paragraph_code=top + 1)


def test_an_item_without_a_channel_is_from_the_website():
    fields = {
        "source_kind": "comment",
        "author_sector": "",
        "author_region": "",
        "author_is_organisation": False,
        "moderation_state": "published",
        "in_analysis": True,
    }
    assert facet_codes.choice_values(fields)["channel"] == "website"


@pytest.mark.django_db
@pytest.mark.shared_site_tree
def test_filling_the_bits_again_writes_the_layout_of_today(section, consultation):
    comment_on(section, consultation=consultation, text="On the site")
    import_batch(consultation, imported=True)
    written = dict(FeedbackItem.objects.values_list("pk", "facet_bits"))
    FeedbackItem.objects.update(facet_bits=0)  # as if written in another layout
    facet_codes.fill_bits(FeedbackItem, FacetCode)
    assert dict(FeedbackItem.objects.values_list("pk", "facet_bits")) == written
    channels = facet_codes.decode(np.array(list(written.values()), dtype=np.int64))["channel"]
    assert sorted(facet_codes.choice_value("channel", int(c)) for c in channels) == [
        "csv",
        "website",
    ]
