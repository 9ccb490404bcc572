"""factory_boy factories for every page type and the models tests need."""

import factory
import wagtail_factories
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from hub.accounts.models import Profile, Region, Sector, User
from hub.pages import models as pages

# The password of every account the factories make.
PASSWORD = "a-long-test-password"


def paragraph_stream(*texts):
    """Raw StreamField data: one paragraph block per text."""
    return [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in texts]


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    is_active = True

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Users are created with a verified primary email unless verified=False."""
        if not create or extracted is False:
            return
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=self, email=self.email, defaults={"verified": True, "primary": True}
        )
        self.save()


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    display_name = factory.Faker("name")
    organisation = "Example Trust"
    sector = Sector.CLINICIAN
    region = Region.LONDON
    show_name = True
    completed_at = factory.LazyFunction(timezone.now)


def with_mfa(user):
    """`user` with an authenticator app, as staff areas require."""
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def in_group(user, name):
    user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = pages.HomePage

    title = "AI in health and care strategy"
    intro = "Help shape the national strategy."


class StrategyPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = pages.StrategyPage

    title = "Draft strategy"
    summary = "The draft strategy, section by section."


class SectionPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = pages.SectionPage

    title = factory.Sequence(lambda n: f"Section {n}")
    summary = "What this section is about."
    body = factory.LazyFunction(lambda: paragraph_stream("First paragraph.", "Second paragraph."))


class UpdateIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = pages.UpdateIndexPage

    title = "Updates"
    intro = "Progress on the strategy."


class UpdatePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = pages.UpdatePage

    title = factory.Sequence(lambda n: f"Update {n}")
    summary = "What happened."
    body = factory.LazyFunction(lambda: paragraph_stream("Body of the update."))


class TimelinePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = pages.TimelinePage

    title = "Timeline"


class PhaseFactory(DjangoModelFactory):
    class Meta:
        model = pages.Phase

    page = factory.SubFactory(TimelinePageFactory)
    kind = "research"
    title = "Research"
    summary = "Understanding the landscape."
    is_current = False


class WorkingGroupPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = pages.WorkingGroupPage

    title = "Working group"
    intro = "<p>Who guides the strategy.</p>"


class WorkingGroupMemberFactory(DjangoModelFactory):
    class Meta:
        model = pages.WorkingGroupMember

    name = factory.Sequence(lambda n: f"Member {n}")
    role = "Member"
    organisation = "Example organisation"
    bio = "A short biography."


class GetInvolvedPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = pages.GetInvolvedPage

    title = "Get involved"
    intro = "How to take part."


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = pages.StandardPage

    title = factory.Sequence(lambda n: f"Standard page {n}")
    intro = "About this site."
    body = factory.LazyFunction(lambda: paragraph_stream("Some text."))


# Every page model of the public site and the factory that makes it; a test fails when a
# page model has none, so new page types come with a factory.
PAGE_FACTORIES = {
    pages.HomePage: HomePageFactory,
    pages.StrategyPage: StrategyPageFactory,
    pages.SectionPage: SectionPageFactory,
    pages.UpdateIndexPage: UpdateIndexPageFactory,
    pages.UpdatePage: UpdatePageFactory,
    pages.TimelinePage: TimelinePageFactory,
    pages.WorkingGroupPage: WorkingGroupPageFactory,
    pages.GetInvolvedPage: GetInvolvedPageFactory,
    pages.StandardPage: StandardPageFactory,
}
