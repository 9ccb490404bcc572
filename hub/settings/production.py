"""Production: every secret comes from the environment and `check --deploy` is clean.
The app refuses to start with a missing or placeholder secret key."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env, env_bool

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


SECRET_KEY = validate_secret_key(SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# Production runs behind one reverse proxy that appends the client's address to
# X-Forwarded-For; the consultation's per-address rate limits read it from there. Set the
# number of proxies in front of the app (0 if none) if it differs.
CONSULTATION_TRUSTED_PROXY_COUNT = int(env("CONSULTATION_TRUSTED_PROXY_COUNT", "1"))
