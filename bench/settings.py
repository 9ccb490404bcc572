"""Production settings for bench/pages.py: production as it is, except that one address may
sign in as often as the bench asks (the sign-in rate is what it measures) and static files
are collected into the bench's throwaway folder."""

from pathlib import Path

from hub.settings.production import *  # noqa: F403
from hub.settings.production import ACCOUNT_RATE_LIMITS, env

ACCOUNT_RATE_LIMITS = {
    **ACCOUNT_RATE_LIMITS,
    "login": "1000000/m/ip",
    "login_failed": "1000000/m/ip,1000000/m/key",
}
STATIC_ROOT = Path(env("BENCH_STATIC_ROOT"))
