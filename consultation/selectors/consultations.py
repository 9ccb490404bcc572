"""Read-only queries about consultations: which are open, listed, or shown on a section,
and the sections a consultation covers with their counts. A fixed number of queries each."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Min
from django.utils import timezone

from consultation.models import Comment, Consultation, Kind, Status
from hub.core.page_cache import memo


def consultations_open(now=None):
    """Consultations open now, soonest closing first."""
    return list(Consultation.objects.open_at(now or timezone.now()).order_by("closes_at", "pk"))


def next_opening_or_closing(now=None):
    """The first moment after `now` at which a consultation opens or closes, or None: what
    public pages show changes then (the anonymous page cache keeps nothing past it)."""
    now = now or timezone.now()
    opening = Consultation.objects.filter(opens_at__gt=now).aggregate(first=Min("opens_at"))
    closing = Consultation.objects.filter(closes_at__gt=now).aggregate(first=Min("closes_at"))
    return min(filter(None, (opening["first"], closing["first"])), default=None)


def consultations_listed(now=None):
    """Open, upcoming and closed consultations, for the consultations index."""
    now = now or timezone.now()
    everything = list(Consultation.objects.order_by("closes_at", "pk"))
    return {
        "open": [c for c in everything if c.state(now) == "open"],
        "upcoming": [c for c in everything if c.state(now) == "upcoming"],
        "closed": [c for c in reversed(everything) if c.state(now) == "closed"],
    }


def consultation_for_section(section, now=None):
    """The consultation a section page shows: the open one closing soonest, else the next
    to open, else the one that closed last."""
    now = now or timezone.now()
    # Which consultations cover a section changes only with an edit to one (a new
    # generation of the page cache); which of them is shown depends on `now`.
    candidates = memo(
        f"consultation:for-section:{section.pk}",
        lambda: list(Consultation.objects.filter(sections=section).order_by("closes_at", "pk")),
    )
    for state in ("open", "upcoming"):
        for consultation in candidates:
            if consultation.state(now) == state:
                return consultation
    return candidates[-1] if candidates else None


@dataclass
class SectionCount:
    section: object
    comments: int


def sections_with_counts(*, consultation, user, privacy):
    """The live sections a consultation covers that the reader may see (`privacy`: Wagtail
    page privacy, hub.pages.privacy), in the draft's order, with the number of comments the
    reader can see on each. Two queries."""
    counts = dict(
        Comment.objects.filter(consultation=consultation, kind=Kind.COMMENT)
        .counted_for(user, consultation)
        .values_list("section_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    sections = (
        consultation.sections.filter(live=True).filter(privacy.visible_q("path")).order_by("path")
    )
    return [SectionCount(section=s, comments=counts.get(s.pk, 0)) for s in sections]


# Whose comments on a section still stand as their say on it: published, waiting, or hidden
# after being read; not rejected (never shown) nor withdrawn (its author took it back).
VERSION_READERS = (Status.PUBLISHED, Status.PENDING, Status.HIDDEN)


def commenters_on_section(section):
    """People who commented on a section (comments that were published or are waiting),
    for telling them about a new version."""
    return (
        get_user_model()
        .objects.filter(
            consultation_comments__section=section,
            consultation_comments__status__in=VERSION_READERS,
            is_active=True,
        )
        .select_related("profile")
        .distinct()
    )
