"""An id in a URL that no database column can hold answers 404, never a server error: every
pattern of the URL map with an integer slot, fed a 20-digit number (and 2**63, one past the
largest 64-bit id), by an anonymous visitor and by a superuser who passed the second factor
(who reaches every view), with GET and with POST."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from consultation.feedback.models import FeedbackItem
from consultation.models import Comment
from tests.support import factories
from tests.support.clients import SignedInClient
from tests.support.consultation_factories import TopicFactory, comment_on, consultation_on
from tests.support.url_map import routes

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

TOO_LARGE = ("99999999999999999999", str(2**63))


def acceptable(response):
    if response.status_code == 404:
        return True
    return response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.fixture
def consultation(site_tree):
    # Slug slots of the sample addresses are "x": the views reach a real consultation.
    consultation = consultation_on(site_tree["section"], slug="x")
    TopicFactory(consultation=consultation)
    return consultation


@pytest.mark.parametrize("number", TOO_LARGE)
def test_every_integer_slot_answers_404_when_out_of_range(consultation, number):
    superuser = factories.ProfileFactory(user__is_staff=True, user__is_superuser=True).user
    TOTP.activate(superuser, generate_totp_secret())
    with_ids = [route for route in routes(int_value=number) if route.int_slots]
    paths = {route.path for route in with_ids}
    assert f"/consultation/x/sections/{number}/comment/" in paths
    assert f"/admin/pages/{number}/edit/" in paths
    assert len(with_ids) > 100

    failures = []
    anonymous = Client(raise_request_exception=False)
    staff = SignedInClient(raise_request_exception=False)
    staff.force_login(superuser)
    for route in with_ids:
        for who, client in (("anonymous", anonymous), ("superuser", staff)):
            for method in (client.get, client.post):
                response = method(route.path)
                if not acceptable(response):
                    failures.append((route.path, who, method.__name__, response.status_code))
    assert failures == []


def test_the_largest_id_is_still_looked_up(client, site_tree, consultation):
    """The bound is the database's, not lower: 2**63 - 1 is an id like any other."""
    comment = comment_on(site_tree["section"], consultation=consultation)
    Comment.objects.filter(pk=comment.pk).update(id=2**63 - 1)
    # Its feedback item follows it (the foreign key is checked at the end of the test).
    FeedbackItem.objects.filter(comment_id=comment.pk).update(comment_id=2**63 - 1)
    assert client.get(f"/consultation/comments/{2**63 - 1}/").status_code == 200
