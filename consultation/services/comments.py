"""Writing comments and discussion posts: create, reply, edit (within the window, earlier
text kept), withdraw. Every function checks the rules again inside its transaction, so the
consultation's window is enforced on every write whatever the caller checked before.

The services own what is stored: `text` is what the person typed (a form, an import, a
questionnaire), kept cleaned (formatting.clean_text) beside the HTML made from it
(formatting.to_html); titles are cleaned with formatting.clean_title. Every change that
public pages show (or count) ends the anonymous page cache's generation (site_changed).
"""

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from consultation import anchoring, formatting, rules
from consultation.feedback import sync as feedback_sync
from consultation.models import AuditAction, Comment, CommentEdit, Flag, Kind, Status
from hub.core.audit import audit_record
from hub.core.page_cache import site_changed


class NotAllowed(Exception):
    """The action is not allowed (closed consultation, not the author, blocked...)."""


class InvalidTarget(Exception):
    """The paragraph, section or topic named is not part of the consultation."""


class NothingWritten(Exception):
    """What was typed has no visible words (forms say so before a service is asked)."""


def _words(text):
    """(text as kept, HTML made from it) for what a person typed; refuses empty words."""
    text = formatting.clean_text(text)
    body = formatting.to_html(text)
    if not body:
        raise NothingWritten("Write something first.")
    return text, body


def notify_after_commit(function_name, obj):
    """Hand `obj` to the notifications app once the write is committed."""
    from consultation.notifications import services as notifications

    transaction.on_commit(lambda: getattr(notifications, function_name)(obj))


def _initial_status(*, author, consultation):
    if consultation.is_premoderated and not rules.can_moderate(author):
        return Status.PENDING
    return Status.PUBLISHED


def _new_contribution(*, author, consultation, text, now, idempotency_key, key_parts, **place):
    """An unsaved contribution by `author` with what they typed (its text and its HTML),
    their facets now, the status the consultation's moderation gives it and its key."""
    text, body = _words(text)
    return Comment(
        consultation=consultation,
        author=author,
        **Comment.facets_of(author),
        text=text,
        body=body,
        status=_initial_status(author=author, consultation=consultation),
        created_at=now,
        idempotency_key=_key(idempotency_key, *key_parts, text),
        **place,
    )


def _key(idempotency_key, *parts):
    """The form's key, or (for callers without one) a key derived from the content."""
    if idempotency_key:
        return idempotency_key[:64]
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f"content:{digest[:48]}"


def _insert_once(comment):
    """Insert `comment` and its feedback item; if this person already sent the same form,
    return that one. Returns (comment, created). The unique constraint decides, not a
    prior look-up."""
    try:
        with transaction.atomic():
            comment.save(force_insert=True)
            feedback_sync.comment_created(comment)
    except IntegrityError:
        existing = Comment.objects.filter(
            author=comment.author, idempotency_key=comment.idempotency_key
        ).first()
        if existing is None:
            raise
        return existing, False
    site_changed()
    return comment, True


def comment_create(
    *,
    author,
    consultation,
    section,
    paragraph_id,
    text,
    idempotency_key="",
    now=None,
    revision=None,
):
    """A top-level comment on a section (paragraph_id blank) or one of its paragraphs.

    `revision` defaults to the section's live revision; the demo and imports pass an
    earlier one to record comments made on an earlier version."""
    now = now or timezone.now()
    if not rules.can_contribute(author, consultation, now):
        raise NotAllowed("You cannot comment on this consultation.")
    if not consultation.sections.filter(pk=section.pk).exists():
        raise InvalidTarget("This section is not part of the consultation.")
    page = revision.as_object() if revision else section
    marks = anchoring.fingerprints(page)
    if paragraph_id not in marks:
        raise InvalidTarget("That paragraph is not in the current draft.")
    comment = _new_contribution(
        author=author,
        consultation=consultation,
        text=text,
        now=now,
        idempotency_key=idempotency_key,
        key_parts=("comment", section.pk, paragraph_id),
        kind=Kind.COMMENT,
        section=section,
        paragraph_id=paragraph_id,
        revision_id=revision.pk if revision else section.live_revision_id,
        text_fingerprint=marks[paragraph_id],
    )
    return _insert_once(comment)


def thread_create(*, author, topic, title, text, idempotency_key="", now=None):
    """Start a discussion thread: a top-level post with a title."""
    now = now or timezone.now()
    consultation = topic.consultation
    if not rules.can_start_thread(author, consultation, now):
        raise NotAllowed("You cannot start a discussion in this consultation.")
    title = formatting.clean_title(title)
    if not title:
        raise NothingWritten("Give the discussion a title.")
    post = _new_contribution(
        author=author,
        consultation=consultation,
        text=text,
        now=now,
        idempotency_key=idempotency_key,
        key_parts=("thread", topic.pk, title),
        kind=Kind.POST,
        topic=topic,
        title=title,
    )
    return _insert_once(post)


def reply_create(*, author, parent, text, idempotency_key="", now=None, notify=True):
    """A reply to a comment or post, in the same place and thread as its parent. The
    parent's author is told (unless `notify` is false, as when loading demo content)."""
    now = now or timezone.now()
    if not rules.can_reply(author, parent, now):
        raise NotAllowed("You cannot reply to this.")
    section = parent.section
    revision_id, fingerprint = parent.revision_id, parent.text_fingerprint
    if section is not None:
        revision_id = section.live_revision_id
        fingerprint = anchoring.fingerprints(section).get(parent.paragraph_id, "")
    reply = _new_contribution(
        author=author,
        consultation=parent.consultation,
        text=text,
        now=now,
        idempotency_key=idempotency_key,
        key_parts=("reply", parent.pk),
        kind=parent.kind,
        section=section,
        paragraph_id=parent.paragraph_id,
        revision_id=revision_id,
        text_fingerprint=fingerprint,
        topic_id=parent.topic_id,
        parent=parent,
        root_id=parent.thread_root_id,
        depth=parent.depth + 1,
    )
    reply, created = _insert_once(reply)
    if created and notify and reply.status == Status.PUBLISHED:
        notify_after_commit("notify_reply", reply)
    return reply, created


@transaction.atomic
def comment_edit(*, author, comment, text, title=None, now=None):
    """Change one's own words within the edit window; the earlier text is kept. Under
    pre-moderation an edited contribution waits for a moderator again."""
    now = now or timezone.now()
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    if not rules.can_edit(author, comment, now):
        raise NotAllowed("This can no longer be edited.")
    text, body = _words(text)
    new_title = comment.title if title is None else formatting.clean_title(title)
    if not new_title and comment.title:
        raise NothingWritten("Give the discussion a title.")
    if text == comment.text and body == comment.body and new_title == comment.title:
        return comment
    CommentEdit.objects.create(
        comment=comment,
        title=comment.title,
        text=comment.text,
        body=comment.body,
        written_at=comment.edited_at or comment.created_at,
        replaced_at=now,
    )
    comment.text = text
    comment.body = body
    comment.title = new_title
    comment.edited_at = now
    if (
        comment.status == Status.PUBLISHED
        and _initial_status(author=author, consultation=comment.consultation) == Status.PENDING
    ):
        comment.status = Status.PENDING
    comment.save(update_fields=["text", "body", "title", "edited_at", "status"])
    feedback_sync.comment_saved(comment)
    audit_record(actor=author, action=AuditAction.EDIT, target=comment, subject=author)
    site_changed()
    return comment


@transaction.atomic
def comment_withdraw(*, author, comment, now=None):
    """Take one's words back: shown as withdrawn, kept for the audit trail until the
    retention rule removes them. Returns (comment, withdrawn now); withdrawing what its
    author already withdrew (a second click, two requests at once) changes nothing."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status == Status.WITHDRAWN and rules.is_author(author, comment):
        return comment, False
    if not rules.can_withdraw(author, comment):
        raise NotAllowed("This cannot be withdrawn.")
    comment.status = Status.WITHDRAWN
    comment.withdrawn_at = now or timezone.now()
    comment.save(update_fields=["status", "withdrawn_at"])
    feedback_sync.comment_saved(comment)
    withdrawal = audit_record(
        actor=author, action=AuditAction.WITHDRAW, target=comment, subject=author
    )
    # Reports on withdrawn words have nothing left for a moderator to decide.
    Flag.objects.resolve(comment=comment, resolution=withdrawal, when=comment.withdrawn_at)
    site_changed()
    return comment, True
