"""Wagtail's page_published signal, which every publish sends (the admin, workflows,
scheduled publishing, code): a section revision that goes live becomes a version."""

from wagtail.signals import page_published

from hub.pages import versions


def on_section_published(sender, instance, revision=None, **kwargs):
    # A publish scheduled for later also sends the signal, without making the page live.
    if instance.live and revision is not None and instance.live_revision_id == revision.pk:
        versions.version_record(page=instance, revision=revision)


def connect():
    from hub.pages.models import SectionPage

    page_published.connect(
        on_section_published, sender=SectionPage, dispatch_uid="pages.section_version"
    )
