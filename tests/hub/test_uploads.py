"""Files are accepted only where an upload is expected (the Wagtail admin's documents and
images, the working group's imports), from staff who passed the second factor in this
session, and only so large; everywhere else a multipart POST carrying
a file is refused (400) and changes nothing. Static files carry the same framing and
content-type protection as pages."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.models import Collection

from consultation.models import Comment
from hub.accounts.models import Profile
from tests.support import factories
from tests.support.accounts import VALID_PROFILE
from tests.support.clients import SignedInClient, csrf_token
from tests.support.consultation_factories import consultation_on

pytestmark = pytest.mark.django_db


def a_file(size=100, name="notes.txt"):
    return SimpleUploadedFile(name, b"x" * size, content_type="text/plain")


@pytest.fixture
def editor():
    user = factories.ProfileFactory(user__is_staff=True, user__is_superuser=True).user
    TOTP.activate(user, generate_totp_secret())
    return user


def test_files_are_refused_where_no_upload_is_expected(client, site_tree):
    section = site_tree["section"]
    consultation_on(section)
    user = factories.ProfileFactory(display_name="Before").user
    client.force_login(user)
    client.raise_request_exception = False

    comment = client.post(
        f"/consultation/draft/sections/{section.pk}/comment/",
        {"body": "With a file", "key": "k1", "attachment": a_file()},
    )
    assert comment.status_code == 400
    assert not Comment.objects.exists()

    profile = client.post(
        "/accounts/profile/", {**VALID_PROFILE, "display_name": "After", "photo": a_file()}
    )
    assert profile.status_code == 400
    assert Profile.objects.get(user=user).display_name == "Before"

    # Without the file, the same forms work.
    ok = client.post(
        f"/consultation/draft/sections/{section.pk}/comment/", {"body": "Plain", "key": "k2"}
    )
    assert ok.status_code == 302


def test_no_file_reaches_the_sign_in_form():
    client = Client(raise_request_exception=False)
    response = client.post(
        "/accounts/login/", {"login": "a@example.org", "password": "x", "f": a_file()}
    )
    assert response.status_code == 400


def test_the_admin_takes_documents_up_to_the_limit(client, editor, settings):
    settings.UPLOAD_MAX_SIZE = 1000
    client.force_login(editor)
    client.raise_request_exception = False
    root = Collection.get_first_root_node()
    documents = get_document_model().objects

    response = client.post(
        "/admin/documents/add/",
        {"title": "Small", "file": a_file(500, "small.txt"), "collection": root.pk},
    )
    assert response.status_code == 302
    assert documents.filter(title="Small").exists()

    response = client.post(
        "/admin/documents/add/",
        {"title": "Large", "file": a_file(5000, "large.txt"), "collection": root.pk},
    )
    assert response.status_code == 400
    assert not documents.filter(title="Large").exists()


def test_the_admin_takes_no_file_from_a_session_without_the_second_factor(editor):
    client = SignedInClient(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(editor, second_factor=False)
    response = client.post(
        "/admin/documents/add/",
        {
            "title": "Drop",
            "file": a_file(),
            "collection": Collection.get_first_root_node().pk,
            "csrfmiddlewaretoken": csrf_token(client),
        },
    )
    assert response.status_code == 400
    assert not get_document_model().objects.filter(title="Drop").exists()


def test_the_admin_takes_no_file_from_someone_not_signed_in():
    # The body is read as soon as the CSRF check looks for its token, before the admin
    # would send the visitor to sign in: the file is refused there.
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get("/accounts/login/")  # a visitor's CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        "/admin/documents/add/",
        {"title": "Drop", "file": a_file(), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 400


def test_static_files_carry_the_protective_headers(settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from the apps' folders, as in development
    response = Client().get("/static/hub/site.css")  # a new client loads the middleware now
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
