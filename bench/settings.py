"""Production settings for bench/pages.py: production as it is, except that one address may
sign in as often as the bench asks (the sign-in rate is what it measures), static files
are collected into the bench's throwaway folder, and a request header lets the bench
measure pages past the anonymous page cache (nothing else honours it)."""

from pathlib import Path

from hub.settings.production import *  # noqa: F403
from hub.settings.production import ACCOUNT_RATE_LIMITS, env

ACCOUNT_RATE_LIMITS = {
    **ACCOUNT_RATE_LIMITS,
    "login": "1000000/m/ip",
    "login_failed": "1000000/m/ip,1000000/m/key",
}
STATIC_ROOT = Path(env("BENCH_STATIC_ROOT"))
# Sent by the bench to measure a page uncached; production names no such header.
PAGE_CACHE_BYPASS_HEADER = "HTTP_X_BENCH_NO_PAGE_CACHE"
