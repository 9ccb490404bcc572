"""The permission matrix for a section an editor restricted in Wagtail (page privacy: a
password, signed-in people only, or a group). Whoever the restriction keeps out finds
nothing of the section through the consultation: its comments, their permalinks and lists,
the forms to comment, reply, react, report, edit and withdraw answer 404 (or ask an
anonymous visitor to sign in first, where signing in comes before anything else); the
consultation's page does not list the section or count its comments; "your contributions"
leaves out what is on it. Whoever the restriction lets in (the right password entered in
this session, signed in, in the group) gets exactly what they get on an open section."""

import re

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from tests.support import factories
from tests.support.consultation_factories import comment_on, paragraph_ids
from tests.support.permissions import EXPECTED, ROLES, VIEWS, make_user, sign_in, values_maker, walk

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

ON_THE_SECTION = [
    "paragraph list", "permalink", "comment form", "comment", "reply form", "reply",
    "edit form", "edit", "withdraw form", "withdraw", "react", "report form", "report",
]  # fmt: skip
ROWS = [row for row in VIEWS if row[0] in ON_THE_SECTION]
# Views that ask an anonymous visitor to sign in before they look at anything.
SIGN_IN_FIRST = {"edit form", "edit", "withdraw form", "withdraw", "report form", "report"}

PAGE_PASSWORD = "open sesame"
REVIEWERS = "Clinical reviewers"
RESTRICTIONS = ("password", "login", "groups")
# Who each restriction lets in: the stakeholder enters the page's password first; the other
# stakeholder is in the group the section is restricted to.
LET_IN = {
    "password": {"stakeholder"},
    "login": {role for role in ROLES if role != "anonymous"},
    "groups": {"other stakeholder"},
}


def kept_out(role):
    return {
        name: "login" if role == "anonymous" and name in SIGN_IN_FIRST else 404
        for name in ON_THE_SECTION
    }


def restrict(section, kind):
    PageViewRestriction.objects.filter(page=section).delete()
    restriction = PageViewRestriction.objects.create(
        page=section,
        restriction_type={
            "password": PageViewRestriction.PASSWORD,
            "login": PageViewRestriction.LOGIN,
            "groups": PageViewRestriction.GROUPS,
        }[kind],
        password=PAGE_PASSWORD if kind == "password" else "",
    )
    if kind == "groups":
        restriction.groups.add(Group.objects.get_or_create(name=REVIEWERS)[0])
    return restriction


def let_in(client, role, user, restriction, section):
    """What the role does to pass the restriction, as people do it."""
    if role == "stakeholder" and restriction.restriction_type == PageViewRestriction.PASSWORD:
        response = client.post(
            f"/_util/authenticate_with_password/{restriction.pk}/{section.pk}/",
            {"password": PAGE_PASSWORD, "return_url": section.url},
        )
        assert response.status_code == 302
        assert response.url == section.url
    if role == "other stakeholder":
        user.groups.add(Group.objects.get_or_create(name=REVIEWERS)[0])


@pytest.mark.parametrize("role", ROLES)
def test_role_against_a_restricted_section(client, section, consultation, topic, role):
    user = make_user(role)
    author = user if role == "author" else factories.ProfileFactory().user
    person = factories.ProfileFactory().user
    sign_in(client, role, user)
    failures = {}
    for kind in RESTRICTIONS:
        restriction = restrict(section, kind)
        let_in(client, role, user, restriction, section)
        expected = (
            {name: EXPECTED[role][name] for name in ON_THE_SECTION}
            if role in LET_IN[kind]
            else kept_out(role)
        )
        values_for = values_maker(
            role=f"{role} {kind}",
            section=section,
            consultation=consultation,
            topic=topic,
            author=author,
            person=person,
        )
        failures[kind] = walk(client, ROWS, expected, values_for)
    assert not any(failures.values()), failures


@pytest.mark.parametrize("kind", RESTRICTIONS)
def test_a_restricted_section_is_not_listed_or_counted_for_those_kept_out(
    client, section, consultation, kind
):
    author = factories.ProfileFactory().user
    pid = paragraph_ids(section)[0]
    mine = comment_on(section, consultation=consultation, author=author, paragraph_id=pid)
    comment_on(section, consultation=consultation, paragraph_id=pid)
    restriction = restrict(section, kind)

    def shown():
        detail = client.get(consultation.get_absolute_url()).content.decode()
        counted = re.search(r"\((\d+) comments?\)", detail)
        contributions = client.get("/consultation/my-contributions/").content.decode()
        return (
            f'href="{section.url}"' in detail,
            counted.group(1) if counted else None,
            f'href="{mine.get_absolute_url()}"' in contributions,
        )

    if kind == "login":
        detail = client.get(consultation.get_absolute_url()).content.decode()
        assert f'href="{section.url}"' not in detail
        assert not re.search(r"\(\d+ comments?\)", detail)
    else:
        client.force_login(author)
        assert shown() == (False, None, False)

    # Let in: signed in, the page's password entered, or in the group.
    client.force_login(author)
    if kind == "password":
        client.post(
            f"/_util/authenticate_with_password/{restriction.pk}/{section.pk}/",
            {"password": PAGE_PASSWORD, "return_url": section.url},
        )
    elif kind == "groups":
        author.groups.add(Group.objects.get(name=REVIEWERS))
    assert shown() == (True, "2", True)


def test_a_restriction_on_a_parent_page_covers_its_sections(client, site_tree, consultation):
    section = site_tree["section"]
    comment = comment_on(section, consultation=consultation)
    assert client.get(comment.get_absolute_url()).status_code == 200
    PageViewRestriction.objects.create(
        page=site_tree["strategy"], restriction_type=PageViewRestriction.LOGIN
    )
    assert client.get(comment.get_absolute_url()).status_code == 404
    assert (
        f'href="{section.url}"' not in client.get(consultation.get_absolute_url()).content.decode()
    )
    client.force_login(factories.ProfileFactory().user)
    assert client.get(comment.get_absolute_url()).status_code == 200


def test_the_page_password_form_limits_guesses(client, section, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "page_password": "3/m/ip"}
    restriction = restrict(section, "password")
    url = f"/_util/authenticate_with_password/{restriction.pk}/{section.pk}/"
    for _ in range(3):
        response = client.post(url, {"password": "guess", "return_url": section.url})
        assert response.status_code == 200  # the form again, with its error
    response = client.post(url, {"password": PAGE_PASSWORD, "return_url": section.url})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert client.get(section.url).status_code == 200
    assert "password" in client.get(section.url).content.decode().lower()
    # Someone else, elsewhere, is not held up.
    elsewhere = client.post(
        url, {"password": PAGE_PASSWORD, "return_url": section.url}, REMOTE_ADDR="10.0.0.9"
    )
    assert elsewhere.status_code == 302
