"""Every role against every view of the consultation app, with the status code each should
get. One test per role walks all the views; each write gets a fresh target so that one
check never changes the next."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from consultation.models import BlockedUser
from hub.accounts.rules import EDITORS, MODERATORS, WORKING_GROUP
from tests import factories
from tests.consultation.conftest import in_group, paragraph_ids, with_mfa
from tests.consultation.factories import comment_on

pytestmark = pytest.mark.django_db

# (name, method, url template, POST data). Templates use {slug}, {section}, {paragraph},
# {topic}, {comment} (a comment by the "author" role) and {person} (a stakeholder).
SECTION = "/consultation/{slug}/sections/{section}"
COMMENT = "/consultation/comments/{comment}"
TOPIC = "/consultation/{slug}/discussion/{topic}"
MODERATION = "/consultation/moderation"
WRITE = {"body": "Hi", "key": "{key}"}

VIEWS = [
    ("section page", "get", "{section_url}", None),
    ("index", "get", "/consultation/", None),
    ("detail", "get", "/consultation/{slug}/", None),
    ("paragraph list", "get", SECTION + "/comments/{paragraph}/", None),
    ("permalink", "get", COMMENT + "/", None),
    ("discussion", "get", "/consultation/{slug}/discussion/", None),
    ("topic", "get", TOPIC + "/", None),
    ("my contributions", "get", "/consultation/my-contributions/", None),
    ("comment form", "get", SECTION + "/comment/?paragraph={paragraph}", None),
    ("comment", "post", SECTION + "/comment/?paragraph={paragraph}", WRITE),
    ("reply form", "get", COMMENT + "/reply/", None),
    ("reply", "post", COMMENT + "/reply/", WRITE),
    ("edit form", "get", COMMENT + "/edit/", None),
    ("edit", "post", COMMENT + "/edit/", {"body": "Changed"}),
    ("withdraw form", "get", COMMENT + "/withdraw/", None),
    ("withdraw", "post", COMMENT + "/withdraw/", {}),
    ("react", "post", COMMENT + "/react/", {"value": "agree"}),
    ("report form", "get", COMMENT + "/report/", None),
    ("report", "post", COMMENT + "/report/", {"reason": "spam"}),
    ("thread form", "get", TOPIC + "/new/", None),
    ("thread", "post", TOPIC + "/new/", {**WRITE, "title": "T"}),
    ("queue", "get", MODERATION + "/", None),
    ("moderation item", "get", MODERATION + "/items/{comment}/", None),
    ("decide", "post", MODERATION + "/items/{comment}/", {"action": "hide", "reason": "R"}),
    ("participant", "get", MODERATION + "/participants/{person}/", None),
    ("block", "post", MODERATION + "/participants/{person}/", {"do": "block", "reason": "R"}),
    ("audit log", "get", MODERATION + "/log/", None),
]

PUBLIC = {
    "section page": 200, "index": 200, "detail": 200, "paragraph list": 200, "permalink": 200,
    "discussion": 200, "topic": 200,
}  # fmt: skip
STAFF = ["queue", "moderation item", "decide", "participant", "block", "audit log"]
PARTICIPANT_WRITES = {
    "comment form": 200, "comment": 302, "reply form": 200, "reply": 302, "react": 302,
    "report form": 200, "report": 302, "thread form": 200, "thread": 302,
}  # fmt: skip
NOT_AUTHOR = {"edit form": 403, "edit": 403, "withdraw form": 403, "withdraw": 403}

ANONYMOUS = {
    **PUBLIC,
    **{name: 302 for name, *_ in VIEWS if name not in PUBLIC},  # to the sign-in page
}
CANNOT_PARTICIPATE = {
    **PUBLIC,
    "my contributions": 200,
    **dict.fromkeys(PARTICIPANT_WRITES, 403),
    **NOT_AUTHOR,
    **dict.fromkeys(STAFF, 403),
}
STAKEHOLDER = {
    **PUBLIC,
    "my contributions": 200,
    **PARTICIPANT_WRITES,
    **NOT_AUTHOR,
    **dict.fromkeys(STAFF, 403),
}
AUTHOR = {
    **STAKEHOLDER,
    "edit form": 200, "edit": 302, "withdraw form": 200, "withdraw": 302,
    "react": 403, "report form": 403, "report": 403,  # not on one's own words
}  # fmt: skip
MODERATOR = {**STAKEHOLDER, **dict.fromkeys(STAFF, 200), "decide": 302, "block": 302}
MODERATOR_WITHOUT_MFA = {**STAKEHOLDER, **dict.fromkeys(STAFF, 302)}  # to MFA set-up

EXPECTED = {
    "anonymous": ANONYMOUS,
    "unverified email": CANNOT_PARTICIPATE,
    "incomplete profile": CANNOT_PARTICIPATE,
    "blocked": CANNOT_PARTICIPATE,
    "stakeholder": STAKEHOLDER,
    "other stakeholder": STAKEHOLDER,
    "author": AUTHOR,
    "moderator": MODERATOR,
    "moderator without MFA": MODERATOR_WITHOUT_MFA,
    "working group": MODERATOR,
    "editor": STAKEHOLDER,
}


def test_every_view_is_in_every_role():
    names = {name for name, *_ in VIEWS}
    for role, expected in EXPECTED.items():
        assert set(expected) == names, role


def make_user(role):
    if role == "anonymous":
        return None
    if role == "unverified email":
        user = factories.ProfileFactory(user__verified=False).user
        user.save()  # the factory saves the password only for verified users
        EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
        return user
    if role == "incomplete profile":
        return factories.ProfileFactory(completed_at=None).user
    user = factories.ProfileFactory().user
    if role == "blocked":
        BlockedUser.objects.create(user=user, reason="Spam")
    elif role in ("moderator", "moderator without MFA"):
        in_group(user, MODERATORS)
    elif role == "working group":
        in_group(user, WORKING_GROUP)
    elif role == "editor":
        in_group(user, EDITORS)
    if role in ("moderator", "working group", "editor"):
        with_mfa(user)
    return user


@pytest.mark.parametrize("role", list(EXPECTED))
def test_role_against_every_view(client, section, consultation, topic, role):
    Group.objects.get_or_create(name=MODERATORS)
    user = make_user(role)
    author = user if role == "author" else factories.ProfileFactory().user
    person = factories.ProfileFactory().user
    if user is not None:
        client.force_login(user)
    pid = paragraph_ids(section)[0]
    failures = []
    for number, (name, method, template, data) in enumerate(VIEWS):
        target = comment_on(section, consultation=consultation, author=author, paragraph_id=pid)
        values = {
            "section_url": section.url,
            "slug": consultation.slug,
            "section": section.pk,
            "paragraph": pid,
            "topic": topic.pk,
            "comment": target.pk,
            "person": person.pk,
            "key": f"{role}-{number}",
        }
        url = template.format(**values)
        payload = {key: value.format(**values) for key, value in (data or {}).items()}
        response = client.post(url, payload) if method == "post" else client.get(url)
        if response.status_code != EXPECTED[role][name]:
            failures.append((name, response.status_code, EXPECTED[role][name]))
    assert not failures, failures
