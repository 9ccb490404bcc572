"""The preferences page, and unsubscribing from the link in an email without signing in:
a confirmation page on GET, RFC 8058 one-click POST, and a clear page for any bad link."""

import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from consultation.notifications import tokens
from consultation.notifications.models import Kind, Preferences, Subscriber
from tests.support.notification_factories import SubscriberFactory

pytestmark = pytest.mark.django_db

PREFERENCES = "/notifications/preferences/"


@pytest.fixture(autouse=True)
def _site(home):
    return home


def unsubscribe_url(kind, token):
    return reverse("notifications:unsubscribe", args=[kind, token])


def preferences_of(user):
    row = Preferences.objects.filter(user=user).first()
    if row is None:
        return {"replies": True, "moderation": True, "new_versions": True}
    return {"replies": row.replies, "moderation": row.moderation, "new_versions": row.new_versions}


# ---------------------------------------------------------------------------------------
# Preferences page


def test_preferences_need_signing_in(client):
    response = client.get(PREFERENCES)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.post(PREFERENCES, {}).status_code == 302
    assert not Preferences.objects.exists()


def test_the_profile_page_links_to_the_choices(stakeholder_client):
    html = stakeholder_client.get(reverse("profile_edit")).content.decode()
    assert f'<a href="{PREFERENCES}">Choose which emails we send you</a>' in html


def test_everything_is_on_until_changed(stakeholder_client):
    html = stakeholder_client.get(PREFERENCES).content.decode()
    for kind in ("replies", "moderation", "new_versions"):
        assert f'id="id_{kind}" name="{kind}" type="checkbox" value="on" checked' in html
        assert f'<label class="nhsuk-label nhsuk-checkboxes__label" for="id_{kind}">' in html


def test_saving_choices(stakeholder_client, user):
    response = stakeholder_client.post(PREFERENCES, {"new_versions": "on"}, follow=True)
    assert response.redirect_chain == [(PREFERENCES, 302)]
    html = response.content.decode()
    assert "Your email choices have been saved." in html
    assert 'id="id_replies" name="replies" type="checkbox" value="on" aria' in html
    assert preferences_of(user) == {"replies": False, "moderation": False, "new_versions": True}

    stakeholder_client.post(PREFERENCES, {"replies": "on", "moderation": "on", "junk": "x" * 10})
    assert preferences_of(user) == {"replies": True, "moderation": True, "new_versions": False}


def test_preferences_need_the_csrf_token(user):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(PREFERENCES, {}).status_code == 403
    assert not Preferences.objects.exists()


# ---------------------------------------------------------------------------------------
# Unsubscribing from a link


def test_the_link_asks_before_unsubscribing(client, user):
    url = unsubscribe_url(Kind.REPLIES, tokens.unsubscribe_token(Kind.REPLIES, user=user))
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Stop emails about replies to your comments?" in html
    assert '<button class="nhsuk-button" type="submit"' in html
    assert preferences_of(user)["replies"] is True

    done = client.post(url)
    assert done.status_code == 200
    assert "We will not send you emails about replies to your comments any more." in (
        done.content.decode()
    )
    assert preferences_of(user) == {"replies": False, "moderation": True, "new_versions": True}

    again = client.post(url)
    assert "You were already unsubscribed" in again.content.decode()


@pytest.mark.parametrize("kind", [Kind.REPLIES, Kind.MODERATION, Kind.NEW_VERSIONS])
def test_one_click_unsubscribe_from_a_mail_program(user, kind):
    # RFC 8058: the mail program POSTs this body to the List-Unsubscribe address, with no
    # cookie and no CSRF token.
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        unsubscribe_url(kind, tokens.unsubscribe_token(kind, user=user)),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert preferences_of(user)[kind] is False
    assert sum(preferences_of(user).values()) == 2


def test_one_click_unsubscribe_of_an_address():
    subscriber = SubscriberFactory()
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_url(
            Kind.UPDATES, tokens.unsubscribe_token(Kind.UPDATES, subscriber=subscriber)
        ),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscriber.objects.exists()


def test_a_link_for_a_deleted_account_does_no_harm(client, user):
    url = unsubscribe_url(Kind.REPLIES, tokens.unsubscribe_token(Kind.REPLIES, user=user))
    user.delete()
    response = client.post(url)
    assert response.status_code == 200
    assert "You were already unsubscribed" in response.content.decode()


def _tampered(token):
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")


def _long_ago(payload, salt):
    class LongAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 400 * 86400)

    return LongAgo(salt=salt).sign_object(payload)


def bad_links(user, subscriber):
    replies = tokens.unsubscribe_token(Kind.REPLIES, user=user)
    return {
        "tampered": (Kind.REPLIES, _tampered(replies), "does not work"),
        "other payload, same signature": (
            Kind.REPLIES,
            signing.dumps({"u": user.pk + 1}, salt="x").split(":", 1)[0]
            + ":"
            + replies.split(":", 1)[1],
            "does not work",
        ),
        "wrong salt: replies link used for moderation": (Kind.MODERATION, replies, "does not work"),
        "address link used for an account kind": (
            Kind.REPLIES,
            tokens.unsubscribe_token(Kind.UPDATES, subscriber=subscriber),
            "does not work",
        ),
        "confirmation link used to unsubscribe": (
            Kind.UPDATES,
            tokens.confirmation_token(subscriber),
            "does not work",
        ),
        "unsigned": (Kind.REPLIES, signing.dumps({"u": user.pk}, key="guessed"), "does not work"),
        "expired": (
            Kind.REPLIES,
            _long_ago({"u": user.pk}, tokens.unsubscribe_salt(Kind.REPLIES)),
            "has expired",
        ),
        "signed, wrong shape": (
            Kind.REPLIES,
            signing.dumps({"u": "1 OR 1=1"}, salt=tokens.unsubscribe_salt(Kind.REPLIES)),
            "does not work",
        ),
        "garbage": (Kind.REPLIES, "garbage", "does not work"),
        "colons": (Kind.REPLIES, ":::", "does not work"),
        "huge": (Kind.REPLIES, "A" * 5000, "does not work"),
        "unicode": (Kind.REPLIES, "💥é\u202e:x:y", "does not work"),
        "percent-encoded": (Kind.REPLIES, "%00%0d%0aSet-Cookie:x", "does not work"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "tampered",
        "other payload, same signature",
        "wrong salt: replies link used for moderation",
        "address link used for an account kind",
        "confirmation link used to unsubscribe",
        "unsigned",
        "expired",
        "signed, wrong shape",
        "garbage",
        "colons",
        "huge",
        "unicode",
        "percent-encoded",
    ],
)
def test_bad_links_get_a_clear_page_and_change_nothing(client, user, case):
    subscriber = SubscriberFactory()
    kind, token, words = bad_links(user, subscriber)[case]
    url = unsubscribe_url(kind, token)
    for response in (
        client.get(url),
        client.post(url),
        client.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        ),
    ):
        assert response.status_code == 400, case
        assert f"This link {words}" in response.content.decode()
    assert preferences_of(user) == {"replies": True, "moderation": True, "new_versions": True}
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_an_unknown_kind_of_email_is_not_found(client, user):
    token = tokens.unsubscribe_token(Kind.REPLIES, user=user)
    assert client.get(f"/notifications/unsubscribe/everything/{token}/").status_code == 404
    assert client.post(f"/notifications/unsubscribe/everything/{token}/").status_code == 404


def test_the_confirmation_link_refuses_an_unsubscribe_token(client, user):
    subscriber = SubscriberFactory(confirmed_at=None)
    token = tokens.unsubscribe_token(Kind.UPDATES, subscriber=subscriber)
    response = client.post(reverse("notifications:subscription_confirm", args=[token]))
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None
