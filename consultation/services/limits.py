"""Rate limits on writing, per person and per network address, counted in the cache
(shared between app servers when CACHE_URL points at Redis). Fixed windows: simple,
cheap, and strict enough to stop a flood without bothering anyone typing by hand."""

import time

from django.core.cache import cache

from consultation import conf


class RateLimited(Exception):
    def __init__(self, retry_after):
        self.retry_after = retry_after
        minutes = max(1, round(retry_after / 60))
        wait = "a minute" if minutes == 1 else f"{minutes} minutes"
        super().__init__(
            f"You have posted a lot in a short time. Wait {wait} and try again; "
            "nothing you wrote has been lost if you keep this page open."
        )


def client_ip(request):
    """The address the request came from; behind N trusted proxies, the Nth-from-last
    address of X-Forwarded-For."""
    proxies = conf.trusted_proxy_count()
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _keys(*, action, user, ip, now):
    for count, seconds, scope in conf.rate_limits():
        ident = user.pk if scope == "user" else ip
        if ident in (None, ""):
            continue
        window = int(now // seconds)
        key = f"consultation:rate:{action}:{scope}:{ident}:{seconds}:{window}"
        yield key, count, seconds - (now % seconds)


def check(*, action, user, ip):
    """Raise RateLimited if one more write would exceed a limit."""
    now = time.time()
    for key, count, remaining in _keys(action=action, user=user, ip=ip, now=now):
        if (cache.get(key) or 0) >= count:
            raise RateLimited(retry_after=int(remaining) + 1)


def hit(*, action, user, ip):
    """Count one write against every limit."""
    now = time.time()
    for key, _count, remaining in _keys(action=action, user=user, ip=ip, now=now):
        if not cache.add(key, 1, timeout=int(remaining) + 1):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=int(remaining) + 1)
