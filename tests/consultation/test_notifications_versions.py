"""Email to everyone who commented on a section when a new version of it is published
(Wagtail's page_published, after the publish commits), and only when its text changed."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import PageViewRestriction

from consultation.models import Status
from consultation.notifications import services, tasks
from consultation.notifications.models import Mailing, Preferences
from tests.support import factories
from tests.support.consultation_factories import comment_on
from tests.support.notification_factories import parts, unsubscribe_path
from tests.support.pages import at_public_address, publish

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


def change_first_paragraph(section, text):
    """Edit the text of the first paragraph, keeping its id, as an editor does."""
    blocks = [dict(block) for block in section.body.raw_data]
    blocks[0]["value"] = f"<p>{text}</p>"
    section.body = blocks


@pytest.fixture
def commenters(section, consultation, stakeholder, other_stakeholder):
    """Who commented on the section: two people who hear about new versions, and three
    who do not (switched off, account closed, only a withdrawn comment)."""
    first = comment_on(section, consultation=consultation, author=stakeholder)
    comment_on(section, consultation=consultation, author=stakeholder)  # a second comment
    comment_on(section, consultation=consultation, author=other_stakeholder, parent=first)
    switched_off = factories.ProfileFactory().user
    Preferences.objects.create(user=switched_off, new_versions=False)
    comment_on(section, consultation=consultation, author=switched_off)
    closed = factories.ProfileFactory().user
    comment_on(section, consultation=consultation, author=closed)
    closed.is_active = False
    closed.save()
    withdrawn = factories.ProfileFactory().user
    comment_on(section, consultation=consultation, author=withdrawn, status=Status.WITHDRAWN)
    return [stakeholder, other_stakeholder]


def test_a_new_version_is_announced_to_its_commenters(
    section, commenters, django_capture_on_commit_callbacks
):
    change_first_paragraph(section, "A rewritten first paragraph.")
    with django_capture_on_commit_callbacks(execute=True):
        publish(section)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in commenters)
    message = mail.outbox[0]
    assert message.subject == "[AI strategy hub] Version 2 of Ambition one is published"
    text, html = parts(message)
    assert f"{section.full_url}versions/compare/?from_version=1&to_version=2" in text
    assert section.full_url in html
    assert unsubscribe_path(message).startswith("/notifications/unsubscribe/new_versions/")
    assert Mailing.objects.get().sent == 2


def test_every_link_in_the_new_version_email_is_at_the_public_address(
    section, commenters, django_capture_on_commit_callbacks
):
    address = "https://consult.example.net:8443"
    change_first_paragraph(section, "A rewritten first paragraph.")
    with at_public_address(address), django_capture_on_commit_callbacks(execute=True):
        publish(section)
    message = mail.outbox[0]
    text, html = parts(message)
    path = section.url
    assert f"Read the section: {address}{path}" in text
    assert f"{address}{path}versions/compare/?from_version=1&to_version=2" in text
    assert f'href="{address}{path}versions/compare/?from_version=1&amp;to_version=2"' in html
    links = re.findall(r"https?://[^\s\"<>]+", text + html)
    links.append(message.extra_headers["List-Unsubscribe"].strip("<>"))
    assert len(links) >= 6
    assert all(link == address or link.startswith(f"{address}/") for link in links), links


def test_the_new_version_email_gives_the_editors_change_note(
    section, commenters, django_capture_on_commit_callbacks
):
    change_first_paragraph(section, "A rewritten first paragraph.")
    section.change_note = "Reworded the first paragraph after the clinicians' comments."
    with django_capture_on_commit_callbacks(execute=True):
        publish(section)
    text, html = parts(mail.outbox[0])
    assert (
        "What changed, from the editors: Reworded the first paragraph after the clinicians' "
        "comments." in text
    )
    assert "Reworded the first paragraph after the clinicians&#x27; comments." in html


def test_a_publish_without_a_change_to_the_text_sends_nothing(
    section, commenters, django_capture_on_commit_callbacks
):
    section.title = "Ambition one, renamed"
    section.summary = "A new summary."
    with django_capture_on_commit_callbacks(execute=True):
        publish(section)
    assert mail.outbox == []
    assert not Mailing.objects.exists()


def test_a_version_is_announced_once(section, commenters, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_new_section_version(section, 2)
        services.notify_new_section_version(section, 2)
    assert len(mail.outbox) == 2


def test_the_version_number_when_the_publish_is_not_logged_yet(
    section, commenters, django_capture_on_commit_callbacks
):
    # Outside a transaction (a management command publishing on schedule) the service
    # runs before Wagtail writes the publish to its log: the revision is the next version.
    change_first_paragraph(section, "Rewritten again.")
    revision = section.save_revision()
    with django_capture_on_commit_callbacks(execute=True):
        services.section_published(section, revision.pk)
    assert {m.subject for m in mail.outbox} == {
        "[AI strategy hub] Version 2 of Ambition one is published"
    }


def test_the_first_publish_of_a_section_sends_nothing(
    site_tree, django_capture_on_commit_callbacks
):
    section = factories.SectionPageFactory(parent=site_tree["strategy"], live=False)
    with django_capture_on_commit_callbacks(execute=True):
        publish(section)
    assert mail.outbox == []


def test_a_publish_scheduled_for_later_sends_nothing_yet(
    section, commenters, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    change_first_paragraph(section, "Coming next week.")
    section.go_live_at = timezone.now() + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        publish(section)
    assert mail.outbox == []


def test_new_version_emails_ask_a_fixed_number_of_queries_per_batch(
    section, consultation, settings, django_assert_max_num_queries
):
    settings.NOTIFICATIONS_BATCH_SIZE = 10
    for _ in range(25):
        comment_on(section, consultation=consultation)
    mailing = Mailing.objects.create(key="test")
    # Section (and its site, for links), its view restrictions, mailing, then per batch
    # one query for the people and one for progress.
    with django_assert_max_num_queries(7 + 2 * 3):
        result = tasks.send_section_version_notifications.call(
            mailing_id=mailing.pk, section_id=section.pk, version_number=2
        )
    assert result == {"sent": 25}
    assert len({m.to[0] for m in mail.outbox}) == 25


def restrict(page, kind, *, groups=(), password=""):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=kind, password=password
    )
    restriction.groups.set(groups)
    return restriction


def test_a_section_behind_a_password_is_announced_to_nobody(
    section, commenters, django_capture_on_commit_callbacks
):
    # The password opens the page for one browser session; an email is read outside it.
    restrict(section.get_parent(), PageViewRestriction.PASSWORD, password="a-shared-secret")
    change_first_paragraph(section, "A rewritten first paragraph.")
    with django_capture_on_commit_callbacks(execute=True):
        publish(section)
    assert mail.outbox == []


def test_a_section_for_some_groups_is_announced_to_their_members_only(
    section, commenters, django_capture_on_commit_callbacks
):
    members = Group.objects.create(name="Clinical reviewers")
    commenters[0].groups.add(members)
    restrict(section, PageViewRestriction.GROUPS, groups=[members])
    change_first_paragraph(section, "A rewritten first paragraph.")
    with django_capture_on_commit_callbacks(execute=True):
        publish(section)
    assert [m.to[0] for m in mail.outbox] == [commenters[0].email]


def test_a_section_for_signed_in_people_is_announced_as_before(
    section, commenters, django_capture_on_commit_callbacks
):
    restrict(section, PageViewRestriction.LOGIN)
    change_first_paragraph(section, "A rewritten first paragraph.")
    with django_capture_on_commit_callbacks(execute=True):
        publish(section)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in commenters)
