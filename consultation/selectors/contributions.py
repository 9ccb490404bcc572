"""Read-only queries for a participant's own page: what they wrote and what they reported,
each named (naming.label) and with what came of it. A fixed number of queries a page."""

from dataclasses import dataclass

from django.core.paginator import Paginator

from consultation import conf, naming, rules
from consultation.models import Comment, Flag


@dataclass
class Contribution:
    """One thing a person wrote, for their own list: what, where, the first words."""

    comment: Comment
    place: str
    excerpt: str  # empty when the words are no longer shown (withdrawn)


def contributions_of(*, user, privacy, page_number=1):
    """Everything `user` wrote, newest first, a page at a time: (page, [Contribution]),
    leaving out what is on sections they may no longer see (Wagtail page privacy)."""
    qs = (
        Comment.objects.filter(author=user)
        .filter(privacy.visible_q("section__path"))
        .select_related("consultation", "section", "topic")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(qs, conf.COMMENTS_PER_PAGE).get_page(page_number)
    numbers = naming.ParagraphNumbers()
    return page, [
        Contribution(
            comment=comment,
            place=naming.place(comment, numbers),
            excerpt=naming.excerpt(comment, 140) if rules.can_read_text(user, comment) else "",
        )
        for comment in page.object_list
    ]


@dataclass
class Report:
    """A report someone made, as they see it: what they reported and what came of it."""

    flag: Flag
    label: str
    url: str  # the reported words' conversation, when the reporter may still see it


def reports_of(*, user, privacy, limit=conf.COMMENTS_PER_PAGE):
    """(the latest `limit` reports `user` made, newest first, as Reports; how many in all).
    What is on a section the reader may no longer see is named without its words or link."""
    flags = list(
        Flag.objects.filter(flagged_by=user)
        .select_related(
            "resolution",
            "comment__consultation",
            "comment__section",
            "comment__topic",
            "comment__author__profile",
        )
        .order_by("-created_at", "-pk")[:limit]
    )
    numbers = naming.ParagraphNumbers()
    reports = []
    for flag in flags:
        comment = flag.comment
        visible = privacy.can_view(comment.section) and rules.can_view_comment(user, comment)
        readable = visible and rules.can_read_text(user, comment)
        author = comment.author.public_name if comment.author else "a former participant"
        reports.append(
            Report(
                flag=flag,
                label=naming.label(
                    comment,
                    author_name=author if readable else "someone",
                    numbers=numbers,
                    with_excerpt=readable,
                ),
                url=comment.get_absolute_url() if visible else "",
            )
        )
    total = len(reports) if len(reports) < limit else Flag.objects.filter(flagged_by=user).count()
    return reports, total
