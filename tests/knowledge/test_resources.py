"""Resource pages: metadata, evidence links both ways, validation (model and admin), video
embeds with a title and no autoplay, and the sitemap."""

import datetime

import pytest
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from knowledge.embeds import accessible_embed_html
from knowledge.models import (
    DatePrecision,
    ResourcePage,
    ResourceSection,
    ResourceType,
    normalised_date,
    resource_problems,
)
from tests.support import factories
from tests.support.knowledge_factories import ResourcePageFactory
from tests.support.pages import publish

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


def test_evidence_links_both_ways(client, library, site_tree):
    strategy, section = site_tree["strategy"], site_tree["section"]
    other = factories.SectionPageFactory(parent=strategy, slug="other", title="Other section")
    draft_section = factories.SectionPageFactory(
        parent=strategy, slug="draft", title="Draft section", live=False
    )
    cited = ResourcePageFactory(
        parent=library,
        title="Evaluation <report> & findings",
        publication_date=datetime.date(2025, 4, 29),
        sections=[section, other, draft_section],
    )
    ResourcePageFactory(parent=library, title="Unpublished", live=False, sections=[section])
    ResourcePageFactory(parent=library, title="Unrelated", sections=[other])
    hidden = ResourcePageFactory(parent=library, title="Private one", sections=[section])
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")
    private_section = factories.SectionPageFactory(
        parent=strategy, slug="private", title="Private section"
    )
    PageViewRestriction.objects.create(page=private_section, restriction_type="login")
    ResourceSection.objects.create(resource=cited, section=private_section, sort_order=9)

    html = client.get(section.url).content.decode()
    assert "Evidence for this section" in html
    assert f'href="{cited.url}"' in html
    assert "Evaluation &lt;report&gt; &amp; findings" in html  # escaped
    assert "Unpublished" not in html and "Unrelated" not in html and "Private one" not in html

    html = client.get(cited.url).content.decode()
    assert "Strategy sections it supports" in html
    assert f'<a href="{section.url}">Ambition one</a>' in html
    assert f'<a href="{other.url}">Other section</a>' in html
    assert "Draft section" not in html and "Private section" not in html

    lonely = ResourcePageFactory(parent=library, title="Lonely")
    assert "No section of the draft strategy cites this resource yet" in (
        client.get(lonely.url).content.decode()
    )


def test_section_without_evidence_has_no_evidence_box(client, site_tree, library):
    html = client.get(site_tree["section"].url).content.decode()
    assert "Evidence for this section" not in html


def test_resource_page_shows_metadata_and_where_to_find_it(client, library):
    resource = ResourcePageFactory(
        parent=library,
        title="National AI Strategy",
        authors="Office for Artificial Intelligence",
        publisher="Office for Artificial Intelligence",
        publication_date=datetime.date(2021, 9, 22),
        date_precision=DatePrecision.MONTH,
        external_url="https://example.org/strategy",
        topics=["Policy", "Data"],
    )
    html = client.get(resource.url).content.decode()
    assert "<h1>National AI Strategy</h1>" in html
    assert "Office for Artificial Intelligence" in html
    assert '<time datetime="2021-09">September 2021</time>' in html
    assert f'href="{library.url}?topic=policy"' in html
    assert 'href="https://example.org/strategy" rel="noopener"' in html

    reference = ResourcePageFactory(
        parent=library,
        title="Cited by reference",
        resource_type=ResourceType.DATASET,
        external_url="",
        reference_only=True,
    )
    html = client.get(reference.url).content.decode()
    assert "cites this dataset by reference" in html
    assert "The source gives no date" in html


def test_dates_are_stored_and_shown_at_their_precision():
    assert normalised_date(datetime.date(2021, 6, 15), DatePrecision.YEAR) == datetime.date(
        2021, 1, 1
    )
    assert normalised_date(datetime.date(2021, 6, 15), DatePrecision.MONTH) == datetime.date(
        2021, 6, 1
    )
    assert normalised_date(None, DatePrecision.YEAR) is None
    resource = ResourcePage(
        publication_date=datetime.date(2021, 1, 1), date_precision=DatePrecision.YEAR
    )
    assert (resource.display_date, resource.iso_date) == ("2021", "2021")
    resource.date_precision = DatePrecision.DAY
    assert (resource.display_date, resource.iso_date) == ("1 January 2021", "2021-01-01")


PROBLEMS = [
    ({}, {"document", "external_url"}, "Upload a document or enter a web address"),
    (
        {"external_url": "https://example.org", "reference_only": True},
        {"reference_only"},
        "Untick 'cite without a link'",
    ),
    (
        {"resource_type": ResourceType.LINK, "reference_only": True},
        {"reference_only"},
        "A link needs a web address",
    ),
    (
        {"resource_type": ResourceType.VIDEO, "external_url": "https://video.example.org/1"},
        {"transcript_url"},
        "every video needs one",
    ),
    (
        {
            "resource_type": ResourceType.VIDEO,
            "external_url": "https://video.example.org/1?autoplay=1",
            "transcript_url": "https://example.org/t",
        },
        {"external_url"},
        "videos never start by themselves",
    ),
    (
        {"external_url": "https://example.org", "transcript_url": "https://example.org/t"},
        {"transcript_url"},
        "Only videos have a transcript",
    ),
]


@pytest.mark.parametrize(("fields", "error_fields", "message"), PROBLEMS)
def test_resource_rules_give_clear_messages(fields, error_fields, message):
    errors = resource_problems(ResourcePage(title="A", summary="Summary.", **fields))
    assert error_fields <= set(errors), errors
    assert any(message in errors[field] for field in error_fields)


def test_valid_resources_pass_the_rules():
    for fields in (
        {"external_url": "https://example.org"},
        {"reference_only": True},
        {"resource_type": ResourceType.VIDEO, "reference_only": True},
        {
            "resource_type": ResourceType.VIDEO,
            "external_url": "https://video.example.org/1?autoplay=0",
            "transcript_url": "https://example.org/t",
        },
    ):
        assert resource_problems(ResourcePage(title="A", summary="s", **fields)) == {}, fields


def _admin_form(section, **fields):
    data = {
        "title": "AI TV interview",
        "slug": "ai-tv-interview",
        "resource_type": "video",
        "summary": "An interview about the national strategy.",
        "authors": "",
        "publisher": "NHS AI Lab",
        "publication_date": "",
        "date_precision": "day",
        "tags": "Strategy, Video",
        "external_url": "https://video.example.org/watch/1",
        "transcript_url": "",
        "section_links": inline_formset([{"section": section.pk}]),
        "action-publish": "action-publish",
    }
    data.update(fields)
    return nested_form_data(data)


def test_admin_rejects_a_video_without_transcript_and_saves_nothing(
    editor_client, library, site_tree
):
    url = f"/admin/pages/add/knowledge/resourcepage/{library.pk}/"
    response = editor_client.post(url, _admin_form(site_tree["section"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "every video needs one for people who cannot watch or hear it" in html
    assert not ResourcePage.objects.exists()
    assert not ResourceSection.objects.exists()


def test_admin_publishes_a_valid_resource_with_its_section(editor_client, library, site_tree):
    url = f"/admin/pages/add/knowledge/resourcepage/{library.pk}/"
    response = editor_client.post(
        url,
        _admin_form(
            site_tree["section"],
            transcript_url="https://example.org/transcript",
            publication_date="2021-07-14",
            date_precision="year",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    resource = ResourcePage.objects.get()
    assert resource.live
    assert resource.publication_date == datetime.date(2021, 1, 1)  # year-only precision
    assert sorted(resource.topics) == ["Strategy", "Video"]
    assert list(ResourceSection.objects.values_list("section_id", flat=True)) == [
        site_tree["section"].pk
    ]


def test_video_embed_has_a_title_never_autoplays_and_links_the_transcript(client, library):
    url = "https://video.example.org/watch/42"
    # Wagtail keeps fetched embeds in its Embed table: store the provider's answer there.
    Embed.objects.create(
        url=url,
        hash=get_embed_hash(url),
        html='<iframe src="https://video.example.org/embed/42?autoplay=1&rel=0" '
        'allow="autoplay" allowfullscreen></iframe>',
        type="video",
        provider_name="Example",
        thumbnail_url="",
    )
    video = ResourcePageFactory(
        parent=library,
        title="AI TV interview",
        resource_type=ResourceType.VIDEO,
        external_url=url,
        transcript_url="https://example.org/transcript",
    )
    html = client.get(video.url).content.decode()
    assert 'title="Video: AI TV interview"' in html
    assert "autoplay=0" in html and "autoplay=1" not in html
    assert '<a href="https://example.org/transcript">Read the transcript' in html


def test_video_that_cannot_be_embedded_is_linked(client, library):
    video = ResourcePageFactory(
        parent=library,
        title="Unembeddable",
        resource_type=ResourceType.VIDEO,
        external_url="https://unknown-provider.example.org/v/1",
        transcript_url="https://example.org/transcript",
    )
    html = client.get(video.url).content.decode()
    assert "<iframe" not in html
    assert "Watch on the video" in html
    assert "Read the transcript" in html


def test_accessible_embed_html_keeps_an_existing_title_and_escapes_a_new_one():
    kept = accessible_embed_html('<iframe title="Provider title" src="x"></iframe>', title="T")
    assert 'title="Provider title"' in kept and 'title="T"' not in kept
    added = accessible_embed_html('<iframe src="x?AutoPlay=true"/>', title='"><script>')
    assert 'title="&quot;&gt;&lt;script&gt;"' in added
    assert "AutoPlay=0" in added


def test_resources_are_in_the_sitemap(client, library):
    resource = ResourcePageFactory(parent=library, title="Mapped")
    publish(resource)
    xml = client.get("/sitemap.xml").content.decode()
    assert f"{resource.url}</loc>" in xml
    assert f"{library.url}</loc>" in xml
