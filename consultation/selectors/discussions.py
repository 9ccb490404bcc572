"""Read-only queries for the discussion board: its topics with their counts, and a
topic's discussions a page at a time. A fixed number of queries each."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from consultation import conf
from consultation.models import Comment, Kind, Status, Topic
from consultation.threads import SHOWN_RELATED, prepare


@dataclass
class TopicSummary:
    topic: Topic
    threads: int
    posts: int
    last_activity: object


def topics_for(*, consultation, user):
    """Each topic with its number of listed discussions and of counted posts (as on the
    topic's page), and when the latest counted post was written. Two queries."""
    counted = Q(status__in=Status.COUNTED)
    rows = (
        Comment.objects.filter(consultation=consultation, kind=Kind.POST)
        .visible_to(user, consultation)
        .values("topic_id")
        .annotate(
            threads=Count("pk", filter=Q(parent__isnull=True)),
            posts=Count("pk", filter=counted),
            last=Max("created_at", filter=counted),
        )
        .order_by()
    )
    stats = {row["topic_id"]: row for row in rows}
    return [
        TopicSummary(
            topic=topic,
            threads=stats.get(topic.pk, {}).get("threads", 0),
            posts=stats.get(topic.pk, {}).get("posts", 0),
            last_activity=stats.get(topic.pk, {}).get("last"),
        )
        for topic in consultation.topics.all()
    ]


@dataclass
class ThreadSummary:
    shown: object
    replies: int
    last_activity: object


def threads_in_topic(*, topic, user, page_number=1):
    """A topic's listed discussions, newest first, each with its count of counted replies
    and its latest activity, a page at a time."""
    consultation = topic.consultation
    counted_replies = (
        Comment.objects.filter(root=OuterRef("pk"))
        .counted_for(user, consultation)
        .order_by()
        .values("root")
    )
    roots_qs = (
        Comment.objects.filter(topic=topic, parent__isnull=True)
        .visible_to(user, consultation)
        .select_related(*SHOWN_RELATED)
        .annotate(
            reply_total=Coalesce(
                Subquery(counted_replies.annotate(n=Count("pk")).values("n")),
                0,
                output_field=IntegerField(),
            ),
            last_reply=Subquery(counted_replies.annotate(last=Max("created_at")).values("last")),
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(roots_qs, conf.COMMENTS_PER_PAGE).get_page(page_number)
    roots = list(page.object_list)
    shown = prepare(roots, user=user, consultation=consultation)
    summaries = [
        ThreadSummary(
            shown=item,
            replies=item.comment.reply_total,
            last_activity=item.comment.last_reply or item.comment.created_at,
        )
        for item in shown
    ]
    return page, summaries
