"""The site's one public address, `settings.SITE_URL`: every absolute link the site gives out
(emails, feeds, the API, the sitemap, robots.txt) is built from it, never from the host a
request happened to use or from a database row that may have drifted.

Wagtail keeps an address of its own in its Site record (hostname and port), which it uses
to route requests and to build page URLs. Pages of this site take their absolute URLs from
SITE_URL (`PublicAddressMixin`), and the record is brought into agreement with SITE_URL
after every `migrate` and by `manage.py sync_site_address`; `manage.py check --database
default` warns when the two disagree."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

DEFAULT_PORTS = {"http": 80, "https": 443}


def site_url():
    """The public address: scheme, host and port, without a final slash."""
    return settings.SITE_URL.rstrip("/")


def absolute_url(path_or_url):
    """`path_or_url` (a path on this site, such as a page's or a view's URL) as an absolute
    URL at the public address; a URL that is already absolute is returned as it is."""
    if path_or_url.startswith(("http://", "https://")):
        return path_or_url
    return f"{site_url()}/{path_or_url.lstrip('/')}"


def rebase(url, request):
    """A URL that a library built from the request's own host (allauth's links in emails)
    moved to the public address; anything else is returned unchanged."""
    if not isinstance(url, str) or request is None or not url.startswith(("http://", "https://")):
        return url
    parts = urlsplit(url)
    if parts.netloc.lower() != request.get_host().lower():
        return url
    public = urlsplit(site_url())
    return urlunsplit((public.scheme, public.netloc, parts.path, parts.query, parts.fragment))


def site_record_fields():
    """The hostname and port Wagtail's Site record needs to match the public address."""
    parts = urlsplit(site_url())
    return {"hostname": parts.hostname, "port": parts.port or DEFAULT_PORTS[parts.scheme]}


def site_record_disagreement(site):
    """Why the Site record and SITE_URL disagree, or "" when they agree."""
    wanted = site_record_fields()
    if (site.hostname, site.port) == (wanted["hostname"], wanted["port"]):
        return ""
    return (
        f"Wagtail's default site is {site.hostname}:{site.port} but SITE_URL is {site_url()} "
        f"({wanted['hostname']}:{wanted['port']})."
    )


def sync_site_record():
    """Make the default Site record's hostname and port those of SITE_URL. Returns what was
    wrong ("" when nothing was, or when there is no default site yet)."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return ""
    disagreement = site_record_disagreement(site)
    if disagreement:
        for name, value in site_record_fields().items():
            setattr(site, name, value)
        site.save(update_fields=list(site_record_fields()))
    return disagreement


class PublicAddressMixin:
    """For every page model of the site: its absolute URL (`full_url`, what the API, the
    sitemap and emails use) starts with SITE_URL, whatever the Site record says. Relative
    URLs are unchanged."""

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request=request)
        if parts is None or parts[1] is None:
            return parts
        site_id, _site_root_url, page_path = parts
        return site_id, site_url(), page_path
