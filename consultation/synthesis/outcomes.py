"""Writing side of what the working group makes public: pinning quotes to themes, writing
responses ("what we heard, what we changed"), and an editor publishing them.

Every function re-checks its rule inside its transaction, writes the audit log, and
raises ValidationError (a message for the person) or PermissionDenied before anything is
written. Publishing makes the public pages that show responses stale (the outcome page,
the section's page: hub.core.page_cache.site_changed) and emails, once, everyone who
commented on the response's section and asked to be told (consultation.notifications).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from consultation import formatting
from consultation.notifications import services as notifications
from consultation.selectors.dashboard import quotable_items
from consultation.synthesis.models import PinnedQuote, SynthesisResponse
from hub.accounts.rules import is_editor, is_working_group
from hub.core.audit import audit_record
from hub.core.page_cache import site_changed
from hub.pages.versions import published_versions

MAX_RESPONSE_LENGTH = 10_000


def _require(rule, user):
    if user is None or not rule(user):
        raise PermissionDenied


@transaction.atomic
def quote_pin(*, actor, theme, item, confirmed):
    """Pin `item` to `theme` as a representative quote. The analyst confirms the words are
    published and say nothing of who wrote them; the item must also be one the site
    publishes (dashboard.quotable_items), of the theme's consultation."""
    _require(is_working_group, actor)
    if not confirmed:
        raise ValidationError(
            "Confirm that the text is published and says nothing that identifies its author."
        )
    if item.consultation_id != theme.consultation_id:
        raise ValidationError("Choose a theme of this item's consultation.")
    if not quotable_items().filter(pk=item.pk).exists():
        raise ValidationError(
            "Only published comments, replies and posts of a consultation with public "
            "comments, on a section open to everyone, can be quoted."
        )
    quote, created = PinnedQuote.objects.get_or_create(
        theme=theme, item=item, defaults={"pinned_by": actor, "pinned_at": timezone.now()}
    )
    if not created:
        raise ValidationError(f"This item is already a quote for “{theme}”.")
    audit_record(
        actor=actor,
        action="quote_pinned",
        target=quote,
        data={"theme": theme.pk, "item": item.pk},
    )
    site_changed()  # the outcome page shows pinned quotes
    return quote


@transaction.atomic
def quote_unpin(*, actor, quote):
    _require(is_working_group, actor)
    audit_record(
        actor=actor,
        action="quote_unpinned",
        target=quote.theme,
        data={"theme": quote.theme_id, "item": quote.item_id},
    )
    quote.delete()
    site_changed()


def dashboard_download_record(*, user, consultation, table):
    """A table of the dashboard was downloaded (counts, or the pinned quotes' words)."""
    audit_record(
        actor=user, action="dashboard_downloaded", target=consultation, data={"table": table}
    )


def _checked_version(section, changed_version):
    if changed_version is None:
        return None
    if section is None:
        raise ValidationError("Choose the section whose version changed.")
    numbers = {version.number for version in published_versions(section)}
    if changed_version not in numbers:
        raise ValidationError(f"“{section.title}” has no published version {changed_version}.")
    return changed_version


def _checked_words(heard, changed):
    heard, changed = formatting.clean_text(heard or ""), formatting.clean_text(changed or "")
    if not heard:
        raise ValidationError("Enter what you heard.")
    for words in (heard, changed):
        if len(words) > MAX_RESPONSE_LENGTH:
            raise ValidationError(
                f"Each part of a response must be {MAX_RESPONSE_LENGTH:,} characters or fewer."
            )
    return heard, changed


@transaction.atomic
def response_save(
    *, actor, consultation, heard, changed="", theme=None, section=None, changed_version=None,
    response=None,
):  # fmt: skip
    """Write a response about `theme` (optionally naming the `section` that changed) or
    about `section`, or change `response`. A published response that is changed goes back
    to being a draft until an editor publishes it again."""
    _require(is_working_group, actor)
    heard, changed = _checked_words(heard, changed)
    if theme is None and section is None:
        raise ValidationError("Choose a theme or a section to respond about.")
    if theme is not None and theme.consultation_id != consultation.pk:
        raise ValidationError("Choose a theme of this consultation's codebook.")
    if section is not None and not consultation.sections.filter(pk=section.pk).exists():
        raise ValidationError("Choose a section this consultation covers.")
    changed_version = _checked_version(section, changed_version)
    if response is None:
        response = SynthesisResponse(consultation=consultation, written_by=actor)
    else:
        response = SynthesisResponse.objects.select_for_update().get(pk=response.pk)
    was_published = response.is_published
    response.theme, response.section, response.changed_version = theme, section, changed_version
    response.heard_text, response.heard_body = heard, formatting.to_html(heard)
    response.changed_text, response.changed_body = changed, formatting.to_html(changed)
    response.published_at = response.published_by = None
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        raise ValidationError(
            "There is already a response about this theme or section: change that one."
        ) from None
    audit_record(
        actor=actor,
        action="response_saved",
        target=response,
        data={"theme": response.theme_id, "section": response.section_id},
    )
    if was_published:
        site_changed()
    return response


@transaction.atomic
def response_publish(*, actor, response):
    """An editor publishes `response` on the public site. Those who commented on its
    section and take these emails are told once (a mailing keyed by the response: a
    response published again after a change is not sent again)."""
    _require(is_editor, actor)
    response = SynthesisResponse.objects.select_for_update().get(pk=response.pk)
    if response.is_published:
        raise ValidationError("This response is already published.")
    response.published_at = timezone.now()
    response.published_by = actor
    response.save(update_fields=["published_at", "published_by", "updated_at"])
    audit_record(
        actor=actor,
        action="response_published",
        target=response,
        data={"theme": response.theme_id, "section": response.section_id},
    )
    site_changed()
    if response.section_id is not None:
        notifications.notify_synthesis_response(response)
    return response


@transaction.atomic
def response_unpublish(*, actor, response):
    """An editor takes a response off the public site (it becomes a draft again)."""
    _require(is_editor, actor)
    response = SynthesisResponse.objects.select_for_update().get(pk=response.pk)
    if not response.is_published:
        raise ValidationError("This response is not published.")
    response.published_at = response.published_by = None
    response.save(update_fields=["published_at", "published_by", "updated_at"])
    audit_record(actor=actor, action="response_unpublished", target=response)
    site_changed()
    return response
