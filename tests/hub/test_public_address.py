"""One public address (SITE_URL) for every absolute link the site gives out: the API's
html_url, detail_url and document_url, the feeds, the sitemap and robots.txt, the demo's
banner; Wagtail's Site record is brought into agreement with it (after `migrate`, by
`sync_site_address` and the demo loader: tests/hub/test_demo.py, beside the one load of the
demo from an empty database) and `check --database` warns when it is not."""

import io
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from wagtail.models import Site, get_page_models

from hub.core.public_address import PublicAddressMixin
from tests.support import factories
from tests.support.knowledge_factories import (
    DocumentFactory,
    LibraryPageFactory,
    ResourcePageFactory,
)
from tests.support.pages import at_public_address

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
# An address no request in these tests comes from, on a port no default would give.
UNUSUAL = "https://consult.example.net:8443"


def absolute_links(text):
    return re.findall(r"https?://[^\s\"'<>]+", text)


@pytest.fixture
def library_with_a_document(site_tree):
    library = LibraryPageFactory(parent=site_tree["home"])
    ResourcePageFactory(parent=library, title="Report", document=DocumentFactory(), external_url="")
    return library


def test_every_page_model_takes_its_address_from_site_url():
    project_models = [
        model
        for model in get_page_models()
        if model._meta.app_label not in {"wagtailcore"} and not model._meta.abstract
    ]
    assert len(project_models) >= 11
    missing = [m.__name__ for m in project_models if not issubclass(m, PublicAddressMixin)]
    assert missing == []


def test_api_links_start_with_site_url(client, site_tree, library_with_a_document):
    with at_public_address(UNUSUAL):
        pages = json.loads(client.get("/api/v2/pages/", {"limit": 50}).content)
        resources = json.loads(client.get("/api/v2/resources/", {"fields": "*"}).content)
        detail = json.loads(client.get(f"/api/v2/pages/{site_tree['section'].pk}/").content)
    items = pages["items"] + resources["items"]
    assert len(items) >= 10
    for item in [*items, detail]:
        assert item["meta"]["html_url"].startswith(f"{UNUSUAL}/"), item["meta"]
        assert item["meta"]["detail_url"].startswith(f"{UNUSUAL}/api/v2/"), item["meta"]
    assert detail["meta"]["html_url"] == f"{UNUSUAL}{site_tree['section'].url}"
    assert resources["items"][0]["document_url"].startswith(f"{UNUSUAL}/documents/")


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_links_start_with_site_url(client, site_tree, kind):
    with at_public_address(UNUSUAL):
        body = client.get(f"{site_tree['updates'].url}feed/{kind}/").content.decode()
    links = absolute_links(body)
    # The feed's own link, its self link (Atom) and the update's link.
    assert f"{UNUSUAL}{site_tree['update'].url}" in links
    assert f"{UNUSUAL}{site_tree['updates'].url}" in links
    assert f"{UNUSUAL}{site_tree['updates'].url}feed/{kind}/" in links
    # Namespaces and schemas are not links to the site.
    site_links = [link for link in links if "w3.org" not in link and "purl.org" not in link]
    assert all(link.startswith(f"{UNUSUAL}/") for link in site_links), site_links


def test_sitemap_and_robots_give_site_url(client, site_tree, library_with_a_document):
    with at_public_address(UNUSUAL):
        sitemap = client.get("/sitemap.xml").content
        robots = client.get("/robots.txt").content.decode()
    locations = [
        loc.text
        for loc in ET.fromstring(sitemap).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")  # noqa: S314 - the site's own sitemap
    ]
    assert len(locations) >= 10
    assert all(location.startswith(f"{UNUSUAL}/") for location in locations), locations
    assert f"{UNUSUAL}{site_tree['section'].url}" in locations
    assert f"Sitemap: {UNUSUAL}/sitemap.xml" in robots


def test_migrate_and_the_command_bring_the_site_record_into_line(site_tree):
    def warnings():
        return [check.id for check in run_checks(databases=["default"]) if check.id == "hub.W002"]

    with at_public_address("http://hub.example.org:8123"):
        assert warnings() == ["hub.W002"]
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
        site = Site.objects.get(is_default_site=True)
        assert (site.hostname, site.port) == ("hub.example.org", 8123)
        assert site.root_url == "http://hub.example.org:8123"
        assert warnings() == []

    with at_public_address("https://hub.example.org"):
        out = io.StringIO()
        call_command("sync_site_address", stdout=out)
        assert "now follows SITE_URL" in out.getvalue()
        site = Site.objects.get(is_default_site=True)
        assert (site.hostname, site.port, site.root_url) == (
            "hub.example.org",
            443,
            "https://hub.example.org",
        )
        call_command("sync_site_address", stdout=out)
        assert "agrees with SITE_URL (https://hub.example.org)" in out.getvalue()


@pytest.mark.processes
def test_make_run_serves_and_links_at_the_same_address():
    dry_run = subprocess.run(
        ["make", "-n", "run", "HOST=0.0.0.0", "PORT=8123"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    for step in ["migrate", "load_demo", "demo_accounts", "runserver 0.0.0.0:8123"]:
        line = next(line for line in dry_run.splitlines() if f"manage.py {step}" in line)
        assert line.lstrip("@").startswith("SITE_URL=http://0.0.0.0:8123 "), line


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://hub.example.org/", "https://hub.example.org"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123"),
        ("  https://HUB.example.org:8443  ", "https://hub.example.org:8443"),
    ],
)
def test_site_url_is_read_as_an_origin(value, expected):
    from hub.settings.base import public_address as read_site_url

    assert read_site_url(value) == expected


@pytest.mark.parametrize(
    "value",
    ["hub.example.org", "ftp://hub.example.org", "https://hub.example.org/hub", "https://", ""],
)
def test_a_site_url_that_is_not_an_address_is_refused(value):
    from django.core.exceptions import ImproperlyConfigured

    from hub.settings.base import public_address as read_site_url

    with pytest.raises(ImproperlyConfigured, match="SITE_URL must be"):
        read_site_url(value)


def test_site_record_mixin_leaves_relative_urls_alone(site_tree):
    with at_public_address(UNUSUAL):
        section = factories.SectionPageFactory(parent=site_tree["strategy"], slug="rel")
        assert section.url == "/strategy/rel/"
        assert section.full_url == f"{UNUSUAL}/strategy/rel/"
