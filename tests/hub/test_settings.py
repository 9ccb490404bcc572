"""Settings come from the environment; production refuses to start without a real secret."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REAL_KEY = "k3Jx-9vQ2_pL8mN4sR7tW1yZ5bC0dF6gH2jK8lM3nP9qS4uV7xA1"
# Production refuses a cache its processes do not share (the rate limits live there).
SHARED_CACHE = "redis://cache.example.org:6379/1"


def run_python(*args, env_overrides, unset=()):
    """Run Python in the repository with the environment a deployment would give it:
    this process's, without what pytest sets, with `env_overrides` and without `unset`."""
    # The browser tests allow sync ORM calls beside Playwright's loop; a deployment never does.
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", *unset}
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_manage(*args, env_overrides, unset=()):
    return run_python("manage.py", *args, env_overrides=env_overrides, unset=unset)


@pytest.mark.parametrize(
    "secret",
    [
        None,
        "",
        "short",
        "django-insecure-" + "x" * 60,
        "dev-only-secret-key-" + "a1" * 30,
        "a" * 60,
    ],
)
def test_production_refuses_to_start_without_a_real_secret(secret):
    env = {"DJANGO_ENV": "production", "ALLOWED_HOSTS": "hub.example.org"}
    if secret is not None:
        env["SECRET_KEY"] = secret
    result = run_manage("check", env_overrides=env, unset={"SECRET_KEY"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_without_a_secret_key_in_the_environment_says_so():
    result = run_manage("check", env_overrides={"DJANGO_ENV": "production"}, unset={"SECRET_KEY"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set in production." in result.stderr


@pytest.mark.parametrize("module", ["hub.wsgi", "hub.asgi"])
def test_the_server_entry_points_default_to_production(module):
    # `gunicorn hub.wsgi` on a machine where nobody set DJANGO_ENV or SECRET_KEY.
    result = run_python(
        "-c", f"import {module}", env_overrides={}, unset={"DJANGO_ENV", "SECRET_KEY", "DEBUG"}
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set in production." in result.stderr

    code = (
        f"import {module}; from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECRET_KEY == "
        f"{REAL_KEY!r})"
    )
    result = run_python(
        "-c",
        code,
        env_overrides={"SECRET_KEY": REAL_KEY, "CACHE_URL": SHARED_CACHE},
        unset={"DJANGO_ENV", "DEBUG"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True"]


def test_manage_py_keeps_the_development_default():
    code = "from django.conf import settings as s; print(s.DEBUG, s.SECRET_KEY)"
    result = run_manage(
        "shell", "-c", code, env_overrides={}, unset={"DJANGO_ENV", "SECRET_KEY", "DEBUG"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "True dev-only-secret-key-not-for-production"


def test_production_check_deploy_reports_nothing():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_ENV": "production",
            "SECRET_KEY": REAL_KEY,
            "ALLOWED_HOSTS": "hub.example.org",
            "DATABASE_URL": "sqlite:///:memory:",
            "CACHE_URL": SHARED_CACHE,
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_debug():
    result = run_manage(
        "check",
        env_overrides={"DJANGO_ENV": "production", "SECRET_KEY": REAL_KEY, "DEBUG": "true"},
    )
    assert result.returncode != 0 and "DEBUG" in result.stderr


def test_unknown_environment_name_is_refused():
    result = run_manage("check", env_overrides={"DJANGO_ENV": "staging"})
    assert result.returncode != 0 and "DJANGO_ENV" in result.stderr


def test_settings_read_from_the_environment():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'],"
        " s.EMAIL_BACKEND, s.WAGTAILSEARCH_BACKENDS['default']['BACKEND'], s.ALLOWED_HOSTS)"
    )
    result = run_manage(
        "shell",
        "-c",
        code,
        env_overrides={
            "DJANGO_ENV": "dev",
            "DATABASE_URL": "postgres://u:p@db.example.org:5432/hub",
            "CACHE_URL": "redis://cache.example.org:6379/1",
            "EMAIL_HOST": "smtp.example.org",
            "ELASTICSEARCH_URL": "http://search.example.org:9200",
            "ALLOWED_HOSTS": "a.example.org,b.example.org",
        },
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql" in out
    assert "redis" in out.lower()
    assert "smtp.EmailBackend" in out
    assert "elasticsearch8" in out
    assert "['a.example.org', 'b.example.org']" in out


def test_default_database_is_sqlite_with_wal(tmp_path):
    code = (
        "from django.db import connection; c = connection.cursor();"
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    result = run_manage(
        "shell",
        "-c",
        code,
        env_overrides={"DJANGO_ENV": "dev", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("wal")


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": REAL_KEY,
    "ALLOWED_HOSTS": "hub.example.org",
}


@pytest.mark.parametrize("cache_url", ["locmem://", "dummy://", None])
def test_production_refuses_a_cache_its_processes_do_not_share(cache_url):
    env = {**PRODUCTION, **({"CACHE_URL": cache_url} if cache_url else {})}
    result = run_manage("check", env_overrides=env, unset={"CACHE_URL"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: CACHE_URL must name a cache the server's processes share" in (
        result.stderr
    )


def test_a_single_process_server_may_say_it_needs_no_shared_cache():
    env = {**PRODUCTION, "ALLOW_UNSHARED_CACHE": "true"}
    result = run_manage("check", env_overrides=env, unset={"CACHE_URL"})
    assert result.returncode == 0, result.stderr
