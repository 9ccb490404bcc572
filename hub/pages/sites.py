"""Which Wagtail site answers a request, looked up once per host and generation of the page
cache instead of once per request: Wagtail's own look-up is one query, but building it (a
CASE over hostname, port and default) cost about a quarter of the home page's time."""

from wagtail.models import Site

from hub.core.page_cache import memo


class SiteMemoMiddleware:
    """Gives the request the site Wagtail would find for it (`request._wagtail_site`, where
    `Site.find_for_request` keeps it), from the memo. Sites are rows of the page tree:
    saving one starts a new generation (hub/pages/signals.py). Goes after CommonMiddleware,
    which has refused hosts not in ALLOWED_HOSTS, so only allowed hosts make memos."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        host, port = request.get_host(), request.get_port()
        request._wagtail_site = memo(f"site:{host}:{port}", lambda: Site._find_for_request(request))
        return self.get_response(request)
