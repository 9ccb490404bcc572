"""The write views of the permission matrix for a consultation that has closed, one not yet
open, and one whose comments are private; and what each role reads in the private one.

After closing (and before opening) nothing can be added, edited or reacted to; withdrawing
one's words and reporting someone else's stay possible (consultation/rules.py: can_withdraw
and can_flag do not look at the window). A private consultation shows each person only
their own comments (and everything to moderators with a second factor), and has no board."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.support import factories
from tests.support.consultation_factories import (
    ConsultationFactory,
    TopicFactory,
    comment_on,
    paragraph_ids,
)
from tests.support.permissions import (
    MODERATING_ROLES,
    ROLES,
    VIEWS,
    make_user,
    outcome,
    sign_in,
    values_maker,
    walk,
)

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

WRITES = [
    "comment form", "comment", "reply form", "reply", "edit form", "edit", "withdraw form",
    "withdraw", "react", "report form", "report", "thread form", "thread",
]  # fmt: skip
WRITE_ROWS = [row for row in VIEWS if row[0] in WRITES]

CANNOT_PARTICIPATE = ("unverified email", "incomplete profile", "blocked")

# Closed or not yet open: the window refuses every write but withdrawing and reporting.
OUT_OF_WINDOW = {
    "anonymous": dict.fromkeys(WRITES, "login"),
    "cannot participate": dict.fromkeys(WRITES, 403),
    "participant": {
        **dict.fromkeys(WRITES, 403),
        "report form": 200, "report": 302,
    },
    "author": {
        **dict.fromkeys(WRITES, 403),
        "withdraw form": 200, "withdraw": 302,
    },
}  # fmt: skip

# Private: the target (a comment by the "author" role) does not exist for anyone else but
# moderators (404); new comments are welcome; the board does not exist (404).
NO_BOARD = {"thread form": 404, "thread": 404}
PRIVATE = {
    "anonymous": {
        **dict.fromkeys(WRITES, "login"),
        "reply form": 404, "reply": 404, "react": 404, **NO_BOARD,
    },
    "cannot participate": {
        **dict.fromkeys(WRITES, 404),
        "comment form": 403, "comment": 403,
    },
    "participant": {
        **dict.fromkeys(WRITES, 404),
        "comment form": 200, "comment": 302,
    },
    "author": {
        "comment form": 200, "comment": 302, "reply form": 200, "reply": 302,
        "edit form": 200, "edit": 302, "withdraw form": 200, "withdraw": 302,
        "react": 403, "report form": 403, "report": 403, **NO_BOARD,
    },
    "moderating": {
        "comment form": 200, "comment": 302, "reply form": 200, "reply": 302,
        "edit form": 403, "edit": 403, "withdraw form": 403, "withdraw": 403,
        "react": 302, "report form": 200, "report": 302,
        # Moderators can open a private consultation's board (can_view_discussion) but
        # nobody can start a thread in it, nor is the form offered.
        "thread form": 403, "thread": 403,
    },
}  # fmt: skip


def kind_of(role, *, private=False):
    if role in ("anonymous", "author"):
        return role
    if role in CANNOT_PARTICIPATE:
        return "cannot participate"
    if private and role in MODERATING_ROLES:
        return "moderating"
    return "participant"  # the moderator without MFA is one like any other


def consultation_in(phase, section):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    dates = {
        "closed": (now - 10 * day, now - day),
        "upcoming": (now + day, now + 10 * day),
        "private": (now - day, now + 5 * day),
    }[phase]
    consultation = ConsultationFactory(
        slug=f"{phase}-one",
        opens_at=dates[0],
        closes_at=dates[1],
        comments_public=phase != "private",
    )
    consultation.sections.add(section)
    return consultation


@pytest.mark.parametrize("role", ROLES)
def test_role_against_the_write_views(client, section, role):
    """One test per role (the site tree is the slow part to set up), walking each phase."""
    user = make_user(role)
    author = user if role == "author" else factories.ProfileFactory().user
    person = factories.ProfileFactory().user
    sign_in(client, role, user)
    failures = {}
    for phase in ("closed", "upcoming", "private"):
        consultation = consultation_in(phase, section)
        table = PRIVATE if phase == "private" else OUT_OF_WINDOW
        expected = table[kind_of(role, private=phase == "private")]
        values_for = values_maker(
            role=f"{role} {phase}",
            section=section,
            consultation=consultation,
            topic=TopicFactory(consultation=consultation),
            author=author,
            person=person,
        )
        failures[phase] = walk(client, WRITE_ROWS, expected, values_for)
    assert not any(failures.values()), failures


# ---------------------------------------------------------------------------------------
# Reading a private consultation


@pytest.fixture
def private(section):
    return consultation_in("private", section)


@pytest.mark.parametrize("role", ROLES)
def test_in_a_private_consultation_each_person_sees_only_their_own(client, section, private, role):
    user = make_user(role)
    mine_author = user if role == "author" else factories.ProfileFactory().user
    pid = paragraph_ids(section)[0]
    mine = comment_on(
        section,
        consultation=private,
        author=mine_author,
        paragraph_id=pid,
        body="<p>Words of the author role qx1</p>",
    )
    theirs = comment_on(
        section,
        consultation=private,
        paragraph_id=pid,
        body="<p>Words of somebody else qx2</p>",
    )
    topic = TopicFactory(consultation=private)
    sign_in(client, role, user)

    moderating = role in MODERATING_ROLES
    # Markers with spaces: every page carries a random 64-character CSRF token, which
    # holds a given three-character string about once in 4,000 pages.
    sees = {
        "author role qx1": role == "author" or moderating,
        "somebody else qx2": moderating,
    }
    list_url = f"/consultation/{private.slug}/sections/{section.pk}/comments/{pid}/"
    pages = {
        "section page": client.get(f"{section.url}?paragraph={pid}"),
        "paragraph list": client.get(list_url),
    }
    failures = []
    detail = client.get(private.get_absolute_url()).content.decode()
    counted = re.search(r"\((\d+) comments?\)", detail)
    visible = sum(sees.values())
    if (int(counted.group(1)) if counted else 0) != visible or (visible == 0 and counted):
        failures.append(("detail", "counts", counted and counted.group(0), visible))
    if "/discussion/" in detail and not moderating:
        failures.append(("detail", "links to a board that does not exist"))
    for page, response in pages.items():
        assert response.status_code == 200, page
        html = response.content.decode()
        for marker, visible in sees.items():
            if (marker in html) != visible:
                failures.append((page, marker, "shown" if not visible else "missing"))
        if "/discussion/" in html and not moderating:
            failures.append((page, "links to a board that does not exist"))

    for comment, marker in ((mine, "author role qx1"), (theirs, "somebody else qx2")):
        response = client.get(comment.get_absolute_url())
        expected = 200 if sees[marker] else 404
        if response.status_code != expected:
            failures.append(("permalink", marker, response.status_code, expected))
        if marker in response.content.decode() and not sees[marker]:
            failures.append(("permalink", marker, "shown"))

    board = {
        "discussion": client.get(f"/consultation/{private.slug}/discussion/"),
        "topic": client.get(topic.get_absolute_url()),
    }
    for page, response in board.items():
        expected = 200 if moderating else 404
        if response.status_code != expected:
            failures.append((page, response.status_code, expected))

    if user is not None:
        contributions = client.get("/consultation/my-contributions/").content.decode()
        listed = {
            comment.pk
            for comment in (mine, theirs)
            if f'href="{comment.get_absolute_url()}"' in contributions
        }
        if listed != ({mine.pk} if role == "author" else set()):
            failures.append(("my contributions", "lists what is not one's own"))
    assert not failures, failures


def test_no_reply_notification_reveals_a_private_comment(
    client, section, private, django_capture_on_commit_callbacks, mailoutbox
):
    """A reply in a private consultation is read only by its author and moderators, so its
    parent's author (who cannot see it) is not sent its text."""
    moderator = make_user("moderator")
    parent = comment_on(section, consultation=private, body="<p>My view</p>")
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(parent.reply_url, {"body": "A moderator's private note", "key": "k"})
    assert outcome(response) == 302
    assert not [m for m in mailoutbox if "private note" in m.body]
