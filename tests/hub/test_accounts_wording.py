"""Every account page, message and email speaks in the site's own plain English: none of
allauth's default wording ("Sign Up", "Verify Your Email Address", "Hello from …", "user A
participant has given your email address", "Successfully signed in as …"), every email
signed by the site, every "contact us" a link to somewhere real, and every link in an
account email at the site's public address."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP, generate_totp_secret
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone

from tests.support import factories
from tests.support.accounts import (
    ANONYMOUS_PAGES,
    MANAGE_PAGES,
    PASSWORD,
    confirm_password,
    sign_in,
    totp_code,
)
from tests.support.pages import at_public_address

pytestmark = pytest.mark.django_db

# allauth's own wording, as it showed through before the site had its own.
DEFAULT_PHRASES = [
    "Sign Up",
    "Sign In",
    "Sign Out",
    "Signup",
    "Verify Your Email Address",
    "finalize",
    "Please contact us",
    "contact us if you do not receive",
    "Hello from",
    "Thank you for using",
    "has given your email address",
    "user A participant",
    "Successfully signed in",
    "Password Reset",
    "Reset My Password",
    "Change Password",
    "Set Password",
    "Bad Token",
    "Confirm Access",
    "reauthenticate",
    "Account Inactive",
    "Two-Factor Authentication",
    "Authenticator App",
    "Recovery Codes",
    "Remember Me",
    "Password (again)",
    "Current Password",
    "New Password",
    "Forgot your password",
    "Deactivate",
    "Please ",
    "please ",
]
SIGN_OFF = "From the team behind the AI in health and care strategy hub"
UNUSUAL = "https://consult.example.net:8443"


def main_text(html):
    """The visible text of the main content and the page title."""
    title = re.search(r"<title>(.*?)</title>", html, re.S)[1]
    main = html.split('id="maincontent"', 1)[1].split("</main>", 1)[0]
    return " ".join(f"{title} {re.sub(r'<[^>]+>', ' ', main)}".split())


def assert_own_words(text, where):
    found = [phrase for phrase in DEFAULT_PHRASES if phrase in text]
    assert not found, (where, found, text[:600])


def contact_links(html):
    return re.findall(r'<a href="([^"]+)">contact us</a>', html, re.I)


@pytest.fixture
def member(site_tree):
    return factories.ProfileFactory().user


def test_every_account_page_speaks_the_sites_own_words(client, site_tree, member):
    pages = {}

    def visit(name, response):
        assert response.status_code == 200, name
        html = response.content.decode()
        pages[name] = html
        assert_own_words(main_text(html), name)

    for url in [
        *ANONYMOUS_PAGES,
        "/accounts/confirm-email/not-a-key/",
        "/accounts/password/reset/key/1-bad-token/",
    ]:
        visit(url, client.get(url, follow=True))
    visit("sign-in errors", client.post("/accounts/login/", {"login": "x@y.z", "password": "x"}))
    visit("sign-up errors", client.post("/accounts/signup/", {"email": "x", "password1": "a"}))
    unconfirmed = factories.UserFactory(verified=False)
    address = EmailAddress.objects.create(user=unconfirmed, email=unconfirmed.email)
    visit("confirm", client.get(f"/accounts/confirm-email/{EmailConfirmationHMAC(address).key}/"))
    closed = factories.ProfileFactory().user
    closed.is_active = False
    closed.save()
    visit("closed account", client.get(sign_in(client, closed).url))

    client.post("/accounts/password/reset/", {"email": member.email})
    key_url = re.search(r"testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)[1]
    visit("choose a new password", client.get(key_url, follow=True))

    sign_in(client, member)
    for url in MANAGE_PAGES:
        visit(url, client.get(url))
    confirm_password(client)
    visit("set up two-factor", client.get("/accounts/2fa/totp/activate/"))
    TOTP.activate(member, generate_totp_secret())
    RecoveryCodes.activate(member)
    for url in [
        "/accounts/2fa/",
        "/accounts/2fa/totp/deactivate/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/reauthenticate/",
    ]:
        visit(url, client.get(url))
    client.logout()
    visit("code at sign-in", client.get(sign_in(client, member).url))
    client.logout()
    no_password = factories.ProfileFactory().user
    no_password.set_unusable_password()
    no_password.save()
    client.force_login(no_password)
    visit("set a password", client.get("/accounts/password/set/"))

    assert len(pages) >= 25
    assert "Create an account" in pages["/accounts/signup/"]
    assert "Check your email" in pages["/accounts/confirm-email/"]
    # Every "contact us" leads to the contact section of the get-involved page.
    linked = [href for html in pages.values() for href in contact_links(html)]
    assert len(linked) >= 8
    contact = f"{site_tree['get_involved'].url}#contact"
    assert set(linked) == {contact}
    target = client.get(contact.split("#")[0]).content.decode()
    assert '<h2 id="contact">Contact us</h2>' in target


def test_messages_after_signing_in_and_out_are_the_sites(client, member):
    response = client.post(
        "/accounts/login/", {"login": member.email, "password": PASSWORD}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["You are signed in."]
    response = client.post("/accounts/logout/", follow=True)
    assert [str(m) for m in response.context["messages"]] == ["You have signed out."]


def test_every_allauth_page_email_and_message_the_site_uses_has_its_own_version():
    """A newer allauth (or a setting switched on) must not bring its wording back unseen."""
    import allauth

    theirs = Path(allauth.__file__).parent / "templates"
    ours = Path(__file__).resolve().parents[2] / "templates"
    unused = {"webauthn", "socialaccount", "usersessions", "headless", "idp", "openid"}
    # Pages of features switched off here (each setting's name, which must stay off), and
    # the recovery-code download, which holds nothing but the codes.
    switched_off = {
        "account/confirm_email_verification_code.html": (
            account_settings,
            "EMAIL_VERIFICATION_BY_CODE_ENABLED",
        ),
        "account/confirm_password_reset_code.html": (
            account_settings,
            "PASSWORD_RESET_BY_CODE_ENABLED",
        ),
        "account/email_change.html": (account_settings, "CHANGE_EMAIL"),
        "account/signup_by_passkey.html": (mfa_settings, "PASSKEY_SIGNUP_ENABLED"),
        "mfa/trust.html": (mfa_settings, "TRUST_ENABLED"),
    }
    for app_settings, setting in switched_off.values():
        assert not getattr(app_settings, setting), setting
    missing = []
    for folder in ["account", "mfa"]:
        for template in sorted((theirs / folder).rglob("*")):
            relative = template.relative_to(theirs)
            if template.is_dir() or unused & set(relative.parts) or "phone" in relative.name:
                continue
            if relative.name.startswith("base_") and relative.suffix == ".html":
                continue  # layout only: no words of its own
            if str(relative) in switched_off or relative.name == "download.txt":
                continue
            if not (ours / relative).exists():
                missing.append(str(relative))
    assert missing == []


def test_every_email_template_signs_off_as_the_site(site_tree):
    ours = Path(__file__).resolve().parents[2] / "templates"
    context = {
        "site_name": "AI in health and care strategy hub",
        "site_url": UNUSUAL,
        "contact_url": f"{UNUSUAL}/get-involved/#contact",
        "reset_url": f"{UNUSUAL}/accounts/password/reset/",
        "sign_in_url": f"{UNUSUAL}/accounts/login/",
        "email": "someone@example.org",
        "timestamp": timezone.now(),
        "ip": "192.0.2.1",
        "user_agent": "Firefox",
    }
    templates = sorted((ours / "account" / "email").glob("*_message.txt"))
    templates += sorted((ours / "mfa" / "email").glob("*_message.txt"))
    templates = [t for t in templates if not t.name.startswith("base_")]
    assert len(templates) >= 18
    for template in templates:
        name = str(template.relative_to(ours))
        body = render_to_string(name, context)
        subject = render_to_string(name.replace("_message.txt", "_subject.txt"), context)
        assert_own_words(f"{subject}\n{body}", name)
        assert subject.strip() and subject.strip()[0].isupper() and "\n" not in subject.strip()
        assert body.startswith("Hello,\n") and SIGN_OFF in body, name


def emails_the_site_sends(client, member):
    """Every account email the site sends, from the steps that send them."""
    client.post(
        "/accounts/signup/",
        {"email": "new.person@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    client.post(
        "/accounts/signup/",
        {"email": member.email, "password1": PASSWORD, "password2": PASSWORD},
    )
    client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    client.post("/accounts/password/reset/", {"email": member.email})
    key_url = re.search(r"(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)[1]
    form_url = client.get(key_url).url
    client.post(form_url, {"password1": "a-new-password-1", "password2": "a-new-password-1"})
    sign_in(client, member, password="a-new-password-1")
    client.post(
        "/accounts/password/change/",
        {"oldpassword": "a-new-password-1", "password1": PASSWORD, "password2": PASSWORD},
    )
    client.post("/accounts/email/", {"action_add": "", "email": "second@example.org"})
    second = EmailAddress.objects.get(email="second@example.org")
    second.verified = True
    second.save()
    client.post("/accounts/email/", {"action_primary": "", "email": "second@example.org"})
    client.post("/accounts/email/", {"action_remove": "", "email": member.email})
    confirm_password(client)
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert client.post("/accounts/2fa/recovery-codes/generate/").status_code == 302
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    return list(mail.outbox)


# Transactional: allauth sends the two-factor emails when the request's transaction commits,
# while it still knows the request.
@pytest.mark.django_db(transaction=True)
def test_every_account_email_speaks_the_sites_own_words(client, site_tree, member):
    with at_public_address(UNUSUAL):
        sent = emails_the_site_sends(client, member)
    subjects = [message.subject for message in sent]
    for expected in [
        "Confirm your email address",
        "You already have an account",
        "There is no account with this email address",
        "Reset your password",
        "Your password has been reset",
        "Your password has been changed",
        "Your email address has been changed",
        "An email address has been removed from your account",
        "Two-factor authentication is on",
        "You have new recovery codes",
        "Two-factor authentication is off",
    ]:
        assert f"[AI strategy hub] {expected}" in subjects, (expected, subjects)
    contact = f"{UNUSUAL}{site_tree['get_involved'].url}#contact"
    for message in sent:
        where = message.subject
        assert_own_words(f"{message.subject}\n{message.body}", where)
        assert message.body.startswith("Hello,\n"), where
        assert SIGN_OFF in message.body and f"{UNUSUAL}/" in message.body, where
        assert f"If you need help, contact us: {contact}" in message.body, where
        links = re.findall(r"https?://\S+", message.body)
        assert links and all(link.startswith(f"{UNUSUAL}/") for link in links), (where, links)
        # Each link is a page of this site.
        for link in links:
            path = urlsplit(link).path
            assert client.get(path).status_code in {200, 302}, (where, link)


@pytest.mark.parametrize(
    ("url", "errors"),
    [
        ("/accounts/login/", ["Enter your email address", "Enter your password"]),
        ("/accounts/signup/", ["Enter your email address", "Create a password"]),
        ("/accounts/password/reset/", ["Enter the email address of your account"]),
    ],
)
def test_an_empty_field_says_what_to_enter(client, url, errors):
    html = client.post(url, {}).content.decode()
    summary = html.split('class="nhsuk-error-summary"', 1)[1].split("</div>", 1)[0]
    for error in errors:
        assert error in summary
    assert "This field is required" not in html
