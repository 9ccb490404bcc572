"""Every role against every view of the consultation and notifications apps, with the result
each should get. One test per role walks all the views; each write gets a fresh target so
that one check never changes the next. A redirect counts by where it goes: to the sign-in
page ("login"), to setting up a second factor ("mfa"), or onwards after success (302).

The walk covers an open consultation with public comments; test_permissions_phases.py walks
the same rows for closed, upcoming and private ones, test_permissions_visibility.py checks
what each role reads of contributions that are not public, and test_permissions_rules.py
asks each rule directly."""

from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from consultation import urls as consultation_urls
from consultation.notifications import tokens
from consultation.notifications import urls as notifications_urls
from consultation.notifications.models import Kind
from tests.support import factories
from tests.support.permissions import (
    EXPECTED,
    QUESTIONNAIRE_VIEWS,
    ROLES,
    VIEWS,
    make_user,
    sign_in,
    tampered,
    values_maker,
    walk,
)

pytestmark = pytest.mark.shared_site_tree

# Stand-ins for the template slots, to name the view each row reaches without a database.
SAMPLE_VALUES = {
    "section_url": "/strategy/ambition-one/",
    "slug": "draft",
    "section": 1,
    "paragraph": "5b2c",
    "topic": 1,
    "comment": 1,
    "item": 1,
    "person": 1,
    "key": "k",
    "unsubscribe": "token",
    "unsubscribe_bad": "token",
    "confirm": "token",
    "confirm_bad": "token",
    "email": "a@example.org",
    "batch": 1,
    "imported_batch": 1,
    "suggestion": 1,
    "rejected": 1,
    "theme": 1,
    "quote": 1,
    "response": 1,
    "campaign": 1,
    "code_import": 1,
    "consultation": 1,
    "coding_action": 1,
}


def test_every_view_is_in_every_role():
    names = [name for name, *_ in VIEWS]
    assert len(names) == len(set(names))
    for role, expected in EXPECTED.items():
        assert set(expected) == set(names), role


def _names(patterns, namespace):
    """The view names a URL module declares, those of the modules it includes too."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _names(pattern.url_patterns, ":".join([namespace, pattern.namespace]))
        else:
            yield f"{namespace}:{pattern.name}"


def _app_view_names():
    """Every named URL of the consultation app and of the notifications app: as the URL
    modules declare them, and as mounted in the site's URL map (anything whose view lives
    in the consultation package, wherever hub/urls.py includes it)."""
    declared = set(_names(consultation_urls.urlpatterns, "consultation"))
    declared |= set(_names(notifications_urls.urlpatterns, "notifications"))

    mounted = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                module = getattr(pattern.callback, "__module__", "") or ""
                if module.startswith("consultation."):
                    mounted.add(":".join(filter(None, [namespace, pattern.name])))

    walk(get_resolver().url_patterns, "")
    return declared, mounted


def test_the_matrix_walks_every_view_of_the_apps():
    """A new URL in consultation/urls.py or the notifications app needs a row above (or,
    for the questionnaire's pages, in their own matrix)."""
    declared, mounted = _app_view_names()
    assert declared <= mounted, f"declared but not mounted: {sorted(declared - mounted)}"
    walked = {
        resolve(urlsplit(template.format(**SAMPLE_VALUES)).path).view_name
        for _name, _method, template, _data in VIEWS + QUESTIONNAIRE_VIEWS
    }
    missing = sorted(mounted - walked)
    assert not missing, f"views without a row in the permission matrix: {missing}"


def test_tampered_tokens_are_refused():
    token = signing.dumps({"u": 1}, salt=tokens.unsubscribe_salt(Kind.REPLIES))
    assert tokens.read_unsubscribe_token(Kind.REPLIES, token).valid
    assert tokens.read_unsubscribe_token(Kind.REPLIES, tampered(token)).problem == "invalid"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_role_against_every_view(client, section, consultation, topic, role):
    user = make_user(role)
    author = user if role == "author" else factories.ProfileFactory().user
    person = factories.ProfileFactory().user
    sign_in(client, role, user)
    values_for = values_maker(
        role=role,
        section=section,
        consultation=consultation,
        topic=topic,
        author=author,
        person=person,
    )
    failures = walk(client, VIEWS, EXPECTED[role], values_for)
    assert not failures, failures
