"""Two-factor authentication through HTTP: the gate in front of every staff area, setting
up an authenticator app with a real TOTP code, the code step at sign-in, recovery codes,
and the `staff_view` decorator other apps use. Codes come from allauth's own helpers."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    generate_totp_secret,
)
from django.contrib.auth.models import Group, Permission
from django.http import HttpResponse
from django.urls import URLResolver, clear_url_caches, get_resolver, include, path
from django.urls.resolvers import RegexPattern
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access

from hub import urls as hub_urls
from hub.accounts import rules
from hub.accounts.decorators import staff_view
from tests.support import factories
from tests.support.accounts import (
    PASSWORD,
    person,
    sign_in,
    signed_in_long_ago,
    superuser,
    totp_code,
    with_totp,
)


@staff_view(rules.is_moderator)
def moderation_probe(request):
    return HttpResponse("moderation queue")


# A URL map for the staff_view tests: the site's own, plus one decorated view.
urlpatterns = [
    path("consultation/moderation/probe/", moderation_probe),
    path("reports/probe/", moderation_probe),
    path("", include(hub_urls)),
]


@pytest.fixture(autouse=True)
def _totp_tolerance(settings):
    # A code made just before a 30-second step ends must still be accepted after it.
    settings.MFA_TOTP_TOLERANCE = 1


def confirm_password(client, response):
    """allauth asks for the password again before authenticators are added or removed."""
    assert response.status_code == 302
    assert response.url.startswith("/accounts/reauthenticate/?next=")
    page = client.get(response.url)
    assert b'<label class="nhsuk-label" for="id_password">' in page.content
    return client.post(response.url, {"password": PASSWORD})


STAFF_ROLES = {
    "superuser": lambda: superuser(),
    "editor": lambda: person(groups=[rules.EDITORS]),
    "moderator": lambda: person(groups=[rules.MODERATORS]),
    "working group": lambda: person(groups=[rules.WORKING_GROUP]),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_set_up_an_authenticator_before_the_admin_and_land_there(client, role):
    user = STAFF_ROLES[role]()
    assert sign_in(client, user).status_code == 302

    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/totp/activate/?next=%2Fadmin%2Fpages%2F"

    # Just signed in: the password is not asked for again (issue 9, point 15).
    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "You need to set up two-factor authentication" in html
    assert "<h1>Set up two-factor authentication</h1>" in html
    assert '<input type="hidden" name="next" value="/admin/pages/">' in html
    assert 'alt="QR code for your authenticator app.' in html
    assert '<label class="nhsuk-label" for="id_code">' in html
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in html

    response = client.post(
        "/accounts/2fa/totp/activate/", {"code": "000000", "next": "/admin/pages/"}
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert not Authenticator.objects.filter(user=user).exists()

    response = client.post(
        "/accounts/2fa/totp/activate/", {"code": totp_code(secret), "next": "/admin/pages/"}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/recovery-codes/?next=%2Fadmin%2Fpages%2F"
    assert rules.has_mfa(user)

    codes_page = client.get(response.url).content.decode()
    assert 'href="/admin/pages/"' in codes_page  # "Continue" back to where they were going
    codes = RecoveryCodes(
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    assert all(f"<code>{code}</code>" in codes_page for code in codes)

    response = client.get("/admin/pages/")
    if role == "superuser" or role == "editor":
        assert response.status_code == 200
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_moderation_paths_are_gated_too(client, settings):
    settings.ROOT_URLCONF = __name__
    user = person(groups=[rules.MODERATORS])
    client.force_login(user)
    response = client.get("/consultation/moderation/probe/?page=2")
    assert response.status_code == 302
    assert response.url == (
        "/accounts/2fa/totp/activate/?next=%2Fconsultation%2Fmoderation%2Fprobe%2F%3Fpage%3D2"
    )


@pytest.mark.django_db
def test_a_stakeholder_is_never_asked_for_a_second_factor(client):
    user = person()
    response = sign_in(client, user)
    assert response.status_code == 302
    assert response.url == "/"
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "2fa" not in response.url  # Wagtail refuses them; no authenticator asked for
    assert client.get("/accounts/profile/").status_code == 200


@pytest.mark.django_db
def test_sign_in_with_an_authenticator_asks_for_the_code(client):
    user = superuser()
    secret = with_totp(user)

    response = sign_in(client, user, next_url="/admin/")
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # not signed in yet

    page = client.get("/accounts/2fa/authenticate/").content.decode()
    assert '<label class="nhsuk-label" for="id_code">' in page

    response = client.post("/accounts/2fa/authenticate/", {"code": "123456"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b'<a href="#id_code">' in response.content
    assert "_auth_user_id" not in client.session

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once(client):
    user = person(groups=[rules.EDITORS])
    with_totp(user)
    code = RecoveryCodes.activate(user).get_unused_codes()[0]

    sign_in(client, user)
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/admin/").status_code == 200

    client.post("/accounts/logout/")
    sign_in(client, user)
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_wagtail_sign_in_page_is_replaced_by_allauth(client):
    user = superuser()
    with_totp(user)
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=%2Fadmin%2Fpages%2F"
    # A password posted straight to Wagtail's form signs nobody in.
    response = client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    # Anonymous visitors to the admin are sent to allauth's sign-in.
    response = client.get("/admin/pages/")
    assert response.url.startswith("/accounts/login/?next=")


@pytest.mark.django_db
def test_staff_can_sign_out_of_the_admin_without_a_second_factor(client):
    client.force_login(superuser())
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert "2fa" not in response.url
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_wrong_password_at_the_confirmation_step_is_refused(client):
    client.force_login(superuser())
    response = client.get(client.get("/admin/").url)
    assert response.url.startswith("/accounts/reauthenticate/?next=")
    page = client.post(response.url, {"password": "not-it"})
    assert page.status_code == 200
    assert b"There is a problem" in page.content
    assert b'<a href="#id_password">' in page.content
    response = client.post(response.url, {"password": PASSWORD})
    assert response.url == "/accounts/2fa/totp/activate/?next=%2Fadmin%2F"


@pytest.mark.django_db
def test_staff_view_decorator(client, settings, django_assert_max_num_queries):
    settings.ROOT_URLCONF = __name__
    url = "/consultation/moderation/probe/"

    response = client.get(url)
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/consultation/moderation/probe/"

    client.force_login(person())
    assert client.get(url).status_code == 403
    editor = person(groups=[rules.EDITORS])  # staff with a second factor, not a moderator
    with_totp(editor)
    client.force_login(editor)
    assert client.get(url).status_code == 403

    moderator = person(groups=[rules.WORKING_GROUP])
    client.force_login(moderator)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/2fa/totp/activate/?next=")

    with_totp(moderator)
    client.force_login(moderator)  # signing in now asks for the code
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content == b"moderation queue"


@pytest.mark.django_db
def test_removing_the_authenticator_closes_the_gate_again(client):
    user = superuser()
    secret = with_totp(user)
    sign_in(client, user)
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert client.get("/admin/").status_code == 200
    signed_in_long_ago(client)

    response = confirm_password(client, client.get("/accounts/2fa/totp/deactivate/"))
    assert response.url == "/accounts/2fa/totp/deactivate/"
    page = client.get("/accounts/2fa/totp/deactivate/")
    assert page.status_code == 200
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not rules.has_mfa(user)
    assert client.get("/admin/").url.startswith("/accounts/2fa/totp/activate/")


def test_codes_come_from_allauth():
    secret = generate_totp_secret()
    assert re.fullmatch(r"\d{6}", totp_code(secret))


@pytest.mark.django_db
def test_any_group_that_opens_the_admin_needs_a_second_factor(client):
    # A group made in the admin, not one of the three the project names.
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    user = person()
    user.groups.add(auditors)
    assert not user.is_staff
    client.force_login(user)

    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/totp/activate/?next=%2Fadmin%2F"

    with_totp(user)
    client.force_login(user)  # signing in now asks for the code
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_the_admin_link_is_shown_to_whoever_may_open_the_admin(client, home):
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    stakeholder, auditor = person(), person()
    auditor.groups.add(auditors)
    link = '<a class="nhsuk-header__account-link" href="/admin/">Admin</a>'
    client.force_login(stakeholder)
    assert link not in client.get("/").content.decode()
    client.force_login(auditor)
    assert link in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_superuser_without_the_staff_flag_needs_a_second_factor(client):
    user = factories.ProfileFactory(user__is_superuser=True).user
    assert not user.is_staff
    client.force_login(user)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/2fa/totp/activate/")


# Every view a staff area is made of, found by walking the project's URL map: the Wagtail
# admin (everything its URL module includes, and any view wrapped in its access_admin check
# wherever it is mounted) and every view wrapped in our staff_view decorator. Decorated
# views are recognised by the decorators' own code objects, so no marker can be forgotten.
_ADMIN_ACCESS_CODE = require_admin_access(lambda request: None).__code__
_STAFF_VIEW_CODE = staff_view(rules.is_moderator)(lambda request: None).__code__


def _decorator_codes(view):
    codes = set()
    while view is not None:
        code = getattr(view, "__code__", None)
        if code is not None:
            codes.add(code)
        view = getattr(view, "__wrapped__", None)
    return codes


def _literal_route(pattern):
    """The fixed start of a pattern, as the middleware compares it with request.path."""
    text = str(pattern.pattern)
    if isinstance(pattern.pattern, RegexPattern):
        text = text.removeprefix("^")
        return re.split(r"[\\^$.|?*+()\[\]{}]", text, maxsplit=1)[0]
    return text.split("<", 1)[0]


def _views(patterns, prefix="", in_admin=False):
    for pattern in patterns:
        route = prefix + _literal_route(pattern)
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            inside = in_admin or module == wagtailadmin_urls.__name__
            yield from _views(pattern.url_patterns, route, inside)
        else:
            yield "/" + route, pattern.callback, in_admin


def staff_views():
    found = []
    for path_start, view, in_admin in _views(get_resolver().url_patterns):
        codes = _decorator_codes(view)
        if in_admin or _ADMIN_ACCESS_CODE in codes or _STAFF_VIEW_CODE in codes:
            found.append((path_start, view))
    return found


def test_every_staff_view_is_behind_the_gate(settings):
    prefixes = tuple(settings.MFA_STAFF_PATH_PREFIXES)
    views = staff_views()
    paths = {path_start for path_start, _ in views}
    # The walk finds what it should: the admin and the four moderation views.
    assert "/admin/pages/" in paths
    assert {"/consultation/moderation/", "/consultation/moderation/log/"} <= paths
    assert len(views) > 100
    outside = sorted(
        f"{path_start} ({view.__module__}.{view.__qualname__})"
        for path_start, view in views
        if not path_start.startswith(prefixes)
    )
    assert outside == [], "staff views the MFA gate does not cover"


def test_the_walk_would_catch_a_staff_view_outside_the_gate(settings):
    # The same walk over a URL map with a decorated view mounted somewhere new.
    settings.ROOT_URLCONF = __name__
    clear_url_caches()
    try:
        paths = {path_start for path_start, _ in staff_views()}
    finally:
        clear_url_caches()
    assert "/consultation/moderation/probe/" in paths
    assert "/reports/probe/" in paths
    assert not "/reports/probe/".startswith(tuple(settings.MFA_STAFF_PATH_PREFIXES))
