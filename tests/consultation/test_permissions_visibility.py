"""What each role reads of contributions that are not public: hidden, waiting (pending),
rejected and withdrawn comments, replies and discussion posts. Their words (and a
moderator's reason) reach only their author and moderators with a second factor; a
withdrawn text reaches only those moderators. A moderator without a second factor reads
what any participant reads. Hidden and withdrawn ones keep their place in a thread as a
placeholder; waiting and rejected ones do not exist for anyone else (404)."""

import pytest
from django.urls import reverse

from consultation.models import Status
from tests.support import factories
from tests.support.consultation_factories import comment_on, paragraph_ids, post_in
from tests.support.permissions import MODERATING_ROLES, ROLES, make_user, outcome, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

NOT_PUBLIC = [Status.HIDDEN, Status.PENDING, Status.REJECTED, Status.WITHDRAWN]
PLACEHOLDER = {Status.HIDDEN, Status.WITHDRAWN}  # shown to everyone, without the words


def reads_words(role, status):
    """Whether `role` reads the words of a contribution in `status` by the "author" role."""
    if role in MODERATING_ROLES:
        return True
    return role == "author" and status != Status.WITHDRAWN


def sees_item(role, status):
    """Whether the contribution appears at all (with its words or as a placeholder)."""
    return status in PLACEHOLDER or role == "author" or role in MODERATING_ROLES


def words(kind, status):
    return f"Secret {kind} words of a {status} one zq-{kind}-{status}"


def reason(kind, status):
    return f"Moderator reason for the {status} {kind} zr-{kind}-{status}"


@pytest.fixture
def contributions(section, consultation, topic):
    """A published comment (with replies in every state), one comment and one discussion
    post in each state; all that is not published is by `author`, made by the test."""

    def make(author):
        pid = paragraph_ids(section)[0]
        anchor = comment_on(
            section, consultation=consultation, paragraph_id=pid, body="<p>Open words zq-open</p>"
        )
        made = {"anchor": anchor, "comment": {}, "reply": {}, "post": {}}
        for status in NOT_PUBLIC:
            made["comment"][status] = comment_on(
                section,
                consultation=consultation,
                author=author,
                paragraph_id=pid,
                body=f"<p>{words('comment', status)}</p>",
                status=status,
            )
            made["reply"][status] = comment_on(
                section,
                consultation=consultation,
                author=author,
                parent=anchor,
                body=f"<p>{words('reply', status)}</p>",
                status=status,
            )
            made["post"][status] = post_in(
                topic,
                author=author,
                title=f"Secret title zt-{status}",
                body=f"<p>{words('post', status)}</p>",
                status=status,
            )
            for kind in ("comment", "reply", "post"):
                item = made[kind][status]
                if status in (Status.HIDDEN, Status.REJECTED):
                    item.status_reason = reason(kind, status)
                    item.save(update_fields=["status_reason"])
        return made

    return make


def leaks(html, made, role, *, kinds=("comment", "reply", "post"), where, bodies=True):
    """Differences between what `html` shows and what `role` should read (a list of
    discussions, `bodies=False`, shows titles only: no words must be there at all)."""
    found = []
    for kind in kinds:
        for status in NOT_PUBLIC:
            expected = reads_words(role, status)
            shown = words(kind, status) in html
            if shown != (expected and bodies):
                found.append((where, kind, status, "words " + ("shown" if shown else "missing")))
            if status in (Status.HIDDEN, Status.REJECTED) and sees_item(role, status):
                shown = reason(kind, status) in html
                if shown != (bodies and (role == "author" or role in MODERATING_ROLES)):
                    found.append(
                        (where, kind, status, "reason " + ("shown" if shown else "missing"))
                    )
            if kind == "post" and (f"zt-{status}" in html) != expected:
                found.append((where, kind, status, "title"))
    return found


def in_thread(html, item):
    return f'id="{item.anchor}"' in html


@pytest.mark.parametrize("role", ROLES)
def test_what_each_role_reads_of_contributions_that_are_not_public(
    client, section, consultation, topic, contributions, role
):
    user = make_user(role)
    author = user if role == "author" else factories.ProfileFactory().user
    made = contributions(author)
    sign_in(client, role, user)
    pid = made["anchor"].paragraph_id
    failures = []

    pages = {
        "section page": client.get(f"{section.url}?paragraph={pid}"),
        "paragraph list": client.get(
            f"/consultation/{consultation.slug}/sections/{section.pk}/comments/{pid}/"
        ),
        "thread permalink": client.get(made["anchor"].get_absolute_url()),
    }
    for where, response in pages.items():
        assert response.status_code == 200, where
        html = response.content.decode()
        kinds = ("reply",) if where == "thread permalink" else ("comment", "reply")
        failures += leaks(html, made, role, kinds=kinds, where=where)
        for kind in kinds:
            for status, item in made[kind].items():
                if in_thread(html, item) != sees_item(role, status):
                    failures.append((where, kind, status, "placeholder"))

    for kind in ("comment", "post"):
        for status, item in made[kind].items():
            response = client.get(item.get_absolute_url())
            expected = 200 if sees_item(role, status) else 404
            if response.status_code != expected:
                failures.append(("permalink", kind, status, response.status_code, expected))
            failures += [
                problem
                for problem in leaks(response.content.decode(), made, role, where="permalink")
                if problem[1:3] == (kind, status)
            ]
    for status, item in made["reply"].items():
        # A reply's permalink is its thread's, at the reply.
        response = client.get(item.get_absolute_url())
        expected = 302 if sees_item(role, status) else 404
        if outcome(response) != expected:
            failures.append(("reply permalink", status, outcome(response), expected))

    topic_page = client.get(topic.get_absolute_url()).content.decode()
    failures += leaks(topic_page, made, role, kinds=("post",), where="topic", bodies=False)
    assert not failures, failures


@pytest.mark.parametrize("role", ["moderator", "working group", "moderator without MFA"])
def test_the_moderation_view_of_what_is_not_public(client, contributions, role):
    """Moderators with a second factor read the words where they moderate them and are
    offered the moderation page from the thread; without one, the words stay out of reach
    (the staff pages send them to set up a second factor first)."""
    user = make_user(role)
    made = contributions(factories.ProfileFactory().user)
    client.force_login(user)
    verified = role != "moderator without MFA"
    failures = []
    for kind in ("comment", "reply", "post"):
        for status, item in made[kind].items():
            page = client.get(reverse("consultation:moderation_item", args=[item.pk]))
            if verified:
                html = page.content.decode()
                if page.status_code != 200 or words(kind, status) not in html:
                    failures.append(("moderation item", kind, status, page.status_code))
            elif outcome(page) != "mfa":
                failures.append(("moderation item", kind, status, outcome(page)))
            if kind == "reply":
                continue
            permalink = client.get(item.get_absolute_url())
            html = permalink.content.decode()
            offered = f'href="{item.moderation_url}"' in html
            if verified and not (words(kind, status) in html and offered):
                failures.append(("permalink", kind, status, "no moderation view"))
            if not verified and (words(kind, status) in html or offered):
                failures.append(("permalink", kind, status, "moderation view without MFA"))
    queue = client.get(reverse("consultation:moderation"), {"queue": "hidden"})
    if verified:
        html = queue.content.decode()
        for kind in ("comment", "reply", "post"):
            for status in (Status.HIDDEN, Status.REJECTED):
                if words(kind, status) not in html:
                    failures.append(("queue", kind, status, "missing"))
    elif outcome(queue) != "mfa":
        failures.append(("queue", outcome(queue)))
    assert not failures, failures
