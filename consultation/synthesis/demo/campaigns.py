"""The demo's campaign groups: the demo feedback holds a campaign of personalised copies
of one letter (consultation.feedback.demo); grouping the demo consultation makes it a
group that analysts can code as one. Idempotent: grouping again finds the same groups
with the same numbers."""

from consultation.demo import SLUG
from consultation.models import Consultation
from consultation.synthesis import grouping


def load(stdout):
    consultation = Consultation.objects.filter(slug=SLUG).first()
    if consultation is None:
        stdout.write("Demo campaigns: no demo consultation, nothing grouped.")
        return
    found = grouping.recompute(consultation=consultation)
    sizes = ", ".join(str(campaign.size) for campaign in found) or "none"
    stdout.write(f"Demo campaigns: {len(found)} group(s) of {sizes} items.")
