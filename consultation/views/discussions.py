"""The discussion board of a consultation: topics (set up by editors), threads started by
participants, and posts. A thread's page is its opening post's permalink."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from consultation import rules
from consultation.forms import ThreadForm
from consultation.models import Consultation, Topic
from consultation.selectors import discussions as selectors
from consultation.services import comments as comment_services
from consultation.views.responses import participation_refusal, post_contribution, refusal

BOARD_CLOSED = "Comments in this consultation are private, so its board takes no new discussions."


def _consultation_with_discussion(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    if not rules.can_view_discussion(request.user, consultation):
        raise Http404("This consultation has no discussion board.")
    return consultation


def discussion(request, slug):
    consultation = _consultation_with_discussion(request, slug)
    return render(
        request,
        "consultation/discussion/topics.html",
        {
            "consultation": consultation,
            "topics": selectors.topics_for(consultation=consultation, user=request.user),
        },
    )


def topic_detail(request, slug, topic_id):
    consultation = _consultation_with_discussion(request, slug)
    topic = get_object_or_404(Topic, pk=topic_id, consultation=consultation)
    page, threads = selectors.threads_in_topic(
        topic=topic, user=request.user, page_number=request.GET.get("page")
    )
    return render(
        request,
        "consultation/discussion/topic.html",
        {
            "consultation": consultation,
            "topic": topic,
            "page_obj": page,
            "threads": threads,
            "barrier": rules.participation_barrier(
                request.user, consultation, next_url=request.path
            ),
            "board_closed": BOARD_CLOSED if not consultation.has_discussion else "",
        },
    )


@require_http_methods(["GET", "POST"])
def thread_create(request, slug, topic_id):
    consultation = _consultation_with_discussion(request, slug)
    topic = get_object_or_404(Topic, pk=topic_id, consultation=consultation)
    refused = participation_refusal(request, consultation)
    if refused:
        return refused
    if not consultation.has_discussion:
        return refusal(request, BOARD_CLOSED)
    form = ThreadForm(request.POST or None)
    if request.method == "POST":
        ended, post = post_contribution(request, form, comment_services.thread_create, topic=topic)
        if ended:
            return ended
        if post:
            if post.status == "pending":
                messages.success(
                    request,
                    "Thank you. Your discussion will appear once a moderator has checked it; "
                    "until then only you can see it.",
                )
            else:
                messages.success(request, "Your discussion has started.")
            return redirect(post.get_absolute_url())
    return render(
        request,
        "consultation/discussion/thread_form.html",
        {"consultation": consultation, "topic": topic, "form": form},
    )
