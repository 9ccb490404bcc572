"""Wagtail's page signals, which every publish sends (the admin, workflows, scheduled
publishing, code): a section revision that goes live becomes a version; and any change to
the page tree that readers could see (published, unpublished, moved, deleted, saved, a
view restriction, the site record, a phase, a library resource) starts a new generation
of the page cache (hub.core.page_cache)."""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from hub.core.page_cache import site_changed
from hub.pages import versions


def on_section_published(sender, instance, revision=None, **kwargs):
    # A publish scheduled for later also sends the signal, without making the page live.
    if instance.live and revision is not None and instance.live_revision_id == revision.pk:
        versions.version_record(page=instance, revision=revision)


def on_tree_changed(sender, instance=None, **kwargs):
    # post_save and post_delete come from every model: only the page tree and what pages
    # show (PAGE_CACHE_INVALIDATING_APPS: pages, sites, view restrictions, phases, the
    # library...) matter here.
    if instance is None or instance._meta.app_label in settings.PAGE_CACHE_INVALIDATING_APPS:
        site_changed()


def connect():
    from wagtail.models import PageViewRestriction

    from hub.pages.models import SectionPage

    changes = {
        "published": page_published,
        "unpublished": page_unpublished,
        "moved": post_page_move,
        "saved": post_save,
        "deleted": post_delete,
    }
    for name, signal in changes.items():
        signal.connect(on_tree_changed, dispatch_uid=f"pages.page_cache.{name}")

    # A restriction's groups change without saving the restriction.
    m2m_changed.connect(
        on_tree_changed,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="pages.page_cache.restriction_groups",
    )
    page_published.connect(
        on_section_published, sender=SectionPage, dispatch_uid="pages.section_version"
    )
