"""The consultation's production settings: behind the proxy production runs behind, the
per-address rate limits read the client's address from X-Forwarded-For."""

from tests.hub.test_settings import REAL_KEY, run_manage

PRINT_PROXY_COUNT = (
    "from django.conf import settings; print(settings.CONSULTATION_TRUSTED_PROXY_COUNT)"
)
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": REAL_KEY,
    "ALLOWED_HOSTS": "hub.example.org",
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
