"""The demo's theme suggestions: the demo consultation's uncoded items get suggestions
waiting for review, computed by the service from the items the codebook part coded. With
no coded items there is nothing to learn from, and this does nothing. Computing again
replaces the pending suggestions and keeps decided ones, so loading twice is harmless."""

from consultation.models import Consultation
from consultation.synthesis.models import Coding
from consultation.synthesis.suggestions import refresh_suggestions


def load(stdout):
    coded = Coding.objects.values("item__consultation_id")
    for consultation in Consultation.objects.filter(pk__in=coded).order_by("pk"):
        refreshed = refresh_suggestions(consultation=consultation)
        stdout.write(
            f"Theme suggestions for {consultation.title}: {refreshed.stored} waiting for "
            f"review on {refreshed.suggested_items} items."
        )
