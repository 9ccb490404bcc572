"""The consultations: an index (open, upcoming, closed) and a page for each."""

from django.shortcuts import get_object_or_404, render

from consultation import rules
from consultation.models import Consultation
from consultation.selectors import consultations as selectors
from consultation.selectors.discussions import topics_for
from hub.pages.privacy import privacy_for


def consultation_index(request):
    return render(request, "consultation/index.html", {"listed": selectors.consultations_listed()})


def consultation_detail(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    topics = (
        topics_for(consultation=consultation, user=request.user)
        if rules.can_view_discussion(request.user, consultation)
        else []
    )
    return render(
        request,
        "consultation/detail.html",
        {
            "consultation": consultation,
            "sections": selectors.sections_with_counts(
                consultation=consultation, user=request.user, privacy=privacy_for(request)
            ),
            "topics": topics,
            "barrier": rules.participation_barrier(
                request.user, consultation, next_url=request.path
            ),
        },
    )
