""" "Your contributions": reachable from the header and the profile; each contribution with
its first words and the paragraph it is about; each report with what the moderators
decided. A reporter is also told by email, if they chose."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from consultation.models import Flag, Status
from consultation.notifications import tokens
from consultation.notifications.models import Kind, Preferences
from tests.support.consultation_factories import comment_on, paragraph_ids, post_in
from tests.support.factories import ProfileFactory
from tests.support.markup import soup_of
from tests.support.notification_factories import parts, unsubscribe_path

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

CONTRIBUTIONS = "/consultation/my-contributions/"


def test_reachable_from_the_header_and_the_profile(client, site_tree, stakeholder):
    assert 'href="/consultation/my-contributions/"' not in client.get("/").content.decode()
    client.force_login(stakeholder)
    for url in ("/", site_tree["section"].url, reverse("profile_edit")):
        soup = soup_of(client.get(url).content.decode())
        header = soup.find("header").find("a", href=CONTRIBUTIONS)
        assert header is not None and header.get_text() == "Your contributions", url
    profile = soup_of(client.get(reverse("profile_edit")).content.decode()).find("main")
    assert profile.find("a", href=CONTRIBUTIONS) is not None


def test_each_contribution_shows_its_first_words_and_its_paragraph(
    client, section, consultation, topic, stakeholder
):
    first, second = paragraph_ids(section)
    long_words = "We need a clear duty of candour for algorithms. " * 6
    comment_on(
        section,
        consultation=consultation,
        author=stakeholder,
        paragraph_id=second,
        body=f"<p>{long_words}</p>",
    )
    comment_on(
        section, consultation=consultation, author=stakeholder, paragraph_id="", body="<p>All</p>"
    )
    other = comment_on(section, consultation=consultation, paragraph_id=first)
    comment_on(
        section,
        consultation=consultation,
        author=stakeholder,
        parent=other,
        body="<p>Reply words</p>",
    )
    post_in(topic, author=stakeholder, title="Open data", body="<p>Post words</p>")
    comment_on(
        section,
        consultation=consultation,
        author=stakeholder,
        paragraph_id=first,
        body="<p>Taken back</p>",
        status=Status.WITHDRAWN,
    )
    client.force_login(stakeholder)
    soup = soup_of(client.get(CONTRIBUTIONS).content.decode())
    rows = [" ".join(row.get_text(" ").split()) for row in soup.select("#written ~ table tbody tr")]
    assert len(rows) == 5
    taken_back, post, reply, whole, candour = rows
    assert candour.startswith("Comment on Ambition one, paragraph 2 “We need a clear duty")
    assert "…”" in candour and len(long_words) > 140
    assert "Ambition one, paragraph 2" in candour and "Published" in candour
    assert "“All”" in whole and "Ambition one, the whole section" in whole
    assert reply.startswith("Reply") and "“Reply words”" in reply and "paragraph 1" in reply
    assert post.startswith("Discussion post: Open data") and "Discussion: Data and privacy" in post
    assert "Taken back" not in taken_back and "You withdrew it" in taken_back


def report(client, user, comment, reason="abuse"):
    client.force_login(user)
    return client.post(comment.flag_url, {"reason": reason, "note": "Please look"})


def decide(client, moderator, comment, action, reason="Broke rule 2"):
    client.force_login(moderator)
    return client.post(comment.moderation_url, {"action": action, "reason": reason})


def reports_table(client, user):
    client.force_login(user)
    soup = soup_of(client.get(CONTRIBUTIONS).content.decode())
    return [" ".join(row.get_text(" ").split()) for row in soup.select("#reports ~ table tbody tr")]


def test_reports_are_listed_with_what_the_moderators_decided(
    client, section, consultation, stakeholder, other_stakeholder, moderator
):
    pid = paragraph_ids(section)[0]
    rude = comment_on(
        section,
        consultation=consultation,
        author=other_stakeholder,
        paragraph_id=pid,
        body="<p>Rude words here</p>",
    )
    fine = comment_on(
        section, consultation=consultation, author=other_stakeholder, body="<p>Fine words</p>"
    )
    taken_back = comment_on(
        section, consultation=consultation, author=other_stakeholder, body="<p>Oops</p>"
    )
    for comment in (rude, fine, taken_back):
        assert report(client, stakeholder, comment).status_code == 302
    [taken, fine_row, rude_row] = reports_table(client, stakeholder)
    assert "Open: a moderator will look at it." in rude_row
    assert rude_row.startswith("Comment by Other Person on Ambition one, paragraph 1")
    assert "Abusive, hateful or harassing" in rude_row and "Please look" in rude_row

    decide(client, moderator, rude, "hide")
    decide(client, moderator, fine, "approve", "")
    client.force_login(other_stakeholder)
    client.post(taken_back.withdraw_url)
    [taken, fine_row, rude_row] = reports_table(client, stakeholder)
    assert "A moderator hid it: nobody else sees its words now." in rude_row
    # The reporter no longer reads hidden words, nor the reason meant for their author.
    assert "Rude words" not in rude_row and "Broke rule 2" not in rude_row
    assert "found it within the rules: it stays." in fine_row and "“Fine words”" in fine_row
    assert "Its author withdrew it before a moderator decided." in taken
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert Flag.objects.get(comment=taken_back).resolution.action == "withdraw"


def test_a_reporter_is_emailed_what_was_decided_if_they_chose(
    client,
    section,
    consultation,
    stakeholder,
    other_stakeholder,
    moderator,
    django_capture_on_commit_callbacks,
):
    rude = comment_on(
        section, consultation=consultation, author=other_stakeholder, body="<p>Rude words</p>"
    )
    quiet = ProfileFactory().user
    Preferences.objects.create(user=quiet, reports=False)
    for reporter in (stakeholder, quiet):
        report(client, reporter, rude)
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, moderator, rude, "hide", "Personal attack")
    by_recipient = {message.to[0]: message for message in mail.outbox}
    # The author hears of the decision; of the reporters, only the one who wants to.
    assert set(by_recipient) == {other_stakeholder.email, stakeholder.email}
    message = by_recipient[stakeholder.email]
    assert message.subject == "[AI strategy hub] A moderator has decided about your report"
    text, html = parts(message)
    assert "Thank you for reporting a comment on Ambition one" in text
    assert "A moderator hid it: nobody else sees its words now." in text
    assert f"{CONTRIBUTIONS}#reports" in text and f"{CONTRIBUTIONS}#reports" in html
    # Neither the reported words nor the reason, which is written for their author.
    assert "Rude words" not in text + html and "Personal attack" not in text + html
    assert unsubscribe_path(message).startswith("/notifications/unsubscribe/reports/")

    # A decision that closes no report tells no reporter.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, moderator, rude, "approve", "")
    assert [message.to for message in mail.outbox] == [[other_stakeholder.email]]


def test_reporters_choose_these_emails_and_can_stop_them(stakeholder_client, user):
    preferences = reverse("notifications:preferences")
    html = stakeholder_client.get(preferences).content.decode()
    assert 'id="id_reports" name="reports" type="checkbox" value="on" checked' in html
    assert "Moderators&#x27; decisions about what you reported" in html
    stakeholder_client.post(preferences, {"replies": "on"})
    assert Preferences.objects.get(user=user).reports is False
    stakeholder_client.post(preferences, {"reports": "on"})
    assert Preferences.objects.get(user=user).reports is True

    mail_program = Client(enforce_csrf_checks=True)
    token = tokens.unsubscribe_token(Kind.REPORTS, user=user)
    response = mail_program.post(
        reverse("notifications:unsubscribe", args=[Kind.REPORTS, token]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Preferences.objects.get(user=user).reports is False
