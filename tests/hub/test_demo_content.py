"""The demo content, loaded once for the module (tests/conftest.py's `loaded_demo`; each
test's changes are rolled back): loading it again over a database an earlier version of the
demo made updates it in place; every page type it makes is reachable by following links
from the home page; its dates tell one consistent story; its people are invented."""

import datetime
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision, get_page_models

from hub.accounts.demo import DEMO_PASSWORD
from hub.pages import demo as pages_demo
from hub.pages.models import (
    Phase,
    PublishedVersion,
    SectionPage,
    TimelinePage,
    UpdatePage,
    WorkingGroupMember,
    WorkingGroupPage,
)
from tests.support.demo import load_demo, row_counts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loaded_demo")]

SEEDS = Path("/work/shared/seeds")
EVALUATION_PUBLISHED = datetime.date(2025, 4, 29)  # seed 000
# People the seed articles name, and the posts they hold there; the demo invents its own.
REAL_PEOPLE = [
    "Hatim",
    "Abdulhussein",
    "Emma Bradley",
    "Linn Phipps",
    "Indra Joshi",
    "Alison Tweed",
    "Dominic Cushnan",
    "Kathrin Cresswell",
]
REAL_POSTS = ["chair", "deputy head of strategy", "patient and public voice", "clinical lead"]


def test_loading_over_the_previous_demo_version_updates_it_in_place():
    # Over the module's demo (`loaded_demo`), what the previous version of the demo left:
    # members with posts copied from the seed articles, and sections whose "last published"
    # was the time of loading.
    WorkingGroupMember.objects.filter(name="Dr Ada Placeholder").update(
        role="Chair; general practitioner and clinical lead for digital education",
        organisation="Example Health Education Board",
    )
    WorkingGroupMember.objects.filter(name="Ben Sample").update(role="Deputy head of strategy")
    Page.objects.type(SectionPage).update(last_published_at=timezone.now())
    before = row_counts()

    load_demo()
    assert row_counts() == before
    roles = dict(WorkingGroupMember.objects.values_list("name", "role"))
    assert roles["Dr Ada Placeholder"] == "Clinical adviser"
    assert roles["Ben Sample"] == "Policy adviser"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


# Not pages of the public site: sign-in, the admin, files, machine-readable lists (the
# sitemap would list every page and prove nothing) and the consultation's own views.
NOT_FOLLOWED = (
    "/admin/",
    "/accounts/",
    "/static/",
    "/media/",
    "/documents/",
    "/assets/",
    "/api/",
    "/notifications/",
    "/search/",
    "/consultation/",
    "/sitemap.xml",
    "/robots.txt",
)


def crawl(client, start="/", limit=400):
    """Paths reachable from `start` by following links, each answering 200."""
    seen, queue = {start}, deque([start])
    while queue:
        path = queue.popleft()
        response = client.get(path)
        assert response.status_code == 200, path
        if not response["Content-Type"].startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            url = urlsplit(urljoin(f"http://testserver{path}", href))
            if url.netloc != "testserver" or url.path.startswith(NOT_FOLLOWED):
                continue
            if url.path not in seen:
                seen.add(url.path)
                queue.append(url.path)
        assert len(seen) < limit, "the crawl found more pages than a demo has"
    return seen


def test_every_page_type_is_reachable_from_the_home_page(client):
    reachable = crawl(client)
    live_types = []
    for model in get_page_models():
        content_type = ContentType.objects.get_for_model(model)
        pages = Page.objects.live().filter(content_type=content_type, depth__gte=2)
        if not pages.exists():
            continue
        live_types.append(model)
        assert any(page.url in reachable for page in pages), f"no link leads to a {model}"
    assert len(live_types) >= 11  # every type of this project but Wagtail's bare Page
    for section in SectionPage.objects.live():
        assert section.url in reachable
        assert f"{section.url}versions/" in reachable


def test_update_dates_are_chronological_and_agree_with_the_seeds():
    today = timezone.localdate()
    updates = {update.slug: update for update in UpdatePage.objects.live()}
    assert [updates[slug].date for slug, *_ in pages_demo.UPDATES] == sorted(
        update.date for update in updates.values()
    )
    assert updates["independent-evaluation-published"].date == EVALUATION_PUBLISHED
    assert "29 April 2025" in (SEEDS / "000_c0122cae3aa4795d.txt").read_text()
    for slug, update in updates.items():
        if slug != "independent-evaluation-published":
            assert EVALUATION_PUBLISHED < update.date < today, slug
        published = timezone.localtime(update.first_published_at)
        assert published.date() == update.date, slug
        assert update.last_published_at == update.first_published_at


def test_a_sections_last_published_is_its_newest_version(client):
    for section in SectionPage.objects.live():
        versions = section.published_versions()
        assert section.last_published_at == versions[-1].published_at, section.slug
        assert section.first_published_at == versions[0].published_at, section.slug
        for version in versions:
            assert version.revision.created_at == version.published_at
            log = PageLogEntry.objects.get(
                revision_id=version.revision_id, action="wagtail.publish"
            )
            assert log.timestamp == version.published_at
        html = client.get(section.url).content.decode()
        shown = f"{timezone.localtime(section.last_published_at):%-d %B %Y}"
        assert "Last published <time datetime=" in html and f">{shown}</time>" in html
        listing = client.get(f"{section.url}versions/").content.decode()
        assert f">{shown}, " in listing
    revised = [s for s in SectionPage.objects.live() if len(s.published_versions()) >= 2]
    assert len(revised) >= 2
    section_ids = [str(pk) for pk in SectionPage.objects.values_list("pk", flat=True)]
    revisions = Revision.page_revisions.filter(object_id__in=section_ids)
    assert PublishedVersion.objects.count() == revisions.count()


def test_working_group_members_are_invented(client):
    members = list(WorkingGroupMember.objects.all())
    assert len(members) == len(pages_demo.MEMBERS)
    for member in members:
        text = f"{member.name} {member.role} {member.organisation} {member.bio}"
        assert not any(name in text for name in REAL_PEOPLE), text
        assert not any(post in member.role.lower() for post in REAL_POSTS), member.role
        assert "Example" in member.organisation, member.organisation
    page = WorkingGroupPage.objects.live().get()
    html = client.get(page.url).content.decode()
    assert "fictional examples for this demo site" in html
    for member in members:
        assert member.role in html


def test_no_seed_person_is_named_anywhere_in_the_demo_pages(client):
    for page in Page.objects.live().filter(depth__gte=2).specific():
        html = client.get(page.url).content.decode()
        assert not any(name in html for name in REAL_PEOPLE), page.url


def test_demo_accounts_can_sign_in(client):
    response = client.post(
        "/accounts/login/", {"login": "clinician@example.org", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200


def test_home_shows_the_current_phase():
    from hub.pages.selectors import current_phase

    assert current_phase().title == "Engagement"


def test_second_versions_say_what_changed_and_why(client):
    with_notes = [(slug, changes["note"]) for slug, *_, changes in pages_demo.SECTIONS if changes]
    assert len(with_notes) >= 3

    def notes():
        return {
            slug: [v.change_note for v in SectionPage.objects.get(slug=slug).published_versions()]
            for slug, _ in with_notes
        }

    assert notes() == {slug: ["", note] for slug, note in with_notes}
    slug, note = with_notes[0]
    html = client.get(f"{SectionPage.objects.get(slug=slug).url}versions/").content.decode()
    assert note.replace("'", "&#x27;") in html
    # A database from before change notes gets them on the next load.
    PublishedVersion.objects.update(change_note="")
    load_demo()
    assert notes() == {slug: ["", note] for slug, note in with_notes}


def test_the_demo_timeline_dates_follow_its_story(client):
    from consultation.models import Consultation
    from hub.pages import demo

    phases = {phase.kind: phase for phase in Phase.objects.all()}
    today = timezone.localdate()
    assert phases["research"].starts_on == today - datetime.timedelta(days=demo.HUB_OPENED_DAYS_AGO)
    assert phases["research"].ends_on == phases["engagement"].starts_on
    consultation = Consultation.objects.get()
    assert phases["engagement"].starts_on == timezone.localdate(consultation.opens_at)
    assert phases["engagement"].ends_on == timezone.localdate(consultation.closes_at)
    # The seed articles date neither of the later phases.
    for kind in ["futures", "publication"]:
        assert (phases[kind].starts_on, phases[kind].ends_on) == (None, None)
    # The timeline's published revision holds the phases an editor will open.
    timeline = TimelinePage.objects.get()
    in_revision = timeline.live_revision.as_object().phases.all()
    assert [p.kind for p in in_revision] == ["research", "engagement", "futures", "publication"]
    html = client.get(timeline.url).content.decode()
    assert html.count("to be confirmed") == 4
    assert "Expected to end" in html
