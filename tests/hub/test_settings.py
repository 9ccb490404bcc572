"""Settings come from the environment; production refuses to start without a real secret."""

import pytest

from tests.support.deployment import REAL_KEY, SHARED_CACHE, run_manage, run_python

pytestmark = pytest.mark.processes


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
    env = {"DJANGO_SETTINGS_MODULE": "hub.settings.production", "ALLOWED_HOSTS": "hub.example.org"}
    if secret is not None:
        env["SECRET_KEY"] = secret
    result = run_manage("check", env_overrides=env, unset={"SECRET_KEY"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_without_a_secret_key_in_the_environment_says_so():
    result = run_manage(
        "check",
        env_overrides={"DJANGO_SETTINGS_MODULE": "hub.settings.production"},
        unset={"SECRET_KEY"},
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set in production." in result.stderr


@pytest.mark.parametrize("module", ["hub.wsgi", "hub.asgi"])
def test_the_server_entry_points_default_to_production(module):
    # `gunicorn hub.wsgi` on a machine where nobody set DJANGO_SETTINGS_MODULE or SECRET_KEY.
    result = run_python("-c", f"import {module}", env_overrides={}, unset={"SECRET_KEY", "DEBUG"})
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
        unset={"DEBUG"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True"]


def test_manage_py_keeps_the_development_default():
    code = "from django.conf import settings as s; print(s.DEBUG, s.SECRET_KEY)"
    result = run_manage("shell", "-c", code, env_overrides={}, unset={"SECRET_KEY", "DEBUG"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "True dev-only-secret-key-not-for-production"


def test_production_check_deploy_reports_nothing():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "hub.settings.production",
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
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "hub.settings.production",
            "SECRET_KEY": REAL_KEY,
            "DEBUG": "true",
        },
    )
    assert result.returncode != 0 and "DEBUG" in result.stderr


def test_unknown_variant_is_refused():
    result = run_manage("check", env_overrides={"DJANGO_SETTINGS_MODULE": "hub.settings.staging"})
    assert result.returncode != 0 and "hub.settings.staging" in result.stderr


def test_the_variable_that_used_to_pick_the_variant_is_refused_with_directions():
    # A deployment still setting DJANGO_ENV=production would otherwise get manage.py's
    # development settings (and, with them, a demo it may load).
    result = run_manage("check", env_overrides={"DJANGO_ENV": "production"})
    assert result.returncode != 0 and "DJANGO_ENV" in result.stderr
    assert "DJANGO_SETTINGS_MODULE" in result.stderr


@pytest.mark.parametrize("variant", ["dev", "test", "production"])
def test_each_variant_loads_alone_in_a_fresh_interpreter(variant):
    """Importing one variant (and starting Django on it) imports no other: only the package,
    base.py and the variant itself."""
    code = (
        "import sys, django; django.setup(); from django.conf import settings as s;"
        "print(sorted(m for m in sys.modules if m.startswith('hub.settings')));"
        "print(s.DEBUG, s.DEMO_CONTENT_ALLOWED)"
    )
    env = {"DJANGO_SETTINGS_MODULE": f"hub.settings.{variant}"}
    if variant == "production":
        env.update(SECRET_KEY=REAL_KEY, CACHE_URL=SHARED_CACHE)
    result = run_python("-c", code, env_overrides=env, unset={"DEBUG"})
    assert result.returncode == 0, result.stderr
    modules, flags = result.stdout.splitlines()[-2:]
    assert modules == str(["hub.settings", "hub.settings.base", f"hub.settings.{variant}"])
    # Debug only in development; the demo, with its shared passwords, never in production.
    assert flags == {"dev": "True True", "test": "False True", "production": "False False"}[variant]


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
            "DJANGO_SETTINGS_MODULE": "hub.settings.dev",
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
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "hub.settings.dev",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("wal")


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "hub.settings.production",
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


@pytest.fixture(scope="module")
def single_process_server():
    """One fresh interpreter with the settings of a production server that says it needs no
    shared cache: it runs the system checks, then prints the database connection's age
    and health checks (two facts of one environment, one start of Django)."""
    code = (
        "from django.core.management import call_command; call_command('check');"
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    env = {**PRODUCTION, "ALLOW_UNSHARED_CACHE": "true"}
    return run_manage(
        "shell", "-c", code, env_overrides=env, unset={"CACHE_URL", "DB_CONN_MAX_AGE"}
    )


def test_a_single_process_server_may_say_it_needs_no_shared_cache(single_process_server):
    assert single_process_server.returncode == 0, single_process_server.stderr
    assert "System check identified no issues" in single_process_server.stdout


def test_production_workers_keep_their_database_connection_between_requests(
    single_process_server,
):
    # A connection per request cost a third of a light page's time (bench/pages.py).
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    env = {**PRODUCTION, "ALLOW_UNSHARED_CACHE": "true"}
    kept = single_process_server
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout.split()[-2:] == ["60", "True"]
    told = run_manage(
        "shell", "-c", code, env_overrides={**env, "DB_CONN_MAX_AGE": "0"}, unset={"CACHE_URL"}
    )
    assert told.stdout.split()[-2:] == ["0", "True"]
