"""Every allauth page the hub uses renders inside the site (header, footer, NHS.UK markup),
with one h1, headings in order, every field labelled and no unstyled allauth markup."""

import re
from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail

from tests.support import factories
from tests.support.accounts import ANONYMOUS_PAGES, MANAGE_PAGES, confirm_password, sign_in


class PageAudit(HTMLParser):
    """Collects what the accessibility read looks at."""

    def __init__(self):
        super().__init__()
        self.headings = []
        self.labels = set()
        self.fields = []
        self.unstyled = []
        self._in_main = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = attrs.get("class") or ""
        if tag == "main":
            self._in_main = True
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "label":
            self.labels.add(attrs.get("for"))
            if "nhsuk-label" not in classes:
                self.unstyled.append((tag, attrs))
        if tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden":
            self.fields.append(attrs.get("id"))
            if not self._in_main:
                return
            if "nhsuk-" not in classes:
                self.unstyled.append((tag, attrs))
        if tag == "button" and self._in_main and "nhsuk-button" not in classes:
            self.unstyled.append((tag, attrs))
        if tag == "ul" and "errorlist" in classes:
            self.unstyled.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "main":
            self._in_main = False


def assert_site_page(response):
    assert response.status_code == 200, response
    html = response.content.decode()
    assert 'class="nhsuk-header"' in html
    assert 'class="nhsuk-footer"' in html
    assert "AI in health and care strategy</title>" in html
    if "nhsuk-error-summary" in html:
        # The summary opens the main content, and the title says there is an error.
        assert html.index("nhsuk-error-summary") < html.index("<h1")
        assert re.search(r"<title>\s*Error: ", html)
    audit = PageAudit()
    audit.feed(html)
    assert audit.headings.count(1) == 1, audit.headings
    for previous, current in zip(audit.headings, audit.headings[1:], strict=False):
        assert current <= previous + 1, audit.headings  # never skips a level
    unlabelled = [field for field in audit.fields if field not in audit.labels]
    assert not unlabelled, unlabelled
    assert not audit.unstyled, audit.unstyled
    return html


@pytest.fixture
def member(db):
    return factories.ProfileFactory().user


@pytest.fixture
def signed_in(client, member):
    sign_in(client, member)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_entrance_pages(client, url):
    assert_site_page(client.get(url))


@pytest.mark.django_db
def test_email_confirmation_pages(client):
    user = factories.UserFactory(verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)
    key = EmailConfirmationHMAC(address).key
    html = assert_site_page(client.get(f"/accounts/confirm-email/{key}/"))
    assert 'class="nhsuk-button"' in html
    html = assert_site_page(client.get("/accounts/confirm-email/not-a-key/"))
    assert "expired or is invalid" in html


@pytest.mark.django_db
def test_password_reset_from_key_pages(client, member):
    client.post("/accounts/password/reset/", {"email": member.email})
    url = re.search(r"testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)[1]
    html = assert_site_page(client.get(client.get(url).url))
    assert 'autocomplete="new-password"' in html
    response = client.post(client.get(url).url, {"password1": "short", "password2": "short"})
    html = assert_site_page(response)
    assert "There is a problem" in html
    html = assert_site_page(client.get("/accounts/password/reset/key/1-bad-token/"))
    assert "invalid" in html.lower()


@pytest.mark.django_db
@pytest.mark.parametrize("url", MANAGE_PAGES)
def test_account_pages(signed_in, url):
    assert_site_page(signed_in.get(url))


@pytest.mark.django_db
def test_profile_completion_page(client):
    client.force_login(factories.UserFactory())
    html = assert_site_page(client.get("/accounts/profile/complete/"))
    assert '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">' in html
    html = assert_site_page(client.post("/accounts/profile/complete/", {}))
    assert "There is a problem" in html


@pytest.mark.django_db
def test_password_set_page(client):
    user = factories.ProfileFactory().user
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    assert_site_page(client.get("/accounts/password/set/"))


@pytest.mark.django_db
def test_email_page_groups_addresses_and_summarises_errors(signed_in, member):
    EmailAddress.objects.create(user=member, email="second@example.org", verified=False)
    html = assert_site_page(signed_in.get("/accounts/email/"))
    assert "<legend" in html and "second@example.org" in html
    assert "Not confirmed" in html
    html = assert_site_page(
        signed_in.post("/accounts/email/", {"action_add": "", "email": "not an address"})
    )
    assert "There is a problem" in html


@pytest.mark.django_db
def test_password_change_errors_are_summarised(signed_in):
    response = signed_in.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": "x", "password2": "y"},
    )
    html = assert_site_page(response)
    assert '<a href="#id_oldpassword">' in html


@pytest.mark.django_db
def test_two_factor_pages(signed_in, member):
    confirm_password(signed_in)
    html = assert_site_page(signed_in.get("/accounts/2fa/totp/activate/"))
    assert "Setup key" in html

    TOTP.activate(member, generate_totp_secret())
    codes = RecoveryCodes.activate(member).get_unused_codes()
    html = assert_site_page(signed_in.get("/accounts/2fa/"))
    assert "nhsuk-card" in html
    assert_site_page(signed_in.get("/accounts/2fa/totp/deactivate/"))
    html = assert_site_page(signed_in.get("/accounts/2fa/recovery-codes/"))
    assert f"<code>{codes[0]}</code>" in html
    assert_site_page(signed_in.get("/accounts/2fa/recovery-codes/generate/"))
    download = signed_in.get("/accounts/2fa/recovery-codes/download/")
    assert download.status_code == 200
    assert codes[0] in download.content.decode()
    assert_site_page(signed_in.get("/accounts/2fa/reauthenticate/"))


@pytest.mark.django_db
def test_code_step_at_sign_in(client, member):
    TOTP.activate(member, generate_totp_secret())
    assert sign_in(client, member).url == "/accounts/2fa/authenticate/"
    html = assert_site_page(client.get("/accounts/2fa/authenticate/"))
    assert 'autocomplete="one-time-code"' in html
    assert "or one of your recovery codes" in html
    html = assert_site_page(client.post("/accounts/2fa/authenticate/", {"code": "nope"}))
    assert "There is a problem" in html


@pytest.mark.django_db
def test_signed_in_visitor_on_the_reset_page(signed_in):
    html = assert_site_page(signed_in.get("/accounts/password/reset/"))
    assert "nhsuk-inset-text" in html


@pytest.mark.django_db
def test_inactive_account_page(client, member):
    member.is_active = False
    member.save()
    response = sign_in(client, member)
    assert response.url == "/accounts/inactive/"
    assert_site_page(client.get(response.url))
    assert "_auth_user_id" not in client.session
