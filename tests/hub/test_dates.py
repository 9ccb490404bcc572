"""One way of writing dates for people ("9 November 2026", "9 November 2026, 2:05pm", no
leading zero, no abbreviated months) on every page, and machine dates in <time datetime>
that the HTML standard accepts (ISO 8601, at most three digits of a second's fraction)."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.utils import timezone

from consultation.models import Flag, FlagReason
from consultation.services.moderation import decision_create
from hub.accounts.rules import MODERATORS
from hub.core import dates
from hub.pages.models import Phase, PublishedVersion
from knowledge.models import DatePrecision
from tests.support import factories
from tests.support.consultation_factories import (
    ConsultationFactory,
    TopicFactory,
    comment_on,
    post_in,
)
from tests.support.factories import in_group, with_mfa
from tests.support.knowledge_factories import LibraryPageFactory, ResourcePageFactory
from tests.support.pages import publish

pytestmark = pytest.mark.django_db

MONTH = "(?:January|February|March|April|May|June|July|August|September|October|November|December)"
TIME = r"(?:(?:1[0-2]|[1-9])(?::[0-5]\d)?(?:am|pm)|midday|midnight)"
# What a person reads inside <time>: a whole date with or without a time, or the month or
# year a library resource is dated to.
HUMAN = re.compile(
    rf"(?:(?:[1-9]|[12]\d|3[01]) {MONTH} \d{{4}}(?:, {TIME})?|{MONTH} \d{{4}}|\d{{4}})"
)
# The HTML standard's year, month, date and global date and time strings.
MACHINE = re.compile(
    r"\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?)?)?"
)
LEADING_ZERO = re.compile(rf"\b0\d {MONTH}\b")
SHORT_MONTH = re.compile(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b")


class Times(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found, self._open = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "time":
            self._open = [dict(attrs).get("datetime"), ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[1] += data

    def handle_endtag(self, tag):
        if tag == "time" and self._open is not None:
            self.found.append((self._open[0], " ".join(self._open[1].split())))
            self._open = None


def times_in(html):
    parser = Times()
    parser.feed(html)
    return parser.found


def early_in_month(days_ago, hour=9, minute=5):
    """A moment on a day of the month below 10 (so a leading zero would show), with
    microseconds (so six fraction digits would show), `days_ago` or more days back."""
    moment = timezone.localtime() - datetime.timedelta(days=days_ago)
    while moment.day >= 10:
        moment -= datetime.timedelta(days=1)
    return moment.replace(hour=hour, minute=minute, second=7, microsecond=123456)


@pytest.fixture
def everything(site_tree):
    """Pages with every kind of date: versions, updates, phases, resources, consultations,
    comments, discussions, reports and moderation."""
    section = site_tree["section"]
    blocks = [dict(block) for block in section.body.raw_data]
    blocks[0]["value"] = "<p>First paragraph, changed.</p>"
    section.body = blocks
    publish(section)
    for n, version in enumerate(PublishedVersion.objects.filter(page_id=section.pk)):
        PublishedVersion.objects.filter(pk=version.pk).update(published_at=early_in_month(40 - n))
    update = site_tree["update"]
    update.date = datetime.date(2026, 11, 9)
    publish(update)
    Phase.objects.filter(page=site_tree["timeline"]).update(
        starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2026, 11, 9)
    )
    library = LibraryPageFactory(parent=site_tree["home"])
    resources = [
        ResourcePageFactory(parent=library, publication_date=datetime.date(2025, 4, 9)),
        ResourcePageFactory(
            parent=library,
            publication_date=datetime.date(2021, 6, 1),
            date_precision=DatePrecision.MONTH,
            sections=[section],
        ),
    ]
    closes = early_in_month(-40, hour=14, minute=30)
    if closes < timezone.now():
        closes += datetime.timedelta(days=40)
    consultation = ConsultationFactory(slug="draft", closes_at=closes, sections=[section])
    ConsultationFactory(slug="next", opens_at=closes, closes_at=closes + datetime.timedelta(1))
    author = factories.ProfileFactory(display_name="Dee Author").user
    comment = comment_on(
        section, consultation=consultation, author=author, created_at=early_in_month(3)
    )
    comment_on(section, consultation=consultation, parent=comment, created_at=early_in_month(2))
    topic = TopicFactory(consultation=consultation)
    thread = post_in(topic, author=author)
    moderator = with_mfa(in_group(factories.ProfileFactory().user, MODERATORS))
    Flag.objects.create(comment=comment, flagged_by=moderator, reason=FlagReason.OFF_TOPIC)
    decision_create(moderator=moderator, comment=thread, action="hide", reason="Off topic.")
    return {
        "public": [
            site_tree["home"].url,
            section.url,
            f"{section.url}versions/",
            f"{section.url}versions/1/",
            f"{section.url}versions/compare/",
            site_tree["updates"].url,
            update.url,
            site_tree["timeline"].url,
            library.url,
            resources[0].url,
            resources[1].url,
            "/consultation/",
            "/consultation/draft/",
            f"/consultation/draft/sections/{section.pk}/comments/{section.paragraphs()[0].id}/",
            f"/consultation/comments/{comment.pk}/",
            "/consultation/draft/discussion/",
            f"/consultation/draft/discussion/{topic.pk}/",
        ],
        "author": (author, ["/consultation/my-contributions/"]),
        "moderator": (
            moderator,
            [
                "/consultation/moderation/",
                f"/consultation/moderation/items/{comment.pk}/",
                f"/consultation/moderation/items/{thread.pk}/",
                f"/consultation/moderation/participants/{author.pk}/",
                "/consultation/moderation/log/",
            ],
        ),
    }


def check_page(html, url):
    found = times_in(html)
    for machine, human in found:
        assert machine is not None and MACHINE.fullmatch(machine), (url, machine)
        if "T" in machine:
            datetime.datetime.fromisoformat(machine)
        elif len(machine) == 10:
            datetime.date.fromisoformat(machine)
        assert HUMAN.fullmatch(human), (url, human)
    text = re.sub(r"<[^>]+>", " ", html)
    assert not LEADING_ZERO.search(text), (url, LEADING_ZERO.search(text))
    assert not SHORT_MONTH.search(text), (url, SHORT_MONTH.search(text))
    return found


def test_every_date_on_the_main_pages_is_written_one_way(client, everything):
    seen = 0
    for url in everything["public"]:
        response = client.get(url)
        assert response.status_code == 200, url
        seen += len(check_page(response.content.decode(), url))
    for user, urls in (everything["author"], everything["moderator"]):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            seen += len(check_page(response.content.decode(), url))
    assert seen >= 30


def test_the_compare_form_names_versions_by_their_date_without_a_leading_zero(
    client, everything, site_tree
):
    html = client.get(f"{site_tree['section'].url}versions/compare/").content.decode()
    published = PublishedVersion.objects.filter(page_id=site_tree["section"].pk).first()
    assert f"Version 1 ({dates.human_date(published.published_at)})" in html
    assert not LEADING_ZERO.search(html)


def test_the_progress_update_email_writes_its_date_the_same_way(site_tree, everything):
    from consultation.notifications import tasks
    from consultation.notifications.models import Mailing
    from tests.support.notification_factories import SubscriberFactory, parts

    SubscriberFactory()
    mailing = Mailing.objects.create(key="dates")
    tasks.send_progress_update.call(mailing_id=mailing.pk, update_id=site_tree["update"].pk)
    text, html = parts(mail.outbox[-1])
    assert "9 November 2026" in text and "9 November 2026" in html
    assert not LEADING_ZERO.search(text + html)


@pytest.mark.parametrize(
    ("value", "human", "machine"),
    [
        (datetime.date(2026, 11, 9), "9 November 2026", "2026-11-09"),
        (
            datetime.datetime(2026, 11, 9, 14, 5, 33, 123456, tzinfo=datetime.UTC),
            "9 November 2026, 2:05pm",
            "2026-11-09T14:05:33+00:00",
        ),
        (
            datetime.datetime(2026, 7, 1, 8, 0, tzinfo=datetime.UTC),  # 9am in London
            "1 July 2026, 9am",
            "2026-07-01T09:00:00+01:00",
        ),
        (
            datetime.datetime(2026, 1, 31, 12, 0, tzinfo=datetime.UTC),
            "31 January 2026, midday",
            "2026-01-31T12:00:00+00:00",
        ),
        (
            datetime.datetime(2026, 3, 3, 0, 0, tzinfo=datetime.UTC),
            "3 March 2026, midnight",
            "2026-03-03T00:00:00+00:00",
        ),
    ],
)
def test_the_date_functions(value, human, machine):
    written = dates.human_datetime(value) if isinstance(value, datetime.datetime) else None
    assert (written or dates.human_date(value)) == human
    assert dates.machine_date(value) == machine
    assert dates.human_date(None) == dates.machine_date(None) == ""
