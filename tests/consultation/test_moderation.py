"""Moderation through HTTP: the queue, decisions with reasons the author sees, flags, the
append-only audit log, blocking, and the spam defences (honeypot, rate limits)."""

import re

import pytest
from django.core import mail

from consultation.models import BlockedUser, Comment, Flag, Status
from hub.core.models import AuditEntry
from tests.support.consultation_factories import comment_on, paragraph_ids

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


def form_url(consultation, section):
    return f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"


@pytest.fixture
def premoderated(consultation):
    consultation.moderation = "pre"
    consultation.save()
    return consultation


def test_premoderated_comment_waits_in_the_queue_until_approved(
    client, section, premoderated, stakeholder, moderator, django_capture_on_commit_callbacks
):
    client.force_login(stakeholder)
    client.post(form_url(premoderated, section), {"body": "Waiting here", "key": "w"})
    comment = Comment.objects.get()
    assert comment.status == Status.PENDING

    client.force_login(moderator)
    queue = client.get("/consultation/moderation/").content.decode()
    assert "Waiting here" in queue and "Waiting for approval (1)" in queue
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/consultation/moderation/items/{comment.pk}/", {"action": "approve", "reason": ""}
        )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED
    decision = AuditEntry.objects.get(action="approve")
    assert (decision.actor, decision.target, decision.subject) == (moderator, comment, stakeholder)
    assert [message.to for message in mail.outbox] == [[stakeholder.email]]

    client.logout()
    assert "Waiting here" in client.get(section.url).content.decode()


def test_hiding_needs_a_reason_that_the_author_is_shown(
    client, section, consultation, stakeholder, other_stakeholder, analyst
):
    comment = comment_on(
        section, consultation=consultation, author=stakeholder, body="<p>Rude.</p>"
    )
    client.force_login(analyst)  # the working group moderates too
    url = f"/consultation/moderation/items/{comment.pk}/"
    missing = client.post(url, {"action": "hide", "reason": ""})
    assert "Give a reason: the author is told why." in missing.content.decode()
    assert Comment.objects.get().status == Status.PUBLISHED

    invalid = client.post(url, {"action": "reject", "reason": "x"})  # not offered once shown
    assert "Select a valid choice" in invalid.content.decode()

    client.post(url, {"action": "hide", "reason": "Personal attack on another participant"})
    comment.refresh_from_db()
    assert comment.status == Status.HIDDEN

    client.force_login(other_stakeholder)
    public = client.get(section.url).content.decode()
    assert "Rude." not in public and "This was hidden by a moderator." in public
    assert "Personal attack" not in public
    client.force_login(stakeholder)
    own = client.get(section.url).content.decode()
    assert "Rude." in own and "Reason given: Personal attack on another participant" in own


def test_flags_reach_the_queue_and_a_decision_resolves_them(
    client, section, consultation, stakeholder, other_stakeholder, user, moderator
):
    comment = comment_on(section, consultation=consultation, author=stakeholder, body="<p>Buy!</p>")
    comment_on(section, consultation=consultation, body="<p>Nobody reported this</p>")
    client.force_login(other_stakeholder)
    form = client.get(f"/consultation/comments/{comment.pk}/report/")
    assert form.status_code == 200 and "Why are you reporting this?" in form.content.decode()
    empty = client.post(f"/consultation/comments/{comment.pk}/report/", {"reason": ""})
    assert "Choose why you are reporting this." in empty.content.decode()
    client.post(f"/consultation/comments/{comment.pk}/report/", {"reason": "spam", "note": "Ad"})
    again = client.post(f"/consultation/comments/{comment.pk}/report/", {"reason": "abuse"})
    assert again.status_code == 302
    client.force_login(user)
    client.post(f"/consultation/comments/{comment.pk}/report/", {"reason": "off_topic"})
    assert Flag.objects.count() == 2

    client.force_login(stakeholder)  # not one's own words
    assert (
        client.post(f"/consultation/comments/{comment.pk}/report/", {"reason": "spam"}).status_code
        == 403
    )

    client.force_login(moderator)
    queue = client.get("/consultation/moderation/?queue=flagged").content.decode()
    assert "Reported by participants (1)" in queue
    assert "Spam or advertising" in queue and "Ad" in queue
    assert "Nobody reported this" not in queue
    client.post(
        f"/consultation/moderation/items/{comment.pk}/", {"action": "hide", "reason": "Advertising"}
    )
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert (
        "Reported by participants (0)" in client.get("/consultation/moderation/").content.decode()
    )


def test_reporting_again_after_a_moderator_resolved_the_report(
    client, section, consultation, stakeholder, other_stakeholder, moderator
):
    comment = comment_on(section, consultation=consultation, author=stakeholder)
    url = f"/consultation/comments/{comment.pk}/report/"
    client.force_login(other_stakeholder)
    client.post(url, {"reason": "abuse", "note": "Rude"})
    client.force_login(moderator)
    client.post(f"/consultation/moderation/items/{comment.pk}/", {"action": "approve"})
    assert Flag.objects.get().resolved_at is not None

    # The author then edits it into something abusive: the same person can report it again.
    client.force_login(other_stakeholder)
    form = client.get(url)
    assert form.status_code == 200 and "Why are you reporting this?" in form.content.decode()
    assert client.post(url, {"reason": "abuse", "note": "Worse now"}).status_code == 302
    assert Flag.objects.filter(flagged_by=other_stakeholder).count() == 2
    open_flag = Flag.objects.get(resolved_at__isnull=True)
    assert open_flag.note == "Worse now"
    # While that report is open, reporting again is still a no-op.
    again = client.post(url, {"reason": "spam"}, follow=True)
    assert "You have already reported this." in again.content.decode()
    assert Flag.objects.count() == 2

    client.force_login(moderator)
    queue = client.get("/consultation/moderation/?queue=flagged").content.decode()
    assert "Reported by participants (1)" in queue and "Worse now" in queue


def test_audit_log_is_append_only_and_listed(client, section, consultation, moderator, stakeholder):
    comment = comment_on(section, consultation=consultation, author=stakeholder)
    client.force_login(moderator)
    client.post(
        f"/consultation/moderation/items/{comment.pk}/", {"action": "hide", "reason": "Reason-xyz"}
    )
    entry = AuditEntry.objects.get()
    entry.reason = "Rewritten"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.update(reason="x")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    log = client.get("/consultation/moderation/log/").content.decode()
    assert "Hidden" in log and "Reason-xyz" in log and "Mo Derator" in log
    assert "Reason-xyz" in client.get("/consultation/moderation/log/?action=hide").content.decode()
    assert (
        "Reason-xyz"
        not in client.get("/consultation/moderation/log/?action=block").content.decode()
    )


def test_moderators_never_see_email_addresses(
    client, section, consultation, stakeholder, other_stakeholder, moderator
):
    comment = comment_on(section, consultation=consultation, author=stakeholder)
    client.force_login(other_stakeholder)
    client.post(f"/consultation/comments/{comment.pk}/report/", {"reason": "spam"})
    client.force_login(moderator)
    client.post(
        f"/consultation/moderation/participants/{stakeholder.pk}/", {"do": "block", "reason": "x"}
    )
    pages = [
        "/consultation/moderation/",
        "/consultation/moderation/?queue=flagged",
        "/consultation/moderation/?queue=hidden",
        f"/consultation/moderation/items/{comment.pk}/",
        f"/consultation/moderation/participants/{stakeholder.pk}/",
        "/consultation/moderation/log/",
        section.url,
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert not re.search(r"[\w.+-]+@example\.org", html), url
        assert stakeholder.email not in html


def test_blocked_participant_cannot_write_and_is_told_why(
    client, section, consultation, stakeholder, moderator
):
    comment = comment_on(section, consultation=consultation)
    client.force_login(moderator)
    missing = client.post(
        f"/consultation/moderation/participants/{stakeholder.pk}/", {"do": "block", "reason": ""}
    )
    assert "Give a reason: the participant is told why." in missing.content.decode()
    client.post(
        f"/consultation/moderation/participants/{stakeholder.pk}/",
        {"do": "block", "reason": "Repeated abuse"},
    )
    assert BlockedUser.objects.filter(user=stakeholder).exists()
    assert AuditEntry.objects.filter(action="block", subject=stakeholder).exists()

    client.force_login(stakeholder)
    refused = client.post(form_url(consultation, section), {"body": "Let me in", "key": "b"})
    assert refused.status_code == 403
    assert "blocked" in refused.content.decode() and "Repeated abuse" in refused.content.decode()
    reply = client.post(f"/consultation/comments/{comment.pk}/reply/", {"body": "x", "key": "r"})
    assert reply.status_code == 403
    react = client.post(f"/consultation/comments/{comment.pk}/react/", {"reaction": "agree"})
    assert react.status_code == 403
    page = client.get(section.url).content.decode()
    assert "Comment on this paragraph" not in page and "Repeated abuse" in page
    assert Comment.objects.count() == 1

    client.force_login(moderator)
    client.post(f"/consultation/moderation/participants/{stakeholder.pk}/", {"do": "unblock"})
    client.force_login(stakeholder)
    assert (
        client.post(form_url(consultation, section), {"body": "Back", "key": "c"}).status_code
        == 302
    )


def test_moderators_cannot_block_each_other(client, moderator, analyst):
    client.force_login(moderator)
    response = client.post(
        f"/consultation/moderation/participants/{analyst.pk}/", {"do": "block", "reason": "x"}
    )
    assert "Moderators cannot be blocked here." in response.content.decode()
    assert not BlockedUser.objects.exists()


def test_honeypot_stores_nothing(client, section, consultation, stakeholder):
    client.force_login(stakeholder)
    response = client.post(
        form_url(consultation, section),
        {"body": "Buy now", "website": "https://spam.example", "key": "h"},
    )
    assert response.status_code == 400
    assert "could not be accepted" in response.content.decode()
    assert not Comment.objects.exists()
    form = client.get(form_url(consultation, section)).content.decode()
    assert 'class="hub-honeypot" aria-hidden="true"' in form and 'tabindex="-1"' in form


def test_rate_limit_per_person(client, section, consultation, stakeholder, settings):
    settings.CONSULTATION_RATE_LIMITS = "2/m/user"
    client.force_login(stakeholder)
    url = form_url(consultation, section)
    for n in range(2):
        assert client.post(url, {"body": f"Comment {n}", "key": f"k{n}"}).status_code == 302
    limited = client.post(url, {"body": "One too many", "key": "k3"})
    assert limited.status_code == 429
    assert "You have posted a lot in a short time" in limited.content.decode()
    assert int(limited["Retry-After"]) > 0
    assert Comment.objects.count() == 2
    fragment = client.post(url, {"body": "Again", "key": "k4"}, HTTP_X_HUB_FRAGMENT="1")
    assert fragment.status_code == 429 and "<html" not in fragment.content.decode()


def test_rate_limit_per_network_address(
    client, section, consultation, stakeholder, other_stakeholder, user, settings
):
    settings.CONSULTATION_RATE_LIMITS = "2/m/ip"
    url = form_url(consultation, section)
    for n, person in enumerate([stakeholder, other_stakeholder]):
        client.force_login(person)
        assert client.post(url, {"body": f"From {n}", "key": f"i{n}"}).status_code == 302
    client.force_login(user)
    assert client.post(url, {"body": "Same address", "key": "i3"}).status_code == 429
    other_address = client.post(url, {"body": "Elsewhere", "key": "i4"}, REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 302


def test_trusted_proxy_address_is_used_for_limits(
    client, section, consultation, stakeholder, other_stakeholder, settings
):
    settings.CONSULTATION_RATE_LIMITS = "1/m/ip"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    url = form_url(consultation, section)
    client.force_login(stakeholder)
    client.post(url, {"body": "a", "key": "p1"}, HTTP_X_FORWARDED_FOR="203.0.113.5")
    client.force_login(other_stakeholder)
    allowed = client.post(url, {"body": "b", "key": "p2"}, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert allowed.status_code == 302
    same = client.post(url, {"body": "c", "key": "p3"}, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert same.status_code == 429


def test_the_write_after_the_limit_is_refused_and_unused_writes_are_given_back(
    client, section, consultation, stakeholder, settings
):
    settings.CONSULTATION_RATE_LIMITS = "3/m/user"
    client.force_login(stakeholder)
    url = form_url(consultation, section)
    assert client.post(url, {"body": "First", "key": "w1"}).status_code == 302
    # A double click and a form with errors write nothing, so they use up nothing.
    assert client.post(url, {"body": "First", "key": "w1"}).status_code == 302
    assert client.post(url, {"body": "", "key": "w2"}).status_code == 200
    for n in (3, 4):
        assert client.post(url, {"body": f"Number {n}", "key": f"w{n}"}).status_code == 302
    refused = client.post(url, {"body": "Number 5", "key": "w5"})
    assert refused.status_code == 429
    assert "Wait a minute and try again" in refused.content.decode()
    assert Comment.objects.count() == 3


def test_limits_count_atomically_so_a_burst_cannot_pass_together(stakeholder, settings):
    import threading

    from django.contrib.auth.models import AnonymousUser

    from consultation.services import limits

    settings.CONSULTATION_RATE_LIMITS = "5/m/user,8/m/ip"
    taken = [limits.take(action="post", user=stakeholder, ip="10.1.1.1") for _ in range(5)]
    with pytest.raises(limits.RateLimited):
        limits.take(action="post", user=stakeholder, ip="10.1.1.1")
    taken[0].give_back()  # that write did not happen after all
    limits.take(action="post", user=stakeholder, ip="10.1.1.1")
    with pytest.raises(limits.RateLimited):
        limits.take(action="post", user=stakeholder, ip="10.1.1.1")
    # Refused requests took nothing from the per-address limit (5 of its 8 used).
    for _ in range(3):
        limits.take(action="post", user=AnonymousUser(), ip="10.1.1.1")
    with pytest.raises(limits.RateLimited):
        limits.take(action="post", user=AnonymousUser(), ip="10.1.1.1")

    # Twenty requests at the same moment against a limit of five: five get through.
    settings.CONSULTATION_RATE_LIMITS = "5/m/ip"
    barrier = threading.Barrier(20)
    passed = []

    def burst():
        barrier.wait()
        try:
            limits.take(action="flag", user=AnonymousUser(), ip="10.2.2.2")
        except limits.RateLimited:
            return
        passed.append(True)

    threads = [threading.Thread(target=burst) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(passed) == 5


def test_reply_notifies_the_parent_author_after_commit(
    client,
    section,
    consultation,
    stakeholder,
    other_stakeholder,
    django_capture_on_commit_callbacks,
):
    root = comment_on(
        section,
        consultation=consultation,
        author=stakeholder,
        paragraph_id=paragraph_ids(section)[0],
    )
    client.force_login(other_stakeholder)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/consultation/comments/{root.pk}/reply/", {"body": "Hi", "key": "n"})
    assert [message.to for message in mail.outbox] == [[stakeholder.email]]


def test_a_deleted_accounts_words_stay_moderatable_without_a_broken_link(
    client, section, consultation, stakeholder, moderator
):
    comment = comment_on(
        section,
        consultation=consultation,
        author=stakeholder,
        body="<p>Still here.</p>",
        status=Status.HIDDEN,
    )
    stakeholder.delete()
    client.force_login(moderator)
    for url in (
        f"/consultation/moderation/items/{comment.pk}/",
        "/consultation/moderation/?queue=hidden",
    ):
        page = client.get(url).content.decode()
        assert "Still here." in page and "A former participant" in page
        assert "/participants/0/" not in page
