"""The anonymous page cache, and what the site computes once and reuses until something public
changes (menus, the next consultation boundary).

Everything cached here hangs off one site-wide *generation*: a token in the default cache,
part of every key, replaced whenever something a reader can see changes (a page published,
unpublished, moved, deleted or saved; a comment made public, hidden, rejected, restored,
withdrawn or edited; a consultation edited). Replacing it makes every earlier entry
unreachable at once, on every process sharing the cache, with no list of keys to purge;
entries nobody reads again expire on their own. Apps that publish outside Wagtail's pages
call `site_changed()` from their services (consultation does).

What a page shows also changes on its own when a consultation opens or closes: apps return
the next such moment from a `PAGE_CACHE_EXPIRY_HOOK` Wagtail hook, and no entry lives past
the earliest one.

The middleware serves a page from the cache only to a visitor without a session or pending
messages (no cookie of either), for GET and HEAD, and stores only a 200 answer to such a
visitor that sets no cookie but the CSRF one and did not ask not to be cached. A page with a
form for everyone (the subscription to updates) is stored without its CSRF tokens: each
visitor served from the cache gets tokens of their own (and their CSRF cookie), so the page
is marked private for caches on the way. Everything else goes through as before; a
signed-in reader's pages are marked `private, no-store` so no shared cache keeps them.
"""

import contextlib
import contextvars
import datetime
import hashlib
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail import hooks

GENERATION_KEY = "page-cache:generation"
PAGE_CACHE_EXPIRY_HOOK = "page_cache_expires_at"
CACHE_HEADER = "X-Page-Cache"  # hit or miss, for people and the tests to see
# A CSRF token as {% csrf_token %} writes it, and what stands for it in a stored page (no
# token has braces in it).
CSRF_INPUT = re.compile(rb'(<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(">)')
CSRF_PLACEHOLDER = b"{csrf-token}"
# The longest a memo of the site's structure (menus) is kept, whatever else expires first.
MEMO_SECONDS = 24 * 60 * 60
# The longest the shared cache keeps a memo of content (a discussion's rows, a listing): far
# larger than the site's structure, and a busy consultation starts a generation a minute,
# so the entries of generations nobody reads any more must not pile up for a day.
CONTENT_MEMO_SECONDS = 5 * 60


# The generation a request works with, read from the shared cache once per request (a
# round trip to Redis each time otherwise: a page asked for it once per memo, about ten
# times); None outside a request (commands, tasks), which read it each time.
_request_scope = contextvars.ContextVar("page_cache_request_scope", default=None)


@contextlib.contextmanager
def request_scope():
    """While the block runs, `generation()` reads the shared cache once and keeps the value
    (updated by this process's own changes). A request that starts before another
    process's change keeps the older generation to its end: what it stores is then under a
    generation nobody reads any more, as if it had finished before the change."""
    token = _request_scope.set({})
    try:
        yield
    finally:
        _request_scope.reset(token)


def generation():
    """The current generation; a fresh one if the cache has none (it was evicted or
    flushed), so no entry made before can match."""
    scope = _request_scope.get()
    if scope is not None and "generation" in scope:
        return scope["generation"]
    current = cache.get(GENERATION_KEY)
    if current is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        current = cache.get(GENERATION_KEY)
    if scope is not None:
        scope["generation"] = current
    return current


def _new_generation():
    current = uuid.uuid4().hex
    cache.set(GENERATION_KEY, current, timeout=None)
    scope = _request_scope.get()
    if scope is not None:
        scope["generation"] = current


def site_changed():
    """Something readers can see has changed: every cached page and memo is out of date.
    A new generation starts now, so this process reads its own change at once, and again
    when the transaction commits, so nothing rendered from the rows as they were before
    the commit (by another process, in between) outlives it."""
    _new_generation()
    transaction.on_commit(_new_generation)


class ProcessMemo:
    """Values of one generation kept in this process's memory (`get`, `put`), all dropped
    when the generation changes; at most `limit` of them (the oldest go first)."""

    def __init__(self, limit):
        self.limit = limit
        self.generation = None
        self.values = {}

    def _current(self, current):
        if current != self.generation:
            self.generation, self.values = current, {}
        return self.values

    def get(self, current, key, default=None):
        return self._current(current).get(key, default)

    def put(self, current, key, value):
        values = self._current(current)
        if len(values) >= self.limit:
            del values[next(iter(values))]
        values[key] = value
        return value


# The site's structure (menus, restrictions, addresses): a few hundred values at most.
_memos = ProcessMemo(limit=5000)


def memo(name, compute, *, timeout=MEMO_SECONDS, store=None):
    """`compute()`, worked out once per generation and shared by every process; each
    process then keeps it in memory for the rest of the generation (in `store`, a
    ProcessMemo of the caller's, for values whose number grows with the content, so they
    cannot crowd out the site's structure). Callers never change what they get back: it
    is the same object for every request of the generation."""
    current = generation()
    missing = object()
    store = _memos if store is None else store
    value = store.get(current, name, missing)
    if value is not missing:
        return value
    key = f"page-cache:memo:{current}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    return store.put(current, name, value)


def next_expiry(now=None):
    """The earliest moment after `now` at which some app says pages change on their own
    (a consultation opening or closing), or None."""
    now = now or timezone.now()

    def earliest():
        found = (make(now=now) for make in hooks.get_hooks(PAGE_CACHE_EXPIRY_HOOK))
        later = [when for when in found if when is not None and when > now]
        return min(later).timestamp() if later else 0

    key = f"page-cache:expiry:{generation()}"
    stamp = cache.get(key)
    if stamp is None or (stamp and stamp <= now.timestamp()):
        stamp = earliest()
        cache.set(key, stamp, timeout=MEMO_SECONDS)
    return datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC) if stamp else None


def page_seconds(now=None):
    """How long a page stored now may be served: PAGE_CACHE_SECONDS, and never past the
    next moment pages change on their own (0: do not store)."""
    now = now or timezone.now()
    seconds = settings.PAGE_CACHE_SECONDS
    expiry = next_expiry(now)
    if expiry is not None:
        seconds = min(seconds, int((expiry - now).total_seconds()))
    return max(seconds, 0)


class AnonymousPageCacheMiddleware:
    """Serves public pages to visitors without a session from the cache (see the module's
    docstring). Goes early in MIDDLEWARE: after the security and static-file middleware,
    before sessions, so a page served from the cache costs no session, user or database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            return self._respond(request)

    def _respond(self, request):
        if not self._may_use_cache(request):
            response = self.get_response(request)
            if _signed_in(request):
                _never_share(response)
            return response
        current = generation()
        key = self._key(request, current)
        stored = cache.get(key)
        if stored is not None:
            return _from_stored(stored, request)
        response = self.get_response(request)
        if self._may_store(request, response):
            seconds = page_seconds()
            if seconds > 0:
                patch_vary_headers(response, ("Cookie",))
                if CSRF_INPUT.search(response.content):
                    # Each visitor's tokens are their own: only this server shares the page.
                    patch_cache_control(response, private=True, max_age=0)
                else:
                    max_age = min(settings.PAGE_CACHE_MAX_AGE, seconds)
                    patch_cache_control(response, public=True, max_age=max_age)
                cache.set(key, _to_stored(response), timeout=seconds)
        response.headers.setdefault(CACHE_HEADER, "miss")
        if _signed_in(request):
            _never_share(response)
        return response

    @staticmethod
    def _may_use_cache(request):
        if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return False
        bypass = settings.PAGE_CACHE_BYPASS_HEADER
        if bypass and bypass in request.META:
            return False
        cookies = request.COOKIES
        # Someone signed in, or with a session of any kind (a page password passed, a half
        # answered form), or with a message waiting to be shown, gets the page made for them.
        return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies

    @staticmethod
    def _key(request, current):
        # The scheme and host are part of what a page says (absolute links); the whole path
        # with its query string is which page. HEAD is answered from what GET stored.
        address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        return f"page-cache:page:{current}:{address}"

    @staticmethod
    def _may_store(request, response):
        if response.status_code != 200 or response.streaming or _signed_in(request):
            return False
        if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
            return False
        if getattr(request, "_messages", None) is not None and len(request._messages):
            return False
        control = response.get("Cache-Control", "")
        return not any(word in control for word in ("private", "no-cache", "no-store"))


def _signed_in(request):
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def _to_stored(response):
    content = CSRF_INPUT.sub(lambda found: found[1] + CSRF_PLACEHOLDER + found[2], response.content)
    return (response.status_code, list(response.items()), content)


def _from_stored(stored, request):
    status, headers, content = stored
    csrf = None
    if CSRF_PLACEHOLDER in content:
        # What CsrfViewMiddleware does for a page it renders: read (or make) the visitor's
        # secret, give each form a token masked afresh, set the cookie if it is new.
        csrf = CsrfViewMiddleware(lambda request: None)
        csrf.process_request(request)
        content = CSRF_INPUT.sub(
            lambda found: found[1] + get_token(request).encode() + found[2], content
        )
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    if "Content-Length" in response:
        response["Content-Length"] = str(len(content))
    response[CACHE_HEADER] = "hit"
    return csrf.process_response(request, response) if csrf else response


def _never_share(response):
    """A page made for someone signed in: no shared cache (a proxy, a CDN) may keep it."""
    if "Cache-Control" not in response:
        patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ("Cookie",))
