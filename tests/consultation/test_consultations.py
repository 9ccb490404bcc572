"""Consultations: managed by editors in the Wagtail admin, listed with their deadlines on
the home page, the get-involved page and the consultations index."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultation.models import Consultation
from consultation.templatetags.consultation_tags import deadline_phrase
from tests.support.consultation_factories import ConsultationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

ADMIN_URL = "/admin/snippets/consultation/consultation/"


def admin_form(section, **overrides):
    opens = timezone.localtime() - datetime.timedelta(hours=1)
    closes = opens + datetime.timedelta(days=30)
    data = {
        "title": "Consultation on the draft",
        "slug": "on-the-draft",
        "summary": "Tell us what you think.",
        "opens_at": opens.strftime("%Y-%m-%d %H:%M"),
        "closes_at": closes.strftime("%Y-%m-%d %H:%M"),
        "sections": [section.pk],
        "moderation": "pre",
        "comments_public": "on",
        "topics-TOTAL_FORMS": "1",
        "topics-INITIAL_FORMS": "0",
        "topics-MIN_NUM_FORMS": "0",
        "topics-MAX_NUM_FORMS": "1000",
        "topics-0-title": "Data",
        "topics-0-description": "About data.",
        "topics-0-ORDER": "1",
        "topics-0-id": "",
        "topics-0-DELETE": "",
    }
    data.update(overrides)
    return data


def test_editor_creates_a_consultation_in_the_admin(client, section, editor):
    client.force_login(editor)
    assert client.get(ADMIN_URL).status_code == 200
    assert client.get(f"{ADMIN_URL}add/").status_code == 200
    response = client.post(f"{ADMIN_URL}add/", admin_form(section))
    assert response.status_code == 302, response.content.decode()[-3000:]
    consultation = Consultation.objects.get()
    assert list(consultation.sections.all()) == [section]
    assert consultation.is_premoderated and consultation.comments_public
    assert [topic.title for topic in consultation.topics.all()] == ["Data"]
    assert consultation.is_open()
    listing = client.get(ADMIN_URL).content.decode()
    assert "Consultation on the draft" in listing and "Open" in listing


def test_admin_refuses_a_window_that_closes_before_it_opens(client, section, editor):
    client.force_login(editor)
    data = admin_form(section, closes_at="2020-01-01 10:00")
    response = client.post(f"{ADMIN_URL}add/", data)
    assert response.status_code == 200
    assert "The closing time must be after the opening time." in response.content.decode()
    assert not Consultation.objects.exists()


def test_reserved_slugs_are_refused():
    consultation = ConsultationFactory.build(slug="moderation")
    with pytest.raises(ValidationError) as error:
        consultation.full_clean()
    assert "slug" in error.value.message_dict


def test_stakeholders_and_moderators_cannot_manage_consultations(client, stakeholder, moderator):
    client.force_login(stakeholder)
    assert client.get(ADMIN_URL).status_code in (302, 403)
    client.force_login(moderator)
    assert client.get(f"{ADMIN_URL}add/").status_code in (302, 403)


@pytest.mark.parametrize(
    ("delta", "phrase"),
    [
        (datetime.timedelta(days=5, hours=3), "closes in 5 days"),
        (datetime.timedelta(days=1, hours=2), "closes tomorrow"),
        (datetime.timedelta(hours=5, minutes=10), "closes in 5 hours"),
        (datetime.timedelta(minutes=20), "closes in 20 minutes"),
    ],
)
def test_deadline_in_words(delta, phrase):
    now = timezone.now()
    consultation = Consultation(opens_at=now - datetime.timedelta(days=1), closes_at=now + delta)
    assert deadline_phrase(consultation, now) == phrase


def test_open_consultations_are_listed_with_deadlines(client, site_tree, section):
    now = timezone.now()
    later = ConsultationFactory(
        title="Closes later", closes_at=now + datetime.timedelta(days=20, hours=1)
    )
    sooner = ConsultationFactory(
        title="Closes sooner", closes_at=now + datetime.timedelta(days=5, hours=1)
    )
    ConsultationFactory(
        title="Closed one",
        opens_at=now - datetime.timedelta(days=9),
        closes_at=now - datetime.timedelta(days=1),
    )
    ConsultationFactory(
        title="Not yet",
        opens_at=now + datetime.timedelta(days=2),
        closes_at=now + datetime.timedelta(days=9),
    )
    for url in ("/", site_tree["get_involved"].url):
        html = client.get(url).content.decode()
        assert html.index("Closes sooner") < html.index("Closes later")
        assert "Closed one" not in html and "Not yet" not in html
        assert "Closes in 5 days" in html
        assert timezone.localtime(sooner.closes_at).strftime("%-d %B %Y") in html
        assert f'href="{later.get_absolute_url()}"' in html

    index = client.get("/consultation/").content.decode()
    for title in ("Closes sooner", "Closes later", "Closed one", "Not yet"):
        assert title in index
    assert "Coming soon" in index and "Closed" in index


def test_consultation_page_lists_sections_with_counts(client, section, consultation, topic):
    from tests.support.consultation_factories import comment_on

    comment_on(section, consultation=consultation)
    html = client.get(consultation.get_absolute_url()).content.decode()
    assert section.title in html and "(1 comment)" in html
    assert "closes in" in html and topic.title in html
    assert client.get("/consultation/no-such-thing/").status_code == 404


def test_consultation_with_comments_cannot_be_deleted(client, section, consultation, editor):
    from tests.support.consultation_factories import comment_on

    comment_on(section, consultation=consultation)
    client.force_login(editor)
    url = f"{ADMIN_URL}delete/{consultation.pk}/"
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN_URL}edit/{consultation.pk}/"
    assert Consultation.objects.filter(pk=consultation.pk).exists()
    page = client.get(response["Location"]).content.decode()
    assert "cannot be deleted" in page

    empty = ConsultationFactory()
    assert client.post(f"{ADMIN_URL}delete/{empty.pk}/").status_code == 302
    assert not Consultation.objects.filter(pk=empty.pk).exists()


def test_topic_with_posts_cannot_be_removed_in_the_admin(client, section, consultation, editor):
    from tests.support.consultation_factories import TopicFactory, post_in

    topic = TopicFactory(consultation=consultation, title="Busy topic")
    post_in(topic)
    client.force_login(editor)
    data = admin_form(
        section,
        title=consultation.title,
        slug=consultation.slug,
        **{
            "topics-INITIAL_FORMS": "1",
            "topics-0-id": str(topic.pk),
            "topics-0-title": topic.title,
            "topics-0-DELETE": "on",
        },
    )
    response = client.post(f"{ADMIN_URL}edit/{consultation.pk}/", data)
    assert response.status_code == 200
    assert "has discussion posts, so it cannot be removed" in response.content.decode()
    assert topic.__class__.objects.filter(pk=topic.pk).exists()


def test_section_with_comments_cannot_be_deleted(client, section, consultation):
    from hub.pages.models import SectionPage
    from tests.support.consultation_factories import comment_on
    from tests.support.factories import ProfileFactory, with_mfa

    comment_on(section, consultation=consultation)
    admin = ProfileFactory(user__is_superuser=True, user__is_staff=True).user
    client.force_login(with_mfa(admin))
    for page in (section, section.get_parent()):
        response = client.post(f"/admin/pages/{page.pk}/delete/")
        assert response.status_code == 302
        assert response["Location"] == f"/admin/pages/{page.pk}/edit/"
    assert SectionPage.objects.filter(pk=section.pk).exists()
