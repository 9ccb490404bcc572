"""Settings shared by every variant. Everything that differs between machines comes from
the environment (12-factor); the variants dev/test/production only change defaults. Each
setting's default is written once: here (read from the environment where a deployment may
change it), and the apps' conf.py modules read `settings.X` without a second default."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import django_cache_url
from django.core.exceptions import ImproperlyConfigured

from hub.core.static_files import static_file_headers

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    """The variable's value; unset and empty both mean the default."""
    return os.environ.get(name) or default


def env_bool(name, default=False):
    value = os.environ.get(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def public_address(value):
    """SITE_URL as the site's origin: scheme, host and port, no path and no final slash."""
    parts = urlsplit(value.strip())
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.username
        or parts.path.strip("/")
        or parts.query
        or parts.fragment
    ):
        raise ImproperlyConfigured(
            f"SITE_URL must be the site's public address, like https://hub.example.org "
            f"(http or https, a host and an optional port, no path), not {value!r}"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


# DJANGO_ENV used to pick the variant. A deployment that still sets it expects the variant it
# names and would quietly get another (manage.py's development settings), so it is refused.
if "DJANGO_ENV" in os.environ:
    raise ImproperlyConfigured(
        "DJANGO_ENV is no longer read: name the settings with DJANGO_SETTINGS_MODULE "
        "(hub.settings.dev, hub.settings.test or hub.settings.production) and unset DJANGO_ENV."
    )

SECRET_KEY = env("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
# The one public address of the site: every absolute link (emails, feeds, the API, the
# sitemap, the admin's) is built from it, and Wagtail's Site record is kept in agreement
# (hub/core/public_address.py). `make run` sets it from the host and port it serves.
SITE_URL = public_address(env("SITE_URL", "http://127.0.0.1:8000"))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", f"localhost,127.0.0.1,{urlsplit(SITE_URL).hostname}")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "hub.core",
    "hub.accounts",
    "hub.pages",
    "consultation",
    "consultation.feedback",
    "consultation.imports",
    "consultation.questionnaires",
    "consultation.synthesis",
    "consultation.notifications",
    "knowledge",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.forms",  # Django's own widget templates, for the form renderer below
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages for visitors without a session, from the cache (before sessions, users
    # and the database are touched): hub/core/page_cache.py.
    "hub.core.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Wagtail's site for the request from a memo, not a query (hub/pages/sites.py).
    "hub.pages.sites.SiteMemoMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "hub.accounts.middleware.StaffMFAMiddleware",
    "hub.core.url_ids.OutOfRangeIdMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "hub.urls"
WSGI_APPLICATION = "hub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "hub.pages.context_processors.navigation",
            ],
            # One way of writing dates everywhere: human_date, human_datetime, machine_date.
            "builtins": ["hub.core.templatetags.hub_dates"],
        },
    },
]

# Every form field in NHS.UK markup, from Django's renderer over the templates above.
FORM_RENDERER = "hub.core.forms.NHSFormRenderer"

# Database: SQLite file with WAL by default, anything dj-database-url reads otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # A 64 MB page cache (allocated only as pages are read; SQLite's default is
            # 2 MB) keeps a large import's index pages in memory: bench/imports.py
            # measured 17.2 s against 15.2 s for 40,000 rows.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
                "PRAGMA cache_size=-65536;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

CACHES = {"default": django_cache_url.parse(env("CACHE_URL", "locmem://"))}
# The anonymous page cache (hub/core/page_cache.py), in the default cache: how long the
# server keeps a page at most (0 switches it off; publishing, comments and a consultation
# opening or closing end it sooner), and how long browsers and shared caches on the way
# (a CDN) may keep it without asking again.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "300"))
PAGE_CACHE_MAX_AGE = int(env("PAGE_CACHE_MAX_AGE", "60"))
# A request header (as in request.META) that makes a request skip the page cache: only the
# bench's settings name one, to measure pages uncached.
PAGE_CACHE_BYPASS_HEADER = None
# Apps whose rows public pages show: saving or deleting any of them ends every cached page
# (hub/pages/signals.py). Not wagtailsearchpromotions (a search records its hits there) nor
# wagtailimages and wagtailembeds (rendering a page may save renditions and embeds).
PAGE_CACHE_INVALIDATING_APPS = [
    "wagtailcore",
    "pages",
    "knowledge",
    "wagtaildocs",
    "wagtailredirects",
]

# Argon2id (memory-hard; argon2-cffi, with OWASP's parameters: hub/accounts/hashers.py)
# makes new hashes; the others still check older ones, and Django rehashes a password with
# Argon2id at its owner's next sign-in.
PASSWORD_HASHERS = [
    "hub.accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# allauth's backend (sign-in by email), loading the profile with the user in one query.
AUTHENTICATION_BACKENDS = ["hub.accounts.backends.AuthenticationBackend"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    # The NHS.UK design system, installed by npm (never committed) and served by whitenoise.
    ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Static files get the same framing and type-sniffing protection as pages.
WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))

# Request bodies. Form fields: at most 2.5 MB in all (the largest forms are the admin's page
# editor; a comment is at most a few kilobytes). Files are refused except where an upload is
# expected: under the URL prefixes and URL names below (the Wagtail admin's documents and
# images; pages that import responses add their names), from staff who passed the second
# factor in this session, and there at most UPLOAD_MAX_SIZE each. Files over
# FILE_UPLOAD_MAX_MEMORY_SIZE are streamed to a temporary file, not memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
UPLOAD_MAX_SIZE = int(env("UPLOAD_MAX_SIZE", str(25 * 1024 * 1024)))
UPLOAD_URL_PREFIXES = ["/admin/"]
UPLOAD_URL_NAMES = ["consultation:imports", "synthesis:code_imports"]
FILE_UPLOAD_HANDLERS = [
    "hub.accounts.uploads.StaffUploadsOnly",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Email: console by default, SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "AI strategy hub <no-reply@localhost>")
# Where people can write to the strategy team: shown in the get-involved page's "Contact us"
# section, where every "contact us" on the site and in emails leads.
CONTACT_EMAIL = env("CONTACT_EMAIL", "")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10"))
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# Background work (django-tasks): the database backend with `manage.py db_worker` at scale;
# variants may run tasks immediately.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Wagtail
WAGTAIL_SITE_NAME = "AI in health and care strategy hub"
WAGTAILADMIN_BASE_URL = SITE_URL
# No background saving in the page editor. Wagtail's autosave sends the form again after a
# pause in typing; when the editor presses Publish within that pause, the autosave POST
# goes out after the publish and is refused (400, "a newer version exists"), so publishing
# was a redirect followed by a failed second POST. Editors save drafts with "Save draft";
# the editor still warns before leaving with unsaved changes.
WAGTAIL_AUTOSAVE_INTERVAL = 0
# No avatars from Gravatar: it would learn, by a hash of their address, who uses the admin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_I18N_ENABLED = False
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILAPI_LIMIT_MAX = 100
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL")
ELASTICSEARCH_INDEX_PREFIX = env("ELASTICSEARCH_INDEX_PREFIX", "hub")
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS["default"] = {
        "BACKEND": "wagtail.search.backends.elasticsearch8",
        "URLS": [ELASTICSEARCH_URL],
        "INDEX": ELASTICSEARCH_INDEX_PREFIX + "_wagtail",
        "TIMEOUT": 5,
        "OPTIONS": {},
        "INDEX_SETTINGS": {},
    }

# Accounts (django-allauth)
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[AI strategy hub] "
ACCOUNT_ADAPTER = "hub.accounts.adapter.AccountAdapter"
MFA_ADAPTER = "hub.accounts.adapter.MFAAdapter"
# allauth's forms with the site's own labels (templates/account/ has its own pages and emails).
ACCOUNT_FORMS = {
    "login": "hub.accounts.forms.LoginForm",
    "signup": "hub.accounts.forms.SignupForm",
    "add_email": "hub.accounts.forms.AddEmailForm",
    "change_password": "hub.accounts.forms.ChangePasswordForm",
    "set_password": "hub.accounts.forms.SetPasswordForm",
    "reset_password": "hub.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "hub.accounts.forms.ResetPasswordKeyForm",
    "reauthenticate": "hub.accounts.forms.AccountReauthenticateForm",
    "request_login_code": "hub.accounts.forms.RequestLoginCodeForm",
    "confirm_login_code": "hub.accounts.forms.ConfirmLoginCodeForm",
}
# Besides the password, a code sent by email signs people in (allauth: a few minutes, three
# tries a code, rate-limited by "request_login_code" below). Staff still give their second
# factor after it: the code proves the mailbox, not the authenticator.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Tell people by email when their password, addresses or two-factor settings change.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# "key" in login_failed is the account together with the network address the attempts come
# from (hub.accounts.adapter), so a stranger cannot lock a named account out.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "request_login_code": "20/m/ip,3/m/key",
    # Guesses at an editor's page password (Wagtail page privacy: hub.pages.privacy).
    "page_password": "10/m/ip,30/h/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
# Sign-up hashes the password whether or not the address already has an account, so the
# time it takes does not say which addresses do (allauth's ACCOUNT_PREVENT_ENUMERATION
# already answers both the same way).
# Behind TRUSTED_PROXY_COUNT proxies the client's address is the one that many places from
# the end of X-Forwarded-For (see README, Security). allauth reads it for the sign-in,
# sign-up and reset limits; the consultation's limits ask allauth for the address too.
# CONSULTATION_TRUSTED_PROXY_COUNT is the variable's older name, still read.
ALLAUTH_TRUSTED_PROXY_COUNT = int(
    env("TRUSTED_PROXY_COUNT", env("CONSULTATION_TRUSTED_PROXY_COUNT", "0"))
)
# Or, behind a proxy that puts the client's address in a header of its own (X-Real-IP,
# CF-Connecting-IP), that header's name: it is then the only place the address is read from.
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "AI strategy hub"
MFA_FORMS = {
    "authenticate": "hub.accounts.forms.AuthenticateForm",
    "reauthenticate": "hub.accounts.forms.ReauthenticateForm",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# Everyone signs in, resets and changes passwords and email addresses through allauth (rate
# limits, verification, the second factor); Wagtail's own account forms stay switched off.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False

# Groups whose members need a second factor before any staff view (so does anyone with
# Wagtail's access_admin permission, whatever group gives it), and the URL prefixes of the
# staff areas: the middleware gates these, views there also use accounts' staff_view, and
# tests/hub/test_mfa.py fails if any staff view in the URL map lies outside them.
MFA_REQUIRED_GROUPS = ["Editors", "Working group", "Moderators"]
MFA_STAFF_PATH_PREFIXES = [
    "/admin/",
    "/consultation/moderation/",
    "/consultation/imports/",
    "/synthesis/",
]

# Sessions read from the default cache (Redis in production, CACHE_URL) and written through
# to the database, which stays the record (sign-out everywhere goes by the session hash, not
# by rows): a signed-in page is spared its session query (bench/profile_page.py --signed-in).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Routine task and page-log lines would drown the console during demo loading.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# --- Consultation (consultation/, read through its conf.py): limits on what participants write
# Minutes an author may edit what they posted; days the text of a withdrawn contribution
# is kept for the audit trail before `manage.py purge_withdrawn` removes it.
CONSULTATION_EDIT_WINDOW_MINUTES = int(env("CONSULTATION_EDIT_WINDOW_MINUTES", "15"))
CONSULTATION_WITHDRAWN_RETENTION_DAYS = int(env("CONSULTATION_WITHDRAWN_RETENTION_DAYS", "30"))
# Longest comment (visible characters) and most web links in one comment.
CONSULTATION_MAX_CHARACTERS = int(env("CONSULTATION_MAX_CHARACTERS", "5000"))
CONSULTATION_MAX_LINKS = int(env("CONSULTATION_MAX_LINKS", "3"))
# Writes allowed per person and per network address: count/period(s, m, h, d)/scope.
CONSULTATION_RATE_LIMITS = env("CONSULTATION_RATE_LIMITS", "5/m/user,40/h/user,30/m/ip")
CONSULTATION_ANSWER_RATE_LIMITS = env(
    "CONSULTATION_ANSWER_RATE_LIMITS", "30/m/user,300/h/user,120/m/ip"
)
CONSULTATION_REACTION_RATE_LIMITS = env(
    "CONSULTATION_REACTION_RATE_LIMITS", "30/m/user,300/h/user,120/m/ip"
)
# The client's network address, behind proxies: ALLAUTH_TRUSTED_PROXY_COUNT above.

# Notifications (consultation.notifications, read through its conf.py). Emails go through
# the task backend above: run `manage.py db_worker` next to the web server when it is the
# database backend. Links in emails use SITE_URL.
NOTIFICATIONS_SUBJECT_PREFIX = "[AI strategy hub] "
NOTIFICATIONS_BATCH_SIZE = 100  # recipients per query and SMTP batch
NOTIFICATIONS_MAX_ATTEMPTS = 5  # tries per email; retries after 1, 4, 16, 64 min
NOTIFICATIONS_UNSUBSCRIBE_LINK_DAYS = 365
NOTIFICATIONS_CONFIRMATION_DAYS = 7  # unconfirmed subscriptions are deleted after this
NOTIFICATIONS_SUBSCRIBE_RATE_LIMIT = (5, 600)  # requests per network address per seconds
NOTIFICATIONS_CONFIRMATION_RESEND_SECONDS = 600

# The demo content (`manage.py load_demo`) has accounts with shared passwords: the
# production variant forbids loading it.
DEMO_CONTENT_ALLOWED = True

# --- Knowledge library, site search and the public API (knowledge/, knowledge/api.py) -----------
# Wagtail's Elasticsearch backend names each index INDEX_PREFIX + the root model's table
# (all pages share "<prefix>_wagtail_wagtailcore_page"); it has no "INDEX" option.
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS["default"]["INDEX_PREFIX"] = (
        WAGTAILSEARCH_BACKENDS["default"].pop("INDEX") + "_"
    )
# Days of search-term counts kept for editors choosing promoted results; run
# `manage.py searchpromotions_garbage_collect` daily to drop older counts and unused terms.
WAGTAILSEARCH_HITS_MAX_AGE = int(env("WAGTAILSEARCH_HITS_MAX_AGE", "30"))
