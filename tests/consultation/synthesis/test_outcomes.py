"""What the working group makes public, through HTTP: pinning quotes (published,
non-identifying words only, confirmed by the analyst), writing responses (sanitised,
checked, audited), an editor publishing them (editors only), the email to those who
commented on the section (once, only to those who asked and may read the section), the
response beside the section, and the public outcome page (small counts suppressed, no
JavaScript needed, cached and made stale by publishing)."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils import timezone
from wagtail.models import PageViewRestriction

from consultation.feedback.models import FeedbackItem
from consultation.models import Status
from consultation.notifications.models import Mailing, Preferences
from consultation.synthesis import coding
from consultation.synthesis.models import PinnedQuote, SynthesisResponse, Theme
from hub.accounts.models import Sector
from hub.core.models import AuditEntry
from tests.support import factories
from tests.support.clients import SignedInClient
from tests.support.consultation_factories import comment_on
from tests.support.hostile import HOSTILE_MARKUP
from tests.support.notification_factories import parts, unsubscribe_path

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


def responses_url(consultation, rest=""):
    return f"/synthesis/consultations/{consultation.slug}/responses/{rest}"


@pytest.fixture
def theme(consultation):
    return Theme.objects.create(consultation=consultation, name="Workforce")


@pytest.fixture
def wg_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def editor_client(editor):
    client = SignedInClient()
    client.force_login(editor)
    return client


def item_of(comment):
    return FeedbackItem.objects.get(comment=comment)


# -- pinned quotes ------------------------------------------------------------------------


def test_pinning_a_published_comment_needs_the_analysts_confirmation(
    wg_client, section, consultation, theme, stakeholder, analyst
):
    item = item_of(
        comment_on(section, consultation=consultation, author=stakeholder, text="Staff first.")
    )
    url = f"/synthesis/items/{item.pk}/pin/"
    page = wg_client.get(url).content.decode()
    assert 'name="confirmed"' in page and "Staff first." in page
    refused = wg_client.post(url, {"theme": theme.pk})
    assert refused.status_code == 200
    assert "nhsuk-error-summary" in refused.content.decode()
    assert "Confirm that the text is published" in refused.content.decode()
    assert not PinnedQuote.objects.exists()

    done = wg_client.post(url, {"theme": theme.pk, "confirmed": "on"})
    assert done.status_code == 302
    quote = PinnedQuote.objects.get()
    assert (quote.theme, quote.item, quote.pinned_by) == (theme, item, analyst)
    assert AuditEntry.objects.filter(action="quote_pinned", actor=analyst).count() == 1
    dashboard = wg_client.get(f"/synthesis/consultations/{consultation.slug}/dashboard/")
    html = dashboard.content.decode()
    quotes = html[html.index('id="quotes"') :]
    assert "Staff first." in quotes
    assert stakeholder.profile.display_name not in quotes  # never the author's name

    again = wg_client.post(url, {"theme": theme.pk, "confirmed": "on"})
    assert "already a quote" in again.content.decode()
    assert PinnedQuote.objects.count() == 1

    wg_client.post(f"/synthesis/quotes/{quote.pk}/unpin/")
    assert not PinnedQuote.objects.exists()
    assert AuditEntry.objects.filter(action="quote_unpinned", actor=analyst).count() == 1


@pytest.mark.parametrize("status", [Status.PENDING, Status.HIDDEN, Status.WITHDRAWN])
def test_words_that_are_not_published_cannot_be_pinned(
    wg_client, section, consultation, theme, status
):
    item = item_of(comment_on(section, consultation=consultation, status=status))
    url = f"/synthesis/items/{item.pk}/pin/"
    assert "cannot be quoted" in wg_client.get(url).content.decode()
    wg_client.post(url, {"theme": theme.pk, "confirmed": "on"})
    assert not PinnedQuote.objects.exists()


def test_comments_of_a_private_consultation_cannot_be_pinned(
    wg_client, section, consultation, theme
):
    consultation.comments_public = False
    consultation.save()
    item = item_of(comment_on(section, consultation=consultation))
    wg_client.post(f"/synthesis/items/{item.pk}/pin/", {"theme": theme.pk, "confirmed": "on"})
    assert not PinnedQuote.objects.exists()


def test_a_pinned_comment_hidden_later_drops_out_of_the_quotes(
    wg_client, section, consultation, theme
):
    comment = comment_on(section, consultation=consultation, text="Soon hidden words.")
    item = item_of(comment)
    wg_client.post(f"/synthesis/items/{item.pk}/pin/", {"theme": theme.pk, "confirmed": "on"})
    FeedbackItem.objects.filter(pk=item.pk).update(moderation_state=Status.HIDDEN)
    html = wg_client.get(f"/synthesis/consultations/{consultation.slug}/dashboard/")
    assert "Soon hidden words." not in html.content.decode()


def restrict(page, kind):
    """An editor's view restriction on `page` (and every page below it)."""
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=kind, password="letmein"
    )
    if kind == PageViewRestriction.GROUPS:
        restriction.groups.set([Group.objects.create(name="Clinical reviewers")])


@pytest.mark.parametrize(
    "kind",
    [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN, PageViewRestriction.GROUPS],
)
def test_comments_on_a_restricted_section_cannot_be_pinned(
    wg_client, section, consultation, theme, kind
):
    # Published there, but only to those the restriction lets in: a quote would publish
    # them to everyone on the outcome page.
    restrict(section, kind)
    item = item_of(comment_on(section, consultation=consultation, text="For reviewers only."))
    url = f"/synthesis/items/{item.pk}/pin/"
    assert "cannot be quoted" in wg_client.get(url).content.decode()
    wg_client.post(url, {"theme": theme.pk, "confirmed": "on"})
    assert not PinnedQuote.objects.exists()


def test_a_quote_whose_section_is_restricted_later_leaves_the_outcome_page(
    wg_client, editor_client, site_tree, section, consultation, theme, draft
):
    item = item_of(comment_on(section, consultation=consultation, text="For reviewers only."))
    wg_client.post(f"/synthesis/items/{item.pk}/pin/", {"theme": theme.pk, "confirmed": "on"})
    publish_as(editor_client, consultation, draft)
    url = f"/consultation/{consultation.slug}/outcome/"
    assert "For reviewers only." in Client().get(url).content.decode()
    restrict(site_tree["strategy"], PageViewRestriction.GROUPS)  # a page above the section
    assert "For reviewers only." not in Client().get(url).content.decode()
    dashboard = wg_client.get(f"/synthesis/consultations/{consultation.slug}/dashboard/")
    assert "For reviewers only." not in dashboard.content.decode()


# -- writing and publishing responses ------------------------------------------------------


def test_the_working_group_writes_a_response_sanitised_and_audited(
    wg_client, consultation, section, theme, analyst
):
    hostile = "\n\n".join(HOSTILE_MARKUP[:6])
    response = wg_client.post(
        responses_url(consultation, "new/"),
        {"theme": theme.pk, "section": section.pk, "heard": hostile, "changed": "We rewrote it."},
    )
    assert response.status_code == 302
    written = SynthesisResponse.objects.get()
    assert written.heard_text == hostile
    for tag in ("<script", "<img", "<svg", "<iframe", "<a "):
        assert tag not in written.heard_body.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in written.heard_body  # shown as text
    assert written.changed_body == "<p>We rewrote it.</p>"
    assert not written.is_published
    assert AuditEntry.objects.filter(action="response_saved", actor=analyst).count() == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({"heard": ""}, "Enter what you heard."),
        ({"theme": "", "section": ""}, "Choose a theme or a section to respond about."),
        ({"theme": "999999"}, "Choose a theme of this consultation."),
        ({"heard": "x" * 10_001}, "10000 characters"),
        ({"changed_version": "7"}, "Choose a published version of the section."),
    ],
)
def test_a_bad_response_is_refused_with_a_message_and_nothing_saved(
    wg_client, consultation, section, theme, data, message
):
    post = {"theme": theme.pk, "section": section.pk, "heard": "We heard a lot.", **data}
    page = wg_client.post(responses_url(consultation, "new/"), post)
    assert page.status_code == 200
    html = page.content.decode()
    assert "nhsuk-error-summary" in html
    assert message.replace("10000", "10,000") in html or message in html
    assert not SynthesisResponse.objects.exists()


def test_one_response_per_theme(wg_client, consultation, theme):
    for _ in range(2):
        wg_client.post(responses_url(consultation, "new/"), {"theme": theme.pk, "heard": "H"})
    assert SynthesisResponse.objects.count() == 1


@pytest.fixture
def draft(consultation, section, theme, analyst):
    from consultation.synthesis import outcomes

    return outcomes.response_save(
        actor=analyst,
        consultation=consultation,
        theme=theme,
        section=section,
        heard="People asked for **staff** first.",
        changed="We added a paragraph on training.",
    )


def test_only_an_editor_publishes(wg_client, editor_client, consultation, draft, editor):
    url = responses_url(consultation, f"{draft.pk}/publish/")
    assert wg_client.get(url).status_code == 403
    assert wg_client.post(url, {"action": "publish"}).status_code == 403
    draft.refresh_from_db()
    assert not draft.is_published

    assert editor_client.get(url).status_code == 200
    assert editor_client.post(url, {"action": "publish"}).status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.published_by == editor
    assert AuditEntry.objects.filter(action="response_published", actor=editor).count() == 1
    # A second click does not take it down again.
    second = editor_client.post(url, {"action": "publish"})
    assert "already published" in second.content.decode()
    draft.refresh_from_db()
    assert draft.is_published


@pytest.fixture
def commenters(section, consultation, stakeholder, other_stakeholder):
    """Who commented on the section: two people who asked to be told, one who switched
    these emails off, one closed account."""
    first = comment_on(section, consultation=consultation, author=stakeholder)
    comment_on(section, consultation=consultation, author=stakeholder)
    comment_on(section, consultation=consultation, author=other_stakeholder, parent=first)
    switched_off = factories.ProfileFactory().user
    Preferences.objects.create(user=switched_off, responses=False)
    comment_on(section, consultation=consultation, author=switched_off)
    closed = factories.ProfileFactory().user
    comment_on(section, consultation=consultation, author=closed)
    closed.is_active = False
    closed.save()
    return [stakeholder, other_stakeholder]


def publish_as(client, consultation, response, action="publish"):
    return client.post(responses_url(consultation, f"{response.pk}/publish/"), {"action": action})


def test_publishing_emails_those_who_commented_once(
    editor_client,
    wg_client,
    consultation,
    draft,
    commenters,
    section,
    theme,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_as(editor_client, consultation, draft)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in commenters)
    message = mail.outbox[0]
    assert "What we heard and what we changed: Ambition one" in message.subject
    text, _ = parts(message)
    assert f"/consultation/{consultation.slug}/outcome/#response-{draft.pk}" in text
    assert unsubscribe_path(message).startswith("/notifications/unsubscribe/responses/")

    # Taken down, changed and published again: nobody is told twice.
    with django_capture_on_commit_callbacks(execute=True):
        publish_as(editor_client, consultation, draft, "unpublish")
        wg_client.post(
            responses_url(consultation, f"{draft.pk}/"),
            {"theme": theme.pk, "section": section.pk, "heard": "Changed words."},
        )
        publish_as(editor_client, consultation, draft)
    assert len(mail.outbox) == 2
    assert Mailing.objects.get().sent == 2


def test_people_who_cannot_read_the_section_are_not_emailed(
    editor_client, consultation, draft, commenters, section, django_capture_on_commit_callbacks
):
    members = Group.objects.create(name="Clinical reviewers")
    commenters[0].groups.add(members)
    restriction = PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([members])
    with django_capture_on_commit_callbacks(execute=True):
        publish_as(editor_client, consultation, draft)
    assert [m.to[0] for m in mail.outbox] == [commenters[0].email]


def test_a_response_about_a_theme_alone_emails_nobody(
    editor_client, wg_client, consultation, commenters, django_capture_on_commit_callbacks
):
    other = Theme.objects.create(consultation=consultation, name="Data")
    wg_client.post(responses_url(consultation, "new/"), {"theme": other.pk, "heard": "H"})
    response = SynthesisResponse.objects.get(theme=other)
    with django_capture_on_commit_callbacks(execute=True):
        publish_as(editor_client, consultation, response)
    assert mail.outbox == []


# -- on the public site ----------------------------------------------------------------------


def test_a_published_response_shows_beside_its_section(editor_client, consultation, draft, section):
    assert "People asked for" not in Client().get(section.url).content.decode()
    publish_as(editor_client, consultation, draft)
    html = Client().get(section.url).content.decode()
    assert "What we heard and what we changed" in html
    assert "People asked for <strong>staff</strong> first." in html
    assert f"/consultation/{consultation.slug}/outcome/" in html


def test_a_response_about_a_restricted_section_stays_off_the_outcome_page(
    editor_client, site_tree, consultation, draft, section
):
    """The outcome page is public; a section under a view restriction is not, nor are its
    title and the words about it (they stay on the section's own page)."""
    publish_as(editor_client, consultation, draft)
    url = f"/consultation/{consultation.slug}/outcome/"
    assert "People asked for <strong>staff</strong> first." in Client().get(url).content.decode()
    restrict(site_tree["strategy"], PageViewRestriction.LOGIN)  # a page above the section
    html = Client().get(url).content.decode()
    assert "People asked for" not in html and section.title not in html


def test_the_outcome_page_suppresses_small_counts(
    editor_client, consultation, section, theme, draft, analyst
):
    def items(count, sector):
        author = factories.ProfileFactory(sector=sector).user
        return [
            item_of(comment_on(section, consultation=consultation, author=author)).pk
            for _ in range(count)
        ]

    ids = items(3, Sector.CLINICIAN) + items(6, Sector.NURSE_AHP) + items(9, Sector.INDUSTRY)
    coding.apply_themes(actor=analyst, consultation=consultation, item_ids=ids, themes=[theme])
    url = f"/consultation/{consultation.slug}/outcome/"
    assert "has not published its response" in Client().get(url).content.decode()
    assert "fewer than 5" not in Client().get(url).content.decode()

    publish_as(editor_client, consultation, draft)
    html = Client().get(url).content.decode()
    row = re.search(r"<tr[^>]*><th[^>]*>Workforce</th>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    sectors = [value for value, _ in Sector.choices]
    assert cells[sectors.index(Sector.CLINICIAN)] == "fewer than 5"
    # The row's total would give the 3 away: the smallest other count is held back too.
    assert cells[sectors.index(Sector.NURSE_AHP)] == "not shown"
    assert cells[sectors.index(Sector.INDUSTRY)] == "9"
    assert cells[-1] == "18"
    assert "3" not in cells and "6" not in cells
    assert "People asked for <strong>staff</strong> first." in html
    assert "<script" not in html[html.index("<main") : html.index("</main>")]  # no JS needed


def test_the_outcome_page_is_cached_and_publishing_makes_it_stale(
    settings, editor_client, wg_client, consultation, draft
):
    settings.PAGE_CACHE_SECONDS = 300
    url = f"/consultation/{consultation.slug}/outcome/"
    assert Client().get(url)["X-Page-Cache"] == "miss"
    assert Client().get(url)["X-Page-Cache"] == "hit"
    publish_as(editor_client, consultation, draft)
    fresh = Client().get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert "People asked for" in fresh.content.decode()
    publish_as(editor_client, consultation, draft, "unpublish")
    assert "People asked for" not in Client().get(url).content.decode()


def test_the_outcome_page_query_count_does_not_grow_with_items(
    editor_client, consultation, section, theme, draft, analyst, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    publish_as(editor_client, consultation, draft)
    url = f"/consultation/{consultation.slug}/outcome/"

    def grow(count):
        ids = [item_of(comment_on(section, consultation=consultation)).pk for _ in range(count)]
        coding.apply_themes(actor=analyst, consultation=consultation, item_ids=ids, themes=[theme])
        for item_id in ids[:2]:
            PinnedQuote.objects.create(
                theme=theme, item_id=item_id, pinned_by=analyst, pinned_at=timezone.now()
            )

    grow(2)
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(url).status_code == 200
    grow(30)
    with django_assert_max_num_queries(len(captured)):
        page = Client().get(url)
    assert page.status_code == 200
    assert page.content.decode().count('class="hub-quote"') == 4
