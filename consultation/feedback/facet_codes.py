"""An item's facet values as one integer, so the database search counts every facet of a
query's matches from one small number per item instead of a GROUP BY per facet.

Counting ten facets of 25,000 matches with ten GROUP BYs joined to the matches takes SQLite
ten passes of 25,000 look-ups; reading one integer per match and counting with numpy takes
one. `FeedbackItem.facet_bits` holds, in 62 bits (a positive 64-bit integer):

    bits  0-19  the item's choices: source kind, sector, region, organisation or
                individual, moderation state, in the analysis, channel (their
                positions in CHOICES)
    bits 20-40  the code of its paragraph (FacetCode, 0 for none)
    bits 41-61  the code of its organisation's name (FacetCode, 0 for none)

The consultation and section are ids already, read beside it. Codes of paragraphs and
organisation names are rows of `FacetCode`, made the first time a value is written; 21 bits
give two million of them. `sync` writes the bits with every item; `decode` turns an array
of them back into one array of codes per facet for the search backend.
"""

import numpy as np

from consultation.feedback.models import Channel
from consultation.models import Status
from hub.accounts.models import Region, Sector

# The item's choices, each a facet: its field, the values in a fixed order (position + 1
# is the code; 0 is blank or unknown), and the bits it takes.
CHOICES = (
    ("source_kind", ("comment", "reply", "post", "answer", "imported"), 3),
    ("sector", tuple(Sector.values), 4),
    ("region", tuple(Region.values), 4),
    ("respondent_type", ("individual", "organisation"), 2),
    ("moderation_state", tuple(Status.values), 3),
    ("in_analysis", ("false", "true"), 2),
    ("channel", tuple(Channel.values), 2),
)
CHOICE_BITS = 20  # checked below
CODE_BITS = 21
CODED = ("paragraph", "organisation")  # the facets whose values get a FacetCode
PARAGRAPH_SHIFT = CHOICE_BITS
ORGANISATION_SHIFT = CHOICE_BITS + CODE_BITS
MAX_CODE = (1 << CODE_BITS) - 1

_LAYOUT = []
_shift = 0
for _name, _values, _bits in CHOICES:
    if len(_values) >= 1 << _bits:
        raise ValueError(f"{_name} has too many values for {_bits} bits")
    _LAYOUT.append((_name, _values, _shift, (1 << _bits) - 1))
    _shift += _bits
if _shift > CHOICE_BITS:
    raise ValueError("The choices need more than CHOICE_BITS bits")
_POSITIONS = {
    name: {value: n + 1 for n, value in enumerate(values)} for name, values, _b in CHOICES
}


def choice_code(facet, value):
    """The code of a choice facet's value (0 for one it does not know)."""
    return _POSITIONS[facet].get(str(value), 0)


def choice_value(facet, code):
    values = {name: values for name, values, _bits in CHOICES}[facet]
    return values[code - 1] if 0 < code <= len(values) else None


def choice_values(item_fields):
    """The choice facets' values of an item, from its fields (as sync writes them)."""
    return {
        "source_kind": item_fields["source_kind"],
        "sector": item_fields["author_sector"],
        "region": item_fields["author_region"],
        "respondent_type": (
            "organisation" if item_fields["author_is_organisation"] else "individual"
        ),
        "moderation_state": item_fields["moderation_state"],
        "in_analysis": "true" if item_fields["in_analysis"] else "false",
        # Comments and answers are typed on this site; only imports name another channel.
        "channel": item_fields.get("channel") or Channel.WEBSITE,
    }


def pack(choices, *, paragraph_code=0, organisation_code=0):
    """The facet bits of an item: `choices` maps each choice facet to its value."""
    bits = 0
    for name, _values, shift, _mask in _LAYOUT:
        bits |= choice_code(name, choices[name]) << shift
    for code in (paragraph_code, organisation_code):
        if not 0 <= code <= MAX_CODE:
            raise ValueError(f"A facet code outside 0 to {MAX_CODE}: {code}")
    return bits | paragraph_code << PARAGRAPH_SHIFT | organisation_code << ORGANISATION_SHIFT


def decode(bits):
    """{facet name: array of codes} for a numpy int64 array of facet bits."""
    decoded = {name: (bits >> shift) & mask for name, _values, shift, mask in _LAYOUT}
    decoded["paragraph"] = (bits >> PARAGRAPH_SHIFT) & MAX_CODE
    decoded["organisation"] = (bits >> ORGANISATION_SHIFT) & MAX_CODE
    return decoded


class Codes:
    """The FacetCode of paragraph ids and organisation names, made when first needed and
    remembered for this object's life (one per batch of items written). `model` is the
    FacetCode model (a migration passes its historical one)."""

    def __init__(self, model):
        self.model = model
        self.known = {}

    def code(self, facet, value):
        if not value:
            return 0
        key = (facet, value)
        if key not in self.known:
            row, _created = self.model.objects.get_or_create(facet=facet, value=value)
            self.known[key] = row.pk
        return self.known[key]

    def preload(self, pairs):
        """Look up many (facet, value) pairs in one query per facet."""
        wanted = {}
        for facet, value in pairs:
            if value and (facet, value) not in self.known:
                wanted.setdefault(facet, set()).add(value)
        for facet, values in wanted.items():
            rows = self.model.objects.filter(facet=facet, value__in=values)
            self.known.update({(facet, v): pk for v, pk in rows.values_list("value", "pk")})

    def bits(self, item_fields):
        """The facet bits of an item from its fields."""
        return pack(
            choice_values(item_fields),
            paragraph_code=self.code("paragraph", item_fields["paragraph_id"]),
            organisation_code=self.code("organisation", item_fields["author_organisation"]),
        )


def fill_bits(item_model, code_model, *, batch_size=500):
    """Write the facet bits of every item again from its fields (the migrations that made
    or changed the layout pass their historical models)."""
    codes = Codes(code_model)
    batch = []
    for item in item_model.objects.order_by("pk").iterator(chunk_size=2_000):
        item.facet_bits = codes.bits(vars(item))
        batch.append(item)
        if len(batch) >= batch_size:
            item_model.objects.bulk_update(batch, ["facet_bits"])
            batch = []
    item_model.objects.bulk_update(batch, ["facet_bits"])


def as_array(values):
    return np.fromiter(values, dtype=np.int64)
