"""The facts about a signed-in person kept between their requests (hub.accounts.user_facts:
groups, permissions, verified email, a block) change on the very next request after the
change, through HTTP; and what a signed-in page costs in queries beyond the same page
signed out."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.accounts import user_facts
from hub.accounts.rules import MODERATORS, is_moderator
from tests.support import factories
from tests.support.clients import SignedInClient
from tests.support.consultation_factories import comment_on

pytestmark = pytest.mark.django_db


def form_url(consultation, section):
    return f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"


@pytest.fixture
def moderator_client(moderator):
    other = SignedInClient()
    other.force_login(moderator)
    return other


def test_a_moderator_removed_from_the_group_is_refused_on_their_next_request(client, moderator):
    client.force_login(moderator)
    assert client.get("/consultation/moderation/").status_code == 200
    assert client.get("/consultation/moderation/").status_code == 200  # from their facts

    moderator.groups.remove(Group.objects.get(name=MODERATORS))
    assert client.get("/consultation/moderation/").status_code == 403


def test_a_moderators_group_deleted_or_emptied_refuses_them_on_the_next_request(
    client, moderator, stakeholder
):
    client.force_login(moderator)
    assert client.get("/consultation/moderation/").status_code == 200
    Group.objects.get(name=MODERATORS).user_set.clear()
    assert client.get("/consultation/moderation/").status_code == 403

    group = Group.objects.create(name="Renamed later")
    group.user_set.add(moderator)
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS)[0])
    assert client.get("/consultation/moderation/").status_code == 200
    Group.objects.get(name=MODERATORS).delete()
    assert client.get("/consultation/moderation/").status_code == 403


def test_a_person_added_to_the_moderators_may_moderate_on_the_next_request(client, stakeholder):
    factories.with_mfa(stakeholder)
    client.force_login(stakeholder, second_factor=True)
    assert client.get("/consultation/moderation/").status_code == 403
    Group.objects.get_or_create(name=MODERATORS)[0].user_set.add(stakeholder)
    assert client.get("/consultation/moderation/").status_code == 200


def test_a_block_refuses_the_next_comment_and_lifting_it_allows_the_next(
    client, moderator_client, section, consultation, stakeholder
):
    client.force_login(stakeholder)
    first = client.post(form_url(consultation, section), {"body": "First", "key": "a"})
    assert first.status_code == 302

    moderator_client.post(
        f"/consultation/moderation/participants/{stakeholder.pk}/",
        {"do": "block", "reason": "Repeated abuse"},
    )
    refused = client.post(form_url(consultation, section), {"body": "Second", "key": "b"})
    assert refused.status_code == 403
    assert "Repeated abuse" in refused.content.decode()

    moderator_client.post(
        f"/consultation/moderation/participants/{stakeholder.pk}/", {"do": "unblock"}
    )
    again = client.post(form_url(consultation, section), {"body": "Third", "key": "c"})
    assert again.status_code == 302


def test_verifying_the_email_lets_the_next_comment_in(client, section, consultation):
    person = factories.ProfileFactory(user__verified=False).user
    person.save()  # the factory saves the password only with the verified address
    client.force_login(person)
    refused = client.post(form_url(consultation, section), {"body": "Too soon", "key": "a"})
    assert refused.status_code == 403

    EmailAddress.objects.create(user=person, email=person.email, verified=False, primary=True)
    address = EmailAddress.objects.get(user=person)
    address.set_verified(commit=True)
    allowed = client.post(form_url(consultation, section), {"body": "Now", "key": "b"})
    assert allowed.status_code == 302

    address.delete()
    again = client.post(form_url(consultation, section), {"body": "Gone", "key": "c"})
    assert again.status_code == 403


def test_a_permission_given_to_or_taken_from_a_group_shows_on_the_next_page(
    client, site_tree, stakeholder
):
    group = Group.objects.create(name="Admin readers")
    stakeholder.groups.add(group)
    client.force_login(stakeholder)
    home = site_tree["home"].url
    assert ">Admin</a>" not in client.get(home).content.decode()

    access = Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    group.permissions.add(access)
    assert ">Admin</a>" in client.get(home).content.decode()
    access.group_set.remove(group)
    assert ">Admin</a>" not in client.get(home).content.decode()
    stakeholder.user_permissions.add(access)
    assert ">Admin</a>" in client.get(home).content.decode()
    stakeholder.user_permissions.clear()
    assert ">Admin</a>" not in client.get(home).content.decode()


def test_facts_read_before_a_change_and_written_after_it_are_never_read(moderator):
    """The race the token closes: a request reads the groups, the change happens and is
    forgotten, and only then does that request write what it read. The next request reads
    afresh (deleting the entry instead of replacing the token would serve the old groups)."""
    late = type(moderator).objects.get(pk=moderator.pk)

    def read_then_changed():
        names = frozenset(moderator.groups.values_list("name", flat=True))
        moderator.groups.clear()
        return names

    # That request wrote what it read (its process forgot them since, so it reads again).
    assert MODERATORS in user_facts.remembered(late, "groups", read_then_changed)

    fresh = type(moderator).objects.get(pk=moderator.pk)
    assert not is_moderator(fresh)


def test_a_new_account_with_a_reused_id_starts_with_no_facts(stakeholder):
    # SQLite gives a rolled-back test's ids again; saving an account forgets its facts.
    assert user_facts.remembered(stakeholder, "probe", lambda: "first") == "first"
    stakeholder.save()
    again = type(stakeholder).objects.get(pk=stakeholder.pk)
    assert user_facts.remembered(again, "probe", lambda: "second") == "second"


def queries_for(client, url):
    client.get(url)  # warm: templates, memos, the person's facts
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["home", "updates", "timeline", "section"])
def test_a_signed_in_page_asks_no_more_queries_than_signed_out(
    client, site_tree, consultation, stakeholder, authors_with_reactions, page
):
    url = site_tree[page].url
    signed_out = queries_for(client, url)
    client.force_login(stakeholder)
    # The session, the account and profile, and the person's groups, permissions, email,
    # block and reactions all come from the cache.
    assert queries_for(client, url) <= signed_out


def test_signed_in_search_and_conversation_ask_no_more_queries_than_signed_out(
    client, site_tree, stakeholder, authors_with_reactions
):
    for url in ("/search/?q=section", f"/consultation/comments/{authors_with_reactions.pk}/"):
        client.logout()
        signed_out = queries_for(client, url)
        client.force_login(stakeholder)
        assert queries_for(client, url) <= signed_out, url


def test_a_password_changed_elsewhere_ends_the_session_on_its_next_request(client, stakeholder):
    client.force_login(stakeholder)
    assert client.get("/accounts/profile/").status_code == 200  # the account is now kept
    changed = type(stakeholder).objects.get(pk=stakeholder.pk)
    changed.set_password("a new passphrase for this account")
    changed.save()
    response = client.get("/accounts/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_account_deactivated_or_deleted_is_signed_out_on_its_next_request(
    client, stakeholder, other_stakeholder
):
    client.force_login(stakeholder)
    assert client.get("/accounts/profile/").status_code == 200
    stakeholder.is_active = False
    stakeholder.save()
    assert client.get("/accounts/profile/").status_code == 302

    client.force_login(other_stakeholder)
    assert client.get("/accounts/profile/").status_code == 200
    other_stakeholder.delete()
    assert client.get("/accounts/profile/").status_code == 302


def test_a_new_display_name_shows_on_the_next_page(client, section, consultation, stakeholder):
    client.force_login(stakeholder)
    url = form_url(consultation, section)
    client.get(url)
    profile = stakeholder.profile
    profile.display_name = "Renamed <b>Reader</b>"
    profile.show_name = True
    profile.save()
    page = client.get(url).content.decode()
    assert "Shown publicly as <strong>Renamed &lt;b&gt;Reader&lt;/b&gt;</strong>" in page


def test_a_second_factor_turned_on_elsewhere_ends_the_other_sessions(rf, client, stakeholder):
    from django.contrib.sessions.middleware import SessionMiddleware

    from hub.accounts.services import second_factor_changed

    client.force_login(stakeholder)
    assert client.get("/accounts/profile/").status_code == 200  # the account is now kept
    elsewhere = rf.post("/")
    SessionMiddleware(lambda request: None).process_request(elsewhere)
    elsewhere.user = type(stakeholder).objects.get(pk=stakeholder.pk)
    second_factor_changed(request=elsewhere, user=elsewhere.user)
    assert client.get("/accounts/profile/").status_code == 302


@pytest.fixture
def authors_with_reactions(section, consultation, other_stakeholder):
    comment = comment_on(section, consultation=consultation, author=other_stakeholder)
    return comment


def test_a_readers_own_reaction_shows_on_their_next_page_and_goes_when_taken_back(
    client, section, consultation, stakeholder, authors_with_reactions
):
    comment = authors_with_reactions
    client.force_login(stakeholder)
    chosen = 'data-hub-reaction="agree" aria-pressed="true"'
    assert chosen not in client.get(section.url).content.decode()  # kept: no reactions

    client.post(f"/consultation/comments/{comment.pk}/react/", {"reaction": "agree"})
    assert chosen in client.get(section.url).content.decode()
    client.post(f"/consultation/comments/{comment.pk}/react/", {"reaction": "none"})
    assert chosen not in client.get(section.url).content.decode()


def test_the_reaction_a_reader_just_gave_is_pressed_in_the_answer_to_it(
    client, section, consultation, stakeholder, authors_with_reactions
):
    # Their reactions are already kept (a page read first); the request that changes one
    # reads them before it saves and must render the change, not what it read.
    comment = authors_with_reactions
    client.force_login(stakeholder)
    client.get(section.url)
    url = f"/consultation/comments/{comment.pk}/react/"
    answer = client.post(url, {"reaction": "agree"}, HTTP_X_HUB_FRAGMENT="1").content.decode()
    assert 'value="none" data-hub-reaction="agree" aria-pressed="true"' in answer
    answer = client.post(url, {"reaction": "none"}, HTTP_X_HUB_FRAGMENT="1").content.decode()
    assert 'data-hub-reaction="agree" aria-pressed="false"' in answer
