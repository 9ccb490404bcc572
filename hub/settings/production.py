"""Production: every secret comes from the environment and `check --deploy` is clean.
The app refuses to start with a missing or placeholder secret key, with debug on, or with
a cache its processes do not share (the rate limits are counted there)."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, SECRET_KEY, env, env_bool

_PLACEHOLDER_MARKERS = ("django-insecure", "dev-only", "test-only", "change-me", "changeme")


def validate_secret_key(secret_key):
    """A real key is long, varied and none of the placeholders used elsewhere."""
    if not secret_key:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    if len(secret_key) < 50 or len(set(secret_key)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY must be at least 50 varied characters in production."
        )
    if any(marker in secret_key.lower() for marker in _PLACEHOLDER_MARKERS):
        raise ImproperlyConfigured(
            "SECRET_KEY is a placeholder; generate a real one for production."
        )
    return secret_key


# Caches that each worker process keeps to itself (or that keep nothing): every process
# would count rate limits on its own, so they would not limit anything.
_UNSHARED_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def require_shared_cache(caches, *, allow_unshared):
    """The rate limits (sign-in, sign-up, reset, page passwords, comments) are counted in the
    default cache, so production needs one the server's processes share (Redis: CACHE_URL),
    unless ALLOW_UNSHARED_CACHE says the server runs a single process."""
    backend = caches["default"]["BACKEND"]
    if backend in _UNSHARED_CACHES and not allow_unshared:
        raise ImproperlyConfigured(
            f"CACHE_URL must name a cache the server's processes share (e.g. redis://…) in "
            f"production: with {backend.rsplit('.', 1)[-1]} each process counts rate limits "
            "on its own. Set ALLOW_UNSHARED_CACHE=true only for a single-process server."
        )
    return caches


SECRET_KEY = validate_secret_key(SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
CACHES = require_shared_cache(CACHES, allow_unshared=env_bool("ALLOW_UNSHARED_CACHE", False))
# Each worker keeps its database connection between requests (checked before reuse): a new
# connection per request cost about 3 ms of CPU a page on SQLite (opening the file, the
# PRAGMAs, reading the schema again), a third of the home page (bench/pages.py).
DATABASES["default"]["CONN_MAX_AGE"] = int(env("DB_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
DEMO_CONTENT_ALLOWED = False

# Production runs behind one reverse proxy that appends the client's address to
# X-Forwarded-For; every per-address rate limit reads it from there. Set TRUSTED_PROXY_COUNT
# to the number of proxies in front of the app (0 if none) if it differs.
ALLAUTH_TRUSTED_PROXY_COUNT = int(
    env("TRUSTED_PROXY_COUNT", env("CONSULTATION_TRUSTED_PROXY_COUNT", "1"))
)
