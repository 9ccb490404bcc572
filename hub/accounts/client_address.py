"""The network address a request came from, as every rate limit counts it: allauth's
reading (behind ALLAUTH_TRUSTED_PROXY_COUNT proxies, the address that many places from the
end of X-Forwarded-For; else REMOTE_ADDR), with an IPv6 address taken by its /64 network,
so the sign-in limits and the consultation's count the same person the same way."""

# allauth keeps the function its rate limits use internal; it is the one to agree with.
from allauth.core.internal.ratelimit import get_ip
from django.core.exceptions import PermissionDenied


def client_address(request):
    """The address, or "" if the request says none."""
    try:
        return get_ip(request)
    except PermissionDenied:
        return ""
