"""Where to send someone next: `next` values are kept only when they point at this site."""

from urllib.parse import urlencode

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, value):
    """`value` if it is a path on this site, otherwise an empty string."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def url_with_next(url, next_url):
    """`url` carrying `next_url` as its `next` parameter (unless there is none to carry)."""
    if not next_url or next_url == url:
        return url
    return f"{url}?{urlencode({'next': next_url})}"
