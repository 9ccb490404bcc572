"""Rate limits on writing, per person and per network address, counted in the cache.
Fixed windows: simple, cheap, and strict enough to stop a flood without bothering anyone
typing by hand. The count is shared only as far as the cache is: in production CACHE_URL
must point at Redis, or each worker process counts on its own."""

import time
from contextlib import suppress
from dataclasses import dataclass, field

from django.core.cache import cache

from consultation import conf

WHAT_WAS_DONE = {
    "post": "posted a lot",
    "flag": "sent many reports",
    "react": "reacted a lot",
    "answer": "saved answers many times",
}


class RateLimited(Exception):
    def __init__(self, retry_after, *, action="post"):
        self.retry_after = retry_after
        minutes = max(1, round(retry_after / 60))
        wait = "a minute" if minutes == 1 else f"{minutes} minutes"
        message = f"You have {WHAT_WAS_DONE[action]} in a short time. Wait {wait} and try again"
        if action in ("post", "answer"):
            message += "; nothing you wrote has been lost if you keep this page open"
        super().__init__(message + ".")


def _keys(*, action, user, ip, now):
    for count, seconds, scope in conf.rate_limits(action):
        ident = user.pk if scope == "user" else ip
        if ident in (None, ""):
            continue
        window = int(now // seconds)
        key = f"consultation:rate:{action}:{scope}:{ident}:{seconds}:{window}"
        yield key, count, int(seconds - (now % seconds)) + 1


def _increment(key, timeout):
    """Add one to the counter and return its new value, atomically: cache.add creates it
    only if missing and cache.incr is atomic on locmem and Redis, so every request of a
    parallel burst gets its own number."""
    for _attempt in range(3):
        if cache.add(key, 1, timeout=timeout):
            return 1
        try:
            return cache.incr(key)
        except ValueError:
            continue  # the window ended between the two calls: start the next one
    cache.set(key, 1, timeout=timeout)
    return 1


def _decrement(key):
    with suppress(ValueError):  # the window has ended: nothing to give back
        cache.decr(key)


@dataclass
class Taken:
    """One write counted against the limits; given back if nothing was written after all
    (a form with errors, a double click finding the first comment)."""

    keys: list = field(default_factory=list)

    def give_back(self):
        for key in self.keys:
            _decrement(key)
        self.keys = []


def take(*, action, user, ip):
    """Count one write against every limit before it is made. Raises RateLimited, counting
    nothing, if that would exceed a limit: at most N writes get through in a window
    however many arrive at once (a check followed by a separate count would let a burst
    through together)."""
    taken = Taken()
    for key, count, timeout in _keys(action=action, user=user, ip=ip, now=time.time()):
        if _increment(key, timeout) > count:
            _decrement(key)
            taken.give_back()
            raise RateLimited(retry_after=timeout, action=action)
        taken.keys.append(key)
    return taken
