"""Wagtail's page_published signal, for the two announcements that follow a publish: a
new version of a section, and a progress update. The handlers are thin: they check that
the page really went live and hand it to a service once the publish has committed."""

from wagtail.signals import page_published

from consultation.notifications import services


def _went_live(instance, revision):
    # A publish scheduled for later also sends the signal, without making the page live.
    return instance.live and revision is not None and instance.live_revision_id == revision.pk


def on_section_published(sender, instance, revision=None, **kwargs):
    if _went_live(instance, revision):
        services.after_commit(services.section_published, instance, revision.pk)


def on_update_published(sender, instance, revision=None, **kwargs):
    if _went_live(instance, revision):
        services.after_commit(services.update_published, instance)


def connect():
    from hub.pages.models import SectionPage, UpdatePage

    page_published.connect(
        on_section_published, sender=SectionPage, dispatch_uid="notifications.section"
    )
    page_published.connect(
        on_update_published, sender=UpdatePage, dispatch_uid="notifications.update"
    )
