"""The published versions of each section: one row per revision that went live.

Readers cite versions, comments are made on them and the compare page diffs them, so the
revisions behind them must outlive Wagtail's `purge_revisions`, which deletes every revision
that is not the latest unless deleting it raises ProtectedError. The foreign key to the
revision raises it, except when the section itself is being deleted: then its versions go
with it, as its revisions do. Each keeps the change note its revision carried (see
SectionPage.change_note)."""

from django.db import models
from django.db.models.deletion import CASCADE, PROTECT
from wagtail.models import Page


def protect_unless_page_deleted(collector, field, sub_objs, using):
    """on_delete for a version's revision: PROTECT, unless the section is deleted too."""
    deleted_pages = [page.pk for page in collector.data.get(Page, ())]
    kept = sub_objs.exclude(page_id__in=deleted_pages)
    if kept.exists():
        PROTECT(collector, field, kept, using)  # raises ProtectedError
    CASCADE(collector, field, sub_objs, using)


class PublishedVersion(models.Model):
    page = models.ForeignKey("pages.SectionPage", on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=protect_unless_page_deleted, related_name="+"
    )
    published_at = models.DateTimeField()
    change_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="What changed in this version and why, as the editor put it when publishing.",
    )

    class Meta:
        ordering = ["published_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["page", "revision"], name="one_version_per_revision")
        ]

    def __str__(self):
        return f"{self.page_id} published {self.published_at:%Y-%m-%d %H:%M}"
