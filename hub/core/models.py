"""The audit log: one append-only record of who did what to which object, when and why.

An entry can point at any object (a comment today; a feedback item, a theme, an import or an
export tomorrow) through a generic `target`; `subject` is the person concerned (the author of
the comment, a blocked participant). Each app declares its own actions (short strings, as
TextChoices in its own module) and writes entries with `hub.core.audit.audit_record`.
Entries are written once and never changed or removed: the model refuses, and a model that
reads its entries through `AuditedBy` cannot be deleted while it has any."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.deletion import ProtectedError
from django.utils import timezone

APPEND_ONLY = "The audit log is append-only."


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(APPEND_ONLY)

    def delete(self):
        raise TypeError(APPEND_ONLY)

    def about(self, target):
        """The entries whose target is `target`."""
        return self.filter(
            target_type=ContentType.objects.get_for_model(target), target_id=target.pk
        )


class AuditEntry(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who did it; empty for the system (a retention rule, an import).",
    )
    action = models.CharField(
        max_length=32, help_text="What was done, in the words of the app that did it."
    )
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The person concerned (the author of what it is about, a blocked person).",
    )
    reason = models.TextField(blank=True)
    data = models.JSONField(
        default=dict,
        blank=True,
        help_text="What else explains the entry, e.g. the search that chose a bulk action's items.",
    )
    # Not auto_now_add: entries moved from an earlier log keep the time they were written.
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self):
        return f"{self.action} ({self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        # A guard, not business logic: entries are written once and never changed.
        if not self._state.adding:
            raise TypeError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(APPEND_ONLY)


class AuditedBy(GenericRelation):
    """The audit entries about a model's rows (`comment.audit_entries.all()`), and a guard:
    deleting a row that has entries raises ProtectedError, as a foreign key with PROTECT
    would, instead of taking its entries with it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("content_type_field", "target_type")
        kwargs.setdefault("object_id_field", "target_id")
        super().__init__("core.AuditEntry", **kwargs)

    def deconstruct(self):
        name, path, _args, kwargs = super().deconstruct()
        kwargs.pop("to", None)
        return name, path, [], kwargs

    def bulk_related_objects(self, objs, using="default"):
        entries = super().bulk_related_objects(objs, using)
        if entries.exists():
            raise ProtectedError(
                "These rows have audit entries, and the audit log keeps what it is about.",
                set(entries),
            )
        return entries
