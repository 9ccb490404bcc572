"""Local development: debug on, a throwaway secret, email printed to the console."""

from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "dev-only-secret-key-not-for-production")
CONTACT_EMAIL = env("CONTACT_EMAIL", "strategy-team@example.org")
TASKS = {
    "default": {"BACKEND": env("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}
}
