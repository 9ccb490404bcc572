"""The conversation around a comment: threaded replies, agree/disagree, editing within the
window with the earlier text kept, withdrawal, and permalinks."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from consultation.models import Comment, CommentEdit, Reaction, Status
from hub.core.models import AuditEntry
from tests.support.consultation_factories import comment_on, paragraph_ids

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

FRAGMENT = {"HTTP_X_HUB_FRAGMENT": "1"}


@pytest.fixture
def root(section, consultation, stakeholder):
    return comment_on(
        section,
        consultation=consultation,
        author=stakeholder,
        paragraph_id=paragraph_ids(section)[0],
        body="<p>The root.</p>",
    )


def test_replies_nest_three_levels_and_keep_their_place(
    client, root, stakeholder, other_stakeholder, section
):
    client.force_login(other_stakeholder)
    first = client.post(
        f"/consultation/comments/{root.pk}/reply/", {"body": "Level one", "key": "a"}
    )
    assert first.status_code == 302
    level_one = Comment.objects.get(body="<p>Level one</p>")
    assert (
        first["Location"] == f"{section.url}?paragraph={root.paragraph_id}#comment-{level_one.pk}"
    )
    assert (level_one.parent_id, level_one.root_id, level_one.depth) == (root.pk, root.pk, 1)
    assert level_one.paragraph_id == root.paragraph_id

    client.force_login(stakeholder)
    client.post(f"/consultation/comments/{level_one.pk}/reply/", {"body": "Level two", "key": "b"})
    level_two = Comment.objects.get(body="<p>Level two</p>")
    client.force_login(other_stakeholder)
    client.post(f"/consultation/comments/{level_two.pk}/reply/", {"body": "Level 3", "key": "c"})
    level_three = Comment.objects.get(body="<p>Level 3</p>")
    assert (level_three.root_id, level_three.depth) == (root.pk, 3)

    html = client.get(f"/consultation/comments/{root.pk}/").content.decode()
    order = [html.index(text) for text in ("The root.", "Level one", "Level two", "Level 3")]
    assert order == sorted(order)
    assert f'id="comment-{level_two.pk}" data-comment-id="{level_two.pk}" data-depth="2"' in html
    # Deeper replies are shown at the deepest indent, saying whom they answer.
    assert (
        f'id="comment-{level_three.pk}" data-comment-id="{level_three.pk}" data-depth="2"' in html
    )
    assert "in reply to Stake Holder" in html


def test_reply_fragment_for_the_page_script(client, root, other_stakeholder):
    client.force_login(other_stakeholder)
    form = client.get(f"/consultation/comments/{root.pk}/reply/", **FRAGMENT)
    assert form.status_code == 200 and "data-hub-parent" in form.content.decode()
    created = client.post(
        f"/consultation/comments/{root.pk}/reply/", {"body": "Quick reply", "key": "q"}, **FRAGMENT
    )
    assert created.status_code == 201
    assert (
        created.content.decode().strip().startswith('<li class="hub-comment hub-comment--depth-1')
    )


def test_reply_permalink_redirects_into_its_thread(client, root, other_stakeholder):
    reply = comment_on(root.section, consultation=root.consultation, parent=root)
    response = client.get(f"/consultation/comments/{reply.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/consultation/comments/{root.pk}/#comment-{reply.pk}"
    page = client.get(f"/consultation/comments/{root.pk}/")
    assert page.status_code == 200
    assert "A comment on paragraph 1" in page.content.decode()
    assert "First paragraph." in page.content.decode()  # the paragraph is quoted
    assert client.get("/consultation/comments/999999/").status_code == 404


def test_reactions_say_the_state_wanted_one_per_person(client, root, other_stakeholder, user):
    url = f"/consultation/comments/{root.pk}/react/"
    client.force_login(other_stakeholder)
    client.post(url, {"reaction": "agree"})
    assert Reaction.objects.get().value == "agree"
    client.post(url, {"reaction": "disagree"})
    assert Reaction.objects.get().value == "disagree"
    client.post(url, {"reaction": "none"})
    assert not Reaction.objects.exists()
    client.post(url, {"reaction": "agree"})
    client.force_login(user)
    response = client.post(url, {"reaction": "agree", "next": "https://evil.example/"}, **FRAGMENT)
    assert response.status_code == 200
    fragment = response.content.decode()
    # The chosen button is pressed and takes the reaction back; the other one sets its own.
    assert 'name="reaction" value="none" data-hub-reaction="agree" aria-pressed="true"' in fragment
    assert (
        'name="reaction" value="disagree" data-hub-reaction="disagree" aria-pressed="false"'
        in fragment
    )
    assert '<span class="hub-reaction__count">2</span>' in fragment
    assert Reaction.objects.filter(comment=root).count() == 2
    # A redirect after a plain form post stays on this site.
    plain = client.post(url, {"reaction": "disagree", "next": "https://evil.example/"})
    assert plain["Location"].startswith("/consultation/comments/")
    assert client.post(url, {"reaction": "love"}).status_code == 400
    assert client.post(url, {}).status_code == 400


def test_the_same_reaction_sent_twice_is_stored_once(client, root, other_stakeholder):
    url = f"/consultation/comments/{root.pk}/react/"
    client.force_login(other_stakeholder)
    for _ in range(2):  # a double click
        response = client.post(url, {"reaction": "agree"}, **FRAGMENT)
        assert response.status_code == 200
        assert 'data-hub-reaction="agree" aria-pressed="true"' in response.content.decode()
    assert list(Reaction.objects.values_list("user", "value")) == [(other_stakeholder.pk, "agree")]
    for _ in range(2):
        assert client.post(url, {"reaction": "none"}).status_code == 302
    assert not Reaction.objects.exists()


def test_reacting_is_rate_limited(client, root, other_stakeholder, settings):
    settings.CONSULTATION_REACTION_RATE_LIMITS = "2/m/user"
    url = f"/consultation/comments/{root.pk}/react/"
    client.force_login(other_stakeholder)
    assert client.post(url, {"reaction": "agree"}).status_code == 302
    # Sending the state already held changes nothing and does not count.
    assert client.post(url, {"reaction": "agree"}).status_code == 302
    assert client.post(url, {"reaction": "disagree"}).status_code == 302
    limited = client.post(url, {"reaction": "none"}, **FRAGMENT)
    assert limited.status_code == 429
    assert "You have reacted a lot in a short time. Wait a minute" in limited.content.decode()
    assert int(limited["Retry-After"]) > 0
    assert Reaction.objects.get().value == "disagree"


def test_reactions_and_contributions_have_separate_limits(
    client, root, other_stakeholder, settings
):
    settings.CONSULTATION_RATE_LIMITS = "1/m/user"
    settings.CONSULTATION_REACTION_RATE_LIMITS = "3/m/user"
    client.force_login(other_stakeholder)
    url = f"/consultation/comments/{root.pk}/react/"
    for wanted in ("agree", "disagree", "none"):
        assert client.post(url, {"reaction": wanted}).status_code == 302
    assert client.post(url, {"reaction": "agree"}).status_code == 429


def test_authors_cannot_react_to_their_own_words(client, root, stakeholder):
    client.force_login(stakeholder)
    response = client.post(f"/consultation/comments/{root.pk}/react/", {"reaction": "agree"})
    assert response.status_code == 403
    assert not Reaction.objects.exists()


def test_edit_within_the_window_keeps_the_earlier_text(client, root, stakeholder, moderator):
    client.force_login(stakeholder)
    form = client.get(f"/consultation/comments/{root.pk}/edit/")
    assert form.status_code == 200
    assert "The root.</textarea>" in form.content.decode()
    response = client.post(f"/consultation/comments/{root.pk}/edit/", {"body": "The *new* root."})
    assert response.status_code == 302
    root.refresh_from_db()
    assert root.body == "<p>The <em>new</em> root.</p>" and root.edited_at
    edit = CommentEdit.objects.get()
    assert edit.body == "<p>The root.</p>"
    assert AuditEntry.objects.filter(action="edit", comment=root).exists()
    page = client.get(f"/consultation/comments/{root.pk}/").content.decode()
    assert "edited" in page and "The <em>new</em> root." in page

    client.force_login(moderator)
    item = client.get(f"/consultation/moderation/items/{root.pk}/").content.decode()
    assert "Earlier text" in item and "The root." in item


def test_edit_after_the_window_is_refused(client, root, stakeholder):
    Comment.objects.filter(pk=root.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    client.force_login(stakeholder)
    response = client.post(f"/consultation/comments/{root.pk}/edit/", {"body": "Too late"})
    assert response.status_code == 403
    assert "15 minutes" in response.content.decode()
    root.refresh_from_db()
    assert root.body == "<p>The root.</p>"


@override_settings(CONSULTATION_EDIT_WINDOW_MINUTES=45, CONSULTATION_WITHDRAWN_RETENTION_DAYS=90)
def test_pages_state_the_configured_edit_window_and_retention(
    client, root, stakeholder, section, consultation
):
    client.force_login(stakeholder)
    edit = client.get(root.edit_url).content.decode()
    assert "You can change what you wrote for 45 minutes after posting it." in edit
    pid = paragraph_ids(section)[0]
    form_url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/?paragraph={pid}"
    for url in (form_url, root.reply_url):
        assert "You can edit it for 45 minutes and withdraw it" in client.get(url).content.decode()
        fragment = client.get(url, **FRAGMENT).content.decode()
        assert "You can edit it for 45 minutes and withdraw it" in fragment
    withdraw = client.get(root.withdraw_url).content.decode()
    assert "keep the text for their records for 90 days" in withdraw
    done = client.post(root.withdraw_url, follow=True).content.decode()
    assert "They are kept for 90 days for the moderators" in done
    for html in (edit, withdraw, done):
        assert "15 minutes" not in html and "30 days" not in html

    with override_settings(CONSULTATION_EDIT_WINDOW_MINUTES=1):
        late = comment_on(section, consultation=consultation, author=stakeholder)
        Comment.objects.filter(pk=late.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=2)
        )
        refused = client.post(late.edit_url, {"body": "Too late"}).content.decode()
        assert "Contributions can be edited for 1 minute after they are posted" in refused


def test_only_the_author_edits_or_withdraws(client, root, other_stakeholder):
    client.force_login(other_stakeholder)
    assert client.post(f"/consultation/comments/{root.pk}/edit/", {"body": "x"}).status_code == 403
    assert client.post(f"/consultation/comments/{root.pk}/withdraw/").status_code == 403
    root.refresh_from_db()
    assert root.status == Status.PUBLISHED and root.body == "<p>The root.</p>"


def test_premoderated_edit_waits_for_a_moderator_again(client, root, stakeholder):
    root.consultation.moderation = "pre"
    root.consultation.save()
    client.force_login(stakeholder)
    client.post(f"/consultation/comments/{root.pk}/edit/", {"body": "Changed after approval"})
    root.refresh_from_db()
    assert root.status == Status.PENDING


def test_withdraw_hides_the_words_but_keeps_them_for_the_audit(
    client, root, stakeholder, other_stakeholder, moderator, section
):
    reply = comment_on(section, consultation=root.consultation, parent=root, body="<p>Reply.</p>")
    client.force_login(stakeholder)
    confirm = client.get(f"/consultation/comments/{root.pk}/withdraw/")
    assert confirm.status_code == 200 and "Withdraw what you wrote?" in confirm.content.decode()
    response = client.post(f"/consultation/comments/{root.pk}/withdraw/")
    assert response.status_code == 302
    root.refresh_from_db()
    assert root.status == Status.WITHDRAWN and root.withdrawn_at
    assert root.body == "<p>The root.</p>"  # kept until the retention rule removes it
    assert AuditEntry.objects.filter(action="withdraw", comment=root).exists()

    client.force_login(other_stakeholder)
    page = client.get(section.url).content.decode()
    assert "The root." not in page
    assert "This was withdrawn by its author." in page
    assert f'id="comment-{reply.pk}"' in page and "Reply." in page  # the thread stays whole
    assert client.post(f"/consultation/comments/{root.pk}/withdraw/").status_code == 403

    client.force_login(moderator)
    assert "The root." in client.get(f"/consultation/moderation/items/{root.pk}/").content.decode()


def test_withdrawing_twice_redirects_with_a_message(client, root, stakeholder):
    client.force_login(stakeholder)
    form = client.get(f"/consultation/comments/{root.pk}/withdraw/").content.decode()
    assert 'type="submit" data-prevent-double-click="true">Withdraw it</button>' in form
    first = client.post(f"/consultation/comments/{root.pk}/withdraw/")
    second = client.post(f"/consultation/comments/{root.pk}/withdraw/", follow=True)
    assert first.status_code == 302
    assert second.redirect_chain == [(f"/consultation/comments/{root.pk}/#comment-{root.pk}", 302)]
    assert "You have already withdrawn this" in second.content.decode()
    # Asking for the form again says the same, instead of offering to withdraw it again.
    again = client.get(f"/consultation/comments/{root.pk}/withdraw/")
    assert again.status_code == 302
    assert AuditEntry.objects.filter(action="withdraw", comment=root).count() == 1


def test_withdrawal_is_allowed_after_closing_but_nothing_else(
    client, root, stakeholder, other_stakeholder
):
    consultation = root.consultation
    consultation.opens_at = timezone.now() - datetime.timedelta(days=10)
    consultation.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    consultation.save()
    client.force_login(other_stakeholder)
    reply = client.post(f"/consultation/comments/{root.pk}/reply/", {"body": "Late", "key": "l"})
    assert reply.status_code == 403
    assert "closed" in reply.content.decode()
    assert (
        client.post(f"/consultation/comments/{root.pk}/react/", {"reaction": "agree"}).status_code
        == 403
    )
    client.force_login(stakeholder)
    assert client.post(f"/consultation/comments/{root.pk}/edit/", {"body": "x"}).status_code == 403
    assert client.post(f"/consultation/comments/{root.pk}/withdraw/").status_code == 302
    assert Comment.objects.count() == 1 and not Reaction.objects.exists()


def test_my_contributions_lists_status_and_reasons(client, root, stakeholder):
    Comment.objects.filter(pk=root.pk).update(status=Status.HIDDEN, status_reason="Off topic")
    client.force_login(stakeholder)
    html = client.get("/consultation/my-contributions/").content.decode()
    assert "Hidden by a moderator" in html and "Reason given: Off topic" in html
    own = client.get(f"/consultation/comments/{root.pk}/").content.decode()
    assert "The root." in own and "Reason given: Off topic" in own
