"""Each named rule of consultation/rules.py, asked directly, for every role in each phase of
a consultation (upcoming, open, closed): one small parametrised test per rule, in the manner
of adhocracy+'s tests/documents/rules/. The target is a published contribution by the
"author" role, made just now (so the edit window is open). Further tests vary what the
views cannot show as directly: the target's state, private comments, the edit window, a
removed text and a resolved report."""

import datetime
from types import SimpleNamespace

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from consultation import conf, rules
from consultation.models import Flag, FlagReason, Status
from tests.support import factories
from tests.support.consultation_factories import ConsultationFactory, TopicFactory, post_in
from tests.support.permissions import MODERATING_ROLES, PASSWORD_ONLY, ROLES, make_user
from tests.support.shared_rows import fresh, remembered, rows_for_the_module

pytestmark = pytest.mark.django_db

PHASE_NAMES = ["upcoming", "open", "closed"]
# Outside a request a rule has no session to ask, so the moderator who signed in with the
# password alone is asked about in a request (test_can_moderate_asks_this_session).
ROLE_NAMES = [*(role for role in ROLES if role != PASSWORD_ONLY), "inactive account"]

PHASES = pytest.mark.parametrize("phase", PHASE_NAMES)
EACH_ROLE = pytest.mark.parametrize("role", ROLE_NAMES)

# Who may take part at all: an active account, a verified email, a completed profile, and
# no block. Moderators take part like anyone; a second factor matters only to moderate.
PARTICIPANTS = {
    "stakeholder", "other stakeholder", "author", "moderator", "moderator without MFA",
    "working group", "working group without MFA", "editor",
}  # fmt: skip
MODERATION_TEAM = {
    "moderator", "moderator without MFA", "working group", "working group without MFA",
}  # fmt: skip
BARRIERS = {
    "anonymous": "anonymous",
    "unverified email": "unverified",
    "incomplete profile": "profile",
    "blocked": "blocked",
    "inactive account": "inactive",
}


def person(role):
    if role == "anonymous":
        return AnonymousUser()
    if role == "inactive account":
        return factories.ProfileFactory(user__is_active=False).user
    return make_user(role)


def consultation_in(phase, *, comments_public=True):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    opens, closes = {
        "upcoming": (now + day, now + 3 * day),
        "open": (now - day, now + day),
        "closed": (now - 3 * day, now - day),
    }[phase]
    return ConsultationFactory(opens_at=opens, closes_at=closes, comments_public=comments_public)


def world_for(role, phase, *, status=Status.PUBLISHED, comments_public=True):
    """The person in `role` and a contribution in `status` by the "author" role."""
    user = person(role)
    author = user if role == "author" else factories.ProfileFactory().user
    consultation = consultation_in(phase, comments_public=comments_public)
    comment = post_in(TopicFactory(consultation=consultation), author=author, status=status)
    return SimpleNamespace(user=user, consultation=consultation, comment=comment)


@pytest.fixture(scope="module")
def _worlds(django_db_setup, django_db_blocker):
    """Every role's world in every phase, made once for the module's tests of one rule each
    (tests/support/shared_rows.py): they only ask, and what a test changes is rolled back."""
    with rows_for_the_module(django_db_blocker):
        worlds = {}
        for role in ROLE_NAMES:
            for phase in PHASE_NAMES:
                made = world_for(role, phase)
                worlds[role, phase] = remembered(
                    {"consultation": made.consultation, "comment": made.comment}
                    | ({} if role == "anonymous" else {"user": made.user})
                )
        yield worlds


@pytest.fixture
def world(_worlds, role, phase, db):
    """The shared world of `role` in `phase`, read afresh so no test sees another's objects."""
    return SimpleNamespace(**{"user": AnonymousUser(), **fresh(_worlds[role, phase])})


# ---------------------------------------------------------------------------------------
# One test per rule, for every role in every phase


@PHASES
@EACH_ROLE
def test_can_contribute(world, role, phase):
    expected = phase == "open" and role in PARTICIPANTS
    assert rules.can_contribute(world.user, world.consultation) is expected


@PHASES
@EACH_ROLE
def test_can_start_thread(world, role, phase):
    expected = phase == "open" and role in PARTICIPANTS
    assert rules.can_start_thread(world.user, world.consultation) is expected


@PHASES
@EACH_ROLE
def test_can_reply(world, role, phase):
    expected = phase == "open" and role in PARTICIPANTS
    assert rules.can_reply(world.user, world.comment) is expected


@PHASES
@EACH_ROLE
def test_can_react(world, role, phase):
    """Not on one's own words."""
    expected = phase == "open" and role in PARTICIPANTS and role != "author"
    assert rules.can_react(world.user, world.comment) is expected


@PHASES
@EACH_ROLE
def test_can_edit(world, role, phase):
    """Only the author, only while the consultation is open (and within the window)."""
    expected = phase == "open" and role == "author"
    assert rules.can_edit(world.user, world.comment) is expected


@PHASES
@EACH_ROLE
def test_can_withdraw(world, role, phase):
    """The author, at any time, even after closing."""
    assert rules.can_withdraw(world.user, world.comment) is (role == "author")


@PHASES
@EACH_ROLE
def test_can_flag(world, role, phase):
    """Participants report others' published words in any phase (safety after closing)."""
    expected = role in PARTICIPANTS and role != "author"
    assert rules.can_flag(world.user, world.comment) is expected


@PHASES
@EACH_ROLE
def test_can_view_comment(world, role, phase):
    """Published words in a public consultation stay readable in every phase."""
    assert rules.can_view_comment(world.user, world.comment) is True


@PHASES
@EACH_ROLE
def test_can_read_text(world, role, phase):
    assert rules.can_read_text(world.user, world.comment) is True


@PHASES
@EACH_ROLE
def test_can_moderate(world, role, phase):
    """Moderators and the working group, with a second factor (as the staff pages ask)."""
    assert rules.can_moderate(world.user) is (role in MODERATING_ROLES)


@pytest.mark.parametrize("entered_code", [True, False])
def test_can_moderate_asks_this_session(entered_code):
    """On a request, the signed-in moderator moderates only if this session passed the
    second factor; anyone else (an email being prepared for them) by their account, as
    outside a request."""
    moderator, colleague = make_user("moderator"), make_user("moderator")
    request = RequestFactory().get("/")
    request.session, request.user = SessionStore(), moderator
    if entered_code:
        record_authentication(request, moderator, "mfa", type="totp")
    with context.request_context(request):
        assert rules.can_moderate(moderator) is entered_code
        assert rules.can_moderate(colleague) is True
    assert rules.can_moderate(make_user(PASSWORD_ONLY)) is True


@PHASES
@EACH_ROLE
def test_in_moderation_team(world, role, phase):
    assert rules.in_moderation_team(world.user) is (role in MODERATION_TEAM)


@PHASES
@EACH_ROLE
def test_can_see_history(world, role, phase):
    expected = role == "author" or role in MODERATING_ROLES
    assert rules.can_see_history(world.user, world.comment) is expected


@PHASES
@EACH_ROLE
def test_can_view_discussion(world, role, phase):
    assert rules.can_view_discussion(world.user, world.consultation) is True


@PHASES
@EACH_ROLE
def test_is_author(world, role, phase):
    assert rules.is_author(world.user, world.comment) is (role == "author")


@PHASES
@EACH_ROLE
def test_is_blocked(world, role, phase):
    assert rules.is_blocked(world.user) is (role == "blocked")


@PHASES
@EACH_ROLE
def test_participation_barrier(world, role, phase):
    """The window speaks first; then what the person can do about it."""
    barrier = rules.participation_barrier(world.user, world.consultation, next_url="/here/")
    expected = phase if phase != "open" else BARRIERS.get(role)
    assert (barrier and barrier.code) == expected
    if expected in ("anonymous", "profile"):
        assert barrier.action_url.endswith("?next=%2Fhere%2F")
    if expected:
        assert barrier.message


# ---------------------------------------------------------------------------------------
# The target's state, while the consultation is open

STATES = [Status.PUBLISHED, Status.HIDDEN, Status.PENDING, Status.REJECTED, Status.WITHDRAWN]


@pytest.mark.parametrize("status", STATES)
@EACH_ROLE
def test_rules_on_a_contribution_in_each_state(role, status):
    world = world_for(role, "open", status=status)
    user, comment = world.user, world.comment
    own = role == "author"
    moderating = role in MODERATING_ROLES
    participant = role in PARTICIPANTS
    published = status == Status.PUBLISHED
    visible = own or moderating or status in (Status.PUBLISHED, Status.HIDDEN, Status.WITHDRAWN)
    if status == Status.WITHDRAWN:
        readable = moderating  # not even the author: withdrawn means taken back
    elif published:
        readable = visible
    else:
        readable = own or moderating
    expected = {
        "can_view_comment": visible,
        "can_read_text": readable,
        "can_reply": published and participant,
        "can_react": published and participant and not own,
        "can_edit": own and status in (Status.PENDING, Status.PUBLISHED),
        "can_withdraw": own and status != Status.WITHDRAWN,
        "can_flag": published and participant and not own,
        "can_see_history": own or moderating,
    }
    got = {name: getattr(rules, name)(user, comment) for name in expected}
    assert got == expected


@EACH_ROLE
def test_rules_in_a_private_consultation(role):
    """Comments that are not public: only their author and moderators see them, and there
    is no board, but everyone who takes part can comment."""
    world = world_for(role, "open", comments_public=False)
    user, comment, consultation = world.user, world.comment, world.consultation
    own = role == "author"
    moderating = role in MODERATING_ROLES
    participant = role in PARTICIPANTS
    expected = {
        "can_contribute": participant,
        "can_view_comment": own or moderating,
        "can_read_text": own or moderating,
        "can_reply": participant and (own or moderating),
        "can_react": participant and moderating and not own,
        "can_flag": participant and moderating and not own,
        "can_view_discussion": moderating,
        "can_start_thread": False,
    }
    about_consultation = ("can_contribute", "can_view_discussion", "can_start_thread")
    got = {
        name: getattr(rules, name)(user, consultation if name in about_consultation else comment)
        for name in expected
    }
    assert got == expected


# ---------------------------------------------------------------------------------------
# Time, removal and reports


def test_the_edit_window(settings):
    settings.CONSULTATION_EDIT_WINDOW_MINUTES = 15
    world = world_for("author", "open")
    comment = world.comment
    start = comment.created_at
    assert conf.edit_window() == datetime.timedelta(minutes=15)
    inside = start + datetime.timedelta(minutes=14, seconds=59)
    outside = start + datetime.timedelta(minutes=15)
    assert rules.edit_window_open(comment, inside)
    assert not rules.edit_window_open(comment, outside)
    assert rules.can_edit(world.user, comment, inside)
    assert not rules.can_edit(world.user, comment, outside)
    assert rules.can_withdraw(world.user, comment)  # withdrawing has no window


def test_rules_follow_the_time_they_are_asked_about():
    """`now` decides the phase: the same open consultation seen after its closing time."""
    world = world_for("stakeholder", "open")
    later = world.consultation.closes_at + datetime.timedelta(seconds=1)
    earlier = world.consultation.opens_at - datetime.timedelta(seconds=1)
    for when, code in ((later, "closed"), (earlier, "upcoming")):
        assert not rules.can_contribute(world.user, world.consultation, when)
        assert not rules.can_reply(world.user, world.comment, when)
        assert not rules.can_react(world.user, world.comment, when)
        assert rules.participation_barrier(world.user, world.consultation, now=when).code == code
    assert rules.can_contribute(world.user, world.consultation, world.consultation.opens_at)
    assert not rules.can_contribute(world.user, world.consultation, world.consultation.closes_at)


@pytest.mark.parametrize("role", ["author", *MODERATING_ROLES, "stakeholder"])
def test_a_removed_text_is_read_by_nobody(role):
    world = world_for(role, "open", status=Status.WITHDRAWN)
    world.comment.purged_at = timezone.now()
    assert not rules.can_read_text(world.user, world.comment)


def test_has_flagged_counts_only_open_reports():
    world = world_for("stakeholder", "open")
    assert not rules.has_flagged(world.user, world.comment)
    flag = Flag.objects.create(comment=world.comment, flagged_by=world.user, reason=FlagReason.SPAM)
    assert rules.has_flagged(world.user, world.comment)
    flag.resolved_at = timezone.now()
    flag.save()
    assert not rules.has_flagged(world.user, world.comment)
    assert not rules.has_flagged(AnonymousUser(), world.comment)


def test_every_rule_has_a_test():
    """A new rule in consultation/rules.py needs a test here."""
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    tested |= {"edit_window_open", "has_flagged"}  # the window and report tests
    public = {
        name
        for name, value in vars(rules).items()
        if callable(value)
        and getattr(value, "__module__", "") == rules.__name__
        and not name.startswith("_")
        and name[0].islower()
    }
    assert public <= tested, sorted(public - tested)
