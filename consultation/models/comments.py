"""What stakeholders write: comments on a section or one of its paragraphs, and posts on the
discussion board. Both are `Comment` rows (`kind` tells them apart) so replies, reactions,
edits, withdrawal, flags and moderation work the same way for each.

A comment records where it was made: the section, the paragraph (the block's stable UUID;
blank for the whole section), the page revision that was live and a fingerprint of the
paragraph's text then, so the page can say "made on version N" once the text changes.
"""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from hub.accounts.facets import AuthorFacets
from hub.accounts.rules import can_moderate
from hub.core.models import AuditedBy


class Kind(models.TextChoices):
    COMMENT = "comment", "Comment on the draft"
    POST = "post", "Discussion post"


def noun_of(kind, *, reply=False):
    """What pages, messages and emails call a contribution: "comment", "reply" or
    "discussion post" (a form names what it will make before it exists)."""
    if reply:
        return "reply"
    return "discussion post" if kind == Kind.POST else "comment"


class Status(models.TextChoices):
    PENDING = "pending", "Waiting for moderation"
    PUBLISHED = "published", "Published"
    HIDDEN = "hidden", "Hidden by a moderator"
    REJECTED = "rejected", "Rejected by a moderator"
    WITHDRAWN = "withdrawn", "Withdrawn by its author"


# The groups of statuses the rules, counts and queues speak of, named once here (class
# attributes, not choices). A moderator's decisions (hidden, rejected) and the author's
# withdrawal stay separate statuses: each group says which of them it means.
#
# Shown to everyone where comments are public: published words, and the placeholders that
# keep a thread whole where a moderator hid words or their author withdrew them.
Status.SHOWN = (Status.PUBLISHED, Status.HIDDEN, Status.WITHDRAWN)
# What a count of comments counts: words someone can read now (published, or waiting for a
# moderator where the reader may see it). A placeholder keeps a thread whole but is not a
# comment, and what a moderator hid or rejected is not one either.
Status.COUNTED = (Status.PUBLISHED, Status.PENDING)
# Kept from readers by a moderator's decision (the moderators' "hidden or rejected" queue).
Status.MODERATED_AWAY = (Status.HIDDEN, Status.REJECTED)
# What its author may still edit (within the edit window).
Status.EDITABLE = (Status.PENDING, Status.PUBLISHED)


@dataclass(frozen=True)
class Visibility:
    """What one person may see of one consultation's comments: the one visibility rule.
    Everything, for moderators (with a second factor in this session); otherwise the
    statuses shown to everyone (if the consultation's comments are public) and one's own
    words in any state. Queries filter with `q`; a comment already loaded is checked with
    `allows`, which asks nothing of the database."""

    everything: bool
    statuses: tuple
    author_id: int | None

    @classmethod
    def of(cls, user, consultation):
        return cls(
            everything=can_moderate(user),
            statuses=Status.SHOWN if consultation.comments_public else (),
            author_id=user.pk if user.is_authenticated else None,
        )

    @property
    def q(self):
        if self.everything:
            return Q()
        q = Q(status__in=self.statuses) if self.statuses else Q(pk__in=[])
        if self.author_id is not None:
            q |= Q(author_id=self.author_id)
        return q

    def allows(self, comment):
        return (
            self.everything
            or comment.status in self.statuses
            or (self.author_id is not None and comment.author_id == self.author_id)
        )

    def allows_text(self, comment):
        """Whether the comment's words are shown, not just its place: published words to
        whoever sees them, anything else to its author and the moderators, except that a
        withdrawal is the author's own decision and is shown only to the moderators, and a
        purged text to nobody."""
        if comment.purged_at or not self.allows(comment):
            return False
        if comment.status == Status.PUBLISHED:
            return True
        own = self.author_id is not None and comment.author_id == self.author_id
        if comment.status == Status.WITHDRAWN:
            return self.everything
        return own or self.everything


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user, consultation):
        """The comments of `consultation` this person sees, as words or as placeholders
        (Visibility). Every list, thread and count of comments starts here."""
        return self.filter(Visibility.of(user, consultation).q)

    def counted_for(self, user, consultation):
        """What a count shows this person: the comments they see whose words are live
        (Status.COUNTED), never a placeholder nor what a moderator hid or rejected."""
        return self.visible_to(user, consultation).filter(status__in=Status.COUNTED)


@cache
def _url_pattern(name):
    """A comment URL with a slot for the id: pages list many comments, and reversing
    each of their links one by one is a noticeable part of rendering them."""
    return reverse(f"consultation:{name}", kwargs={"comment_id": 4242424242}).replace(
        "4242424242", "{}"
    )


class Comment(AuthorFacets):
    consultation = models.ForeignKey(
        "consultation.Consultation", on_delete=models.PROTECT, related_name="comments"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.COMMENT)

    # Where a comment on the draft was made.
    section = models.ForeignKey(
        "pages.SectionPage",
        on_delete=models.PROTECT,
        related_name="consultation_comments",
        null=True,
        blank=True,
    )
    paragraph_id = models.CharField(
        max_length=64, blank=True, help_text="The paragraph block's UUID; blank for the section."
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="The live revision of the section when the comment was made.",
    )
    text_fingerprint = models.CharField(
        max_length=32,
        blank=True,
        help_text="Hash of the paragraph's (or section's) text when the comment was made.",
    )

    # Where a discussion post was made; a thread is a top-level post with a title.
    topic = models.ForeignKey(
        "consultation.Topic",
        on_delete=models.PROTECT,
        related_name="posts",
        null=True,
        blank=True,
    )
    title = models.CharField(max_length=150, blank=True)

    # Conversation: `root` is the top of the thread (null for top-level comments).
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="children", null=True, blank=True
    )
    root = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="thread_replies", null=True, blank=True
    )
    depth = models.PositiveSmallIntegerField(default=0)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="consultation_comments",
        null=True,
    )
    # The author facets (sector, region, organisation: AuthorFacets) are what the author's
    # profile said when they wrote it, filled by the services that write comments.
    # What the author typed (consultation.formatting.clean_text), and the HTML made from
    # it (formatting.to_html): the text is what the edit form, emails, search and synthesis
    # read; the HTML is what pages show. Both are written by the services, together.
    text = models.TextField(blank=True, help_text="What the author typed, cleaned.")
    body = models.TextField(help_text="Sanitised HTML (hub.core.sanitise LIGHT profile).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    status_reason = models.TextField(
        blank=True, help_text="The latest moderator's reason, shown to the author."
    )
    created_at = models.DateTimeField(db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the retention rule removed a withdrawn text."
    )
    # One key per form shown: a second submission of the same form finds the first comment.
    idempotency_key = models.CharField(max_length=64, blank=True)
    # What the audit log says happened to it (AuditEntry.objects.filter(comment=...) too).
    audit_entries = AuditedBy(related_query_name="comment")

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [
            ("moderate_comment", "Can moderate comments and discussion posts"),
            ("block_participant", "Can block and unblock participants"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="comment_posted_once_per_form",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="comment", section__isnull=False, topic__isnull=True)
                    | Q(kind="post", section__isnull=True, topic__isnull=False)
                ),
                name="comment_on_section_or_post_in_topic",
            ),
        ]
        indexes = [
            models.Index(
                fields=["section", "consultation", "paragraph_id", "status"],
                name="comment_section_paragraph",
            ),
            models.Index(fields=["status", "created_at"], name="comment_status_created"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"

    def get_absolute_url(self):
        return _url_pattern("comment").format(self.pk)

    @property
    def reply_url(self):
        return _url_pattern("reply").format(self.pk)

    @property
    def edit_url(self):
        return _url_pattern("edit").format(self.pk)

    @property
    def withdraw_url(self):
        return _url_pattern("withdraw").format(self.pk)

    @property
    def react_url(self):
        return _url_pattern("react").format(self.pk)

    @property
    def flag_url(self):
        return _url_pattern("flag").format(self.pk)

    @property
    def moderation_url(self):
        return _url_pattern("moderation_item").format(self.pk)

    @property
    def anchor(self):
        return f"comment-{self.pk}"

    @property
    def is_post(self):
        return self.kind == Kind.POST

    @property
    def noun(self):
        """ "comment", "reply" or "discussion post" (noun_of)."""
        return noun_of(self.kind, reply=self.is_reply)

    @property
    def is_reply(self):
        return self.parent_id is not None

    @property
    def thread_root_id(self):
        return self.root_id or self.pk


class CommentEdit(models.Model):
    """The text a comment had before an edit: kept for moderators and the audit trail."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="edits")
    title = models.CharField(max_length=150, blank=True)
    text = models.TextField(blank=True, help_text="What the author had typed.")
    body = models.TextField()
    written_at = models.DateTimeField(help_text="When this text was first saved.")
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["replaced_at", "pk"]

    def __str__(self):
        return f"Earlier text of {self.comment}"


class Reaction(models.Model):
    class Value(models.TextChoices):
        AGREE = "agree", "Agree"
        DISAGREE = "disagree", "Disagree"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultation_reactions"
    )
    value = models.CharField(max_length=8, choices=Value.choices)
    reacted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="one_reaction_per_person")
        ]

    def __str__(self):
        return f"{self.value} on {self.comment_id}"
