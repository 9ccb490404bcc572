"""The production settings of the rate limits: behind the proxy production runs behind,
every per-address limit (allauth's and the consultation's) reads the client's address from
X-Forwarded-For, trusting TRUSTED_PROXY_COUNT proxies (CONSULTATION_TRUSTED_PROXY_COUNT,
its older name, is still read)."""

import pytest

from tests.support.deployment import REAL_KEY, SHARED_CACHE, run_manage

pytestmark = pytest.mark.processes

PRINT_PROXY_COUNT = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "hub.settings.production",
    "SECRET_KEY": REAL_KEY,
    "ALLOWED_HOSTS": "hub.example.org",
    "CACHE_URL": SHARED_CACHE,
}


def test_production_trusts_one_proxy_unless_told_otherwise():
    default = run_manage("shell", "-c", PRINT_PROXY_COUNT, env_overrides=PRODUCTION)
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip().splitlines()[-1] == "1"
    none = run_manage(
        "shell",
        "-c",
        PRINT_PROXY_COUNT,
        env_overrides={**PRODUCTION, "CONSULTATION_TRUSTED_PROXY_COUNT": "0"},
    )
    assert none.stdout.strip().splitlines()[-1] == "0", none.stderr


def test_the_proxy_count_has_one_name_and_the_old_one_still_works():
    for name in ("TRUSTED_PROXY_COUNT", "CONSULTATION_TRUSTED_PROXY_COUNT"):
        result = run_manage(
            "shell", "-c", PRINT_PROXY_COUNT, env_overrides={**PRODUCTION, name: "2"}
        )
        assert result.stdout.strip().splitlines()[-1] == "2", (name, result.stderr)
