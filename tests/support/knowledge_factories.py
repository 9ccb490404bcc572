"""Factories for the knowledge library's pages."""

import factory
import wagtail_factories

from knowledge.models import LibraryPage, ResourcePage, ResourceSection, ResourceType


class DocumentFactory(wagtail_factories.DocumentFactory):
    """A Wagtail document (the file is kept in the test settings' in-memory storage)."""

    title = factory.Sequence(lambda n: f"Document {n}")


class LibraryPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LibraryPage

    title = "Knowledge library"
    slug = "library"
    intro = "Papers, reports, videos, datasets and links behind the strategy."
    # No show_in_menus here: the library's own default puts it in the navigation.


class ResourcePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ResourcePage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Resource {n}")
    resource_type = ResourceType.REPORT
    summary = "What this resource says."
    publisher = "Example publisher"
    external_url = factory.Sequence(lambda n: f"https://example.org/resources/{n}")

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        """topics=["Imaging", ...] tags the resource (saved with its tags)."""
        if create and extracted:
            self.tags.add(*extracted)
            self.save()

    @factory.post_generation
    def sections(self, create, extracted, **kwargs):
        """sections=[section, ...] links the resource to strategy sections as evidence."""
        if create and extracted:
            for order, section in enumerate(extracted):
                ResourceSection.objects.create(resource=self, section=section, sort_order=order)
