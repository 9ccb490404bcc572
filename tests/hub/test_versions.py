"""Published versions of a section, readable diffs, and paragraph ids that survive edits."""

import datetime
import io
import re

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Revision

from hub.pages import versions
from hub.pages.models import PublishedVersion, SectionPage
from tests.support import factories
from tests.support.admin_forms import post_section_edit
from tests.support.pages import publish

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


@pytest.fixture
def section(site_tree):
    return site_tree["section"]


def _edit_body(page, edit):
    """Change the body's raw blocks with `edit(blocks)`, keeping ids, and publish."""
    blocks = [dict(block) for block in page.body.raw_data]
    page.body = edit(blocks)
    return publish(page)


def test_paragraph_ids_are_stable_across_text_edits_and_reordering(section):
    before = [p.id for p in section.paragraphs()]
    assert len(before) == 2 and all(before)

    def edit(blocks):
        blocks[0]["value"] = "<p>First paragraph, reworded.</p>"
        return [blocks[1], blocks[0]]  # reorder too

    section = _edit_body(section, edit)
    after = [p.id for p in section.paragraphs()]
    assert after == [before[1], before[0]]
    assert section.paragraphs()[1].number == 2


def test_paragraph_id_survives_an_edit_in_the_wagtail_admin(client, section):
    editor = factories.UserFactory(is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=editor, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(editor)
    ids = [block.id for block in section.body]
    # The editor edits the first paragraph and moves it below the second.
    post_section_edit(
        client,
        section,
        [
            (ids[1], "<p>Second paragraph.</p>"),
            (ids[0], "<p>First paragraph, edited in the admin.</p>"),
        ],
        action="publish",
    )
    section.refresh_from_db()
    assert [block.id for block in section.body] == [ids[1], ids[0]]
    assert "edited in the admin" in section.body[1].value.source
    assert len(section.published_versions()) == 2


def test_versions_are_listed_with_dates(client, section):
    _edit_body(section, lambda blocks: [*blocks, {"type": "paragraph", "value": "<p>New.</p>"}])
    response = client.get(f"{section.url}versions/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Version 1" in html and "Version 2" in html and "(current)" in html
    assert "<time datetime=" in html
    assert "Compare with version 1" in html


def test_an_earlier_version_reads_as_it_stood(client, section):
    _edit_body(section, lambda blocks: [blocks[0]])
    response = client.get(f"{section.url}versions/1/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "This is an earlier version" in html
    assert "Second paragraph." in html
    assert "Second paragraph." not in client.get(section.url).content.decode()


@pytest.mark.parametrize("number", ["0", "99", "-1", "abc"])
def test_missing_version_is_not_found(client, section, number):
    assert client.get(f"{section.url}versions/{number}/").status_code == 404


def test_diff_shows_changed_added_and_removed_paragraphs(client, section):
    def edit(blocks):
        blocks[0]["value"] = "<p>First paragraph, now longer.</p>"
        return [blocks[0], {"type": "paragraph", "value": "<p>Brand new text.</p>"}]

    _edit_body(section, edit)
    response = client.get(f"{section.url}versions/compare/?from_version=1&to_version=2")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>paragraph.</del>" in html and "<ins>paragraph, now longer.</ins>" in html
    assert "<ins>Brand new text.</ins>" in html
    assert "<del>Second paragraph.</del>" in html
    assert "3 paragraphs changed" in html


def test_diff_escapes_markup_from_the_draft(section):
    old = section.published_versions()[0].revision.as_object()

    def edit(blocks):
        blocks[0]["value"] = "<p>Use &lt;script&gt;alert(1)&lt;/script&gt; carefully</p>"
        return blocks

    new = _edit_body(section, edit)
    rendered = "".join(change.html for change in versions.diff_pages(old, new))
    assert "<script>" not in rendered
    assert "<ins>Use &lt;script&gt;alert(1)&lt;/script&gt; carefully</ins>" in rendered


@pytest.mark.parametrize(
    "query",
    [
        "from_version=1&to_version=1",
        "from_version=1&to_version=7",
        "from_version=x&to_version=%3Cscript%3E",
        "from_version=&to_version=",
    ],
)
def test_bad_comparisons_give_a_clear_message(client, section, query):
    _edit_body(section, lambda blocks: blocks[:1])
    response = client.get(f"{section.url}versions/compare/?{query}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    main = html.split('id="maincontent"')[1]
    assert "<script>" not in main


def test_compare_with_one_version_explains(client, section):
    html = client.get(f"{section.url}versions/compare/").content.decode()
    assert "only one published version" in html


def test_version_number_for_revision(section):
    first = section.published_versions()[0]
    assert versions.version_number_for_revision(section, first.revision_id) == 1
    draft = section.save_revision()
    assert versions.version_number_for_revision(section, draft.pk) is None


def _three_versions_and_drafts(section):
    """Versions 2 and 3 on top of the fixture's first, with unpublished drafts between and
    after them, as editors leave them."""
    section.save_revision()  # a draft nobody published
    _edit_body(section, lambda blocks: [*blocks, {"type": "paragraph", "value": "<p>Two.</p>"}])
    section.save_revision()
    _edit_body(section, lambda blocks: [*blocks, {"type": "paragraph", "value": "<p>Three.</p>"}])
    section.save_revision()  # the latest revision is a draft, so version 3 is purgeable too
    return section


def test_published_versions_survive_purge_revisions(client, section):
    section = _three_versions_and_drafts(section)
    before = Revision.page_revisions.filter(object_id=str(section.pk)).count()
    assert before == 6

    out = io.StringIO()
    call_command("purge_revisions", stdout=out)  # no --days: everything it may delete
    assert "Successfully deleted 2 revisions" in out.getvalue()
    assert "Ignored 3 revisions" in out.getvalue()
    kept = Revision.page_revisions.filter(object_id=str(section.pk)).count()
    assert kept == 4  # the three versions and the latest draft

    html = client.get(f"{section.url}versions/").content.decode()
    assert all(f"Version {n}" in html for n in (1, 2, 3))
    for n in (1, 2, 3):
        assert client.get(f"{section.url}versions/{n}/").status_code == 200
    response = client.get(f"{section.url}versions/compare/?from_version=1&to_version=3")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<ins>Two.</ins>" in html and "<ins>Three.</ins>" in html


def test_deleting_a_section_takes_its_versions_with_it(client, site_tree, section):
    section = _three_versions_and_drafts(section)
    editor = factories.UserFactory(is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=editor, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(editor)
    response = client.post(f"/admin/pages/{section.pk}/delete/")
    assert response.status_code == 302
    assert not SectionPage.objects.filter(pk=section.pk).exists()
    assert not PublishedVersion.objects.filter(page_id=section.pk).exists()
    assert not Revision.page_revisions.filter(object_id=str(section.pk)).exists()


def test_a_version_whose_revision_is_gone_is_not_found(client, section):
    _edit_body(section, lambda blocks: blocks[:1])
    first = section.published_versions()[0]
    # Remove the row behind Django's back, as a hand-made cleanup might (the foreign key is
    # checked when the transaction commits, which a test never does).
    Revision.objects.filter(pk=first.revision_id)._raw_delete(using="default")

    assert client.get(f"{section.url}versions/").status_code == 200
    assert client.get(f"{section.url}versions/2/").status_code == 200
    assert client.get(f"{section.url}versions/1/").status_code == 404
    compare = f"{section.url}versions/compare/?from_version=1&to_version=2"
    assert client.get(compare).status_code == 404
    # Leave the database consistent for the constraint check at the end of the test.
    PublishedVersion.objects.filter(revision_id=first.revision_id)._raw_delete(using="default")


def test_a_publish_scheduled_for_later_is_not_a_version_yet(section):
    section.go_live_at = timezone.now() + datetime.timedelta(days=1)
    section.save_revision().publish()
    assert len(section.published_versions()) == 1


# -- moved paragraphs ---------------------------------------------------------------------


@pytest.fixture
def three_paragraphs(section):
    """Version 2 of the section has three paragraphs: (id, text) in reading order."""
    _edit_body(section, lambda blocks: [*blocks, {"type": "paragraph", "value": "<p>Third.</p>"}])
    return [(block.id, block.value.source) for block in section.body]


def _changes(html):
    """(classes, text) of each block in the comparison, in order."""
    items = re.findall(r'<li class="hub-diff__block ([^"]+)">(.*?)</li>', html, re.S)
    return [
        (classes.split(), " ".join(re.sub("<[^>]+>", " ", body).split())) for classes, body in items
    ]


def test_moved_paragraphs_show_as_moved(editor_client, section, three_paragraphs):
    (one, first), (two, second), (three, _) = three_paragraphs
    # The editor swaps the first two paragraphs and rewords the third.
    post_section_edit(
        editor_client,
        section,
        [(two, second), (one, first), (three, "<p>Third, reworded.</p>")],
        action="publish",
    )
    html = editor_client.get(f"{section.url}versions/compare/").content.decode()
    assert "Changes from version 2 to version 3" in html
    assert "2 paragraphs changed: 1 reworded, 1 moved." in html
    changes = _changes(html)
    assert len(changes) == 3
    moved = [text for classes, text in changes if "hub-diff__block--moved" in classes]
    assert len(moved) == 1
    assert re.fullmatch(
        r"Moved from paragraph (1 to paragraph 2|2 to paragraph 1) \S+ paragraph\.", moved[0]
    )
    reworded = changes[2]
    assert "hub-diff__block--changed" in reworded[0]
    assert "hub-diff__block--moved" not in reworded[0]
    assert reworded[1].startswith("Reworded Third")
    assert "<del>Third.</del>" in html and "<ins>Third, reworded.</ins>" in html


def test_a_paragraph_moved_and_reworded_shows_both(editor_client, section, three_paragraphs):
    (one, _), (two, second), (three, third) = three_paragraphs
    post_section_edit(
        editor_client,
        section,
        [(two, second), (three, third), (one, "<p>First paragraph, moved to the end.</p>")],
        action="publish",
    )
    html = editor_client.get(f"{section.url}versions/compare/").content.decode()
    assert "1 paragraph changed: 1 reworded, 1 moved." in html
    classes, text = _changes(html)[2]
    assert {"hub-diff__block--changed", "hub-diff__block--moved"} <= set(classes)
    assert text.startswith("Reworded Moved from paragraph 1 to paragraph 3")
    assert "<ins>paragraph, moved to the end.</ins>" in html
    assert all("hub-diff__block--unchanged" in c for c, _ in _changes(html)[:2])


def test_moved_ids_keep_the_longest_run_in_place():
    assert versions.moved_ids(list("abcd"), list("abcd")) == set()
    assert versions.moved_ids(list("abcd"), list("bcda")) == {"a"}
    assert versions.moved_ids(list("abcd"), list("dabc")) == {"d"}
    assert len(versions.moved_ids(list("ab"), list("ba"))) == 1
    # Added and removed blocks are not moves.
    assert versions.moved_ids(list("abc"), list("xacy")) == set()


# -- change notes -------------------------------------------------------------------------


def test_an_editor_gives_a_version_a_change_note_shown_with_it(editor_client, client, section):
    ids = [block.id for block in section.body]
    note = "Reworded ambition 2 after the clinicians' comments"
    post_section_edit(
        editor_client,
        section,
        [(ids[0], "<p>First paragraph, reworded.</p>"), (ids[1], "<p>Second paragraph.</p>")],
        action="publish",
        change_note=note,
    )
    assert [v.change_note for v in section.published_versions()] == ["", note]
    shown = note.replace("'", "&#x27;")

    listing = client.get(f"{section.url}versions/").content.decode()
    assert shown in listing
    compare = client.get(f"{section.url}versions/compare/").content.decode()
    assert "What the editors said about the changes" in compare
    assert "<strong>Version 2</strong>" in compare and shown in compare
    version = client.get(f"{section.url}versions/2/").content.decode()
    assert f"What changed in this version: {shown}" in version
    assert (
        "What changed in this version"
        not in client.get(f"{section.url}versions/1/").content.decode()
    )

    # The next edit starts with an empty note, so the note is not published twice.
    form = editor_client.get(f"/admin/pages/{section.pk}/edit/").content.decode()
    field = re.search(r'<input[^>]*name="change_note"[^>]*>', form)[0]
    assert 'value="' not in field or 'value=""' in field
    post_section_edit(
        editor_client,
        section,
        [(ids[0], "<p>First paragraph, reworded again.</p>"), (ids[1], "<p>Second paragraph.</p>")],
        action="publish",
    )
    assert [v.change_note for v in section.published_versions()] == ["", note, ""]


def test_a_drafts_change_note_waits_for_its_publish(editor_client, section):
    ids = [block.id for block in section.body]
    paragraphs = [(ids[0], "<p>Draft wording.</p>"), (ids[1], "<p>Second paragraph.</p>")]
    post_section_edit(editor_client, section, paragraphs, action="save", change_note="A draft note")
    assert len(section.published_versions()) == 1
    form = editor_client.get(f"/admin/pages/{section.pk}/edit/").content.decode()
    assert 'value="A draft note"' in form
    post_section_edit(
        editor_client, section, paragraphs, action="publish", change_note="A draft note"
    )
    assert section.published_versions()[-1].change_note == "A draft note"


def test_a_change_note_is_shown_as_text(editor_client, client, section):
    ids = [block.id for block in section.body]
    post_section_edit(
        editor_client,
        section,
        [(ids[0], "<p>Changed.</p>"), (ids[1], "<p>Second paragraph.</p>")],
        action="publish",
        change_note='<script>alert("x")</script>\u202e <b>bold</b>\n',
    )
    assert section.published_versions()[-1].change_note == '<script>alert("x")</script> <b>bold</b>'
    for path in ["versions/", "versions/compare/", "versions/2/"]:
        main = client.get(f"{section.url}{path}").content.decode().split('id="maincontent"')[1]
        assert "<script>alert" not in main and "<b>bold</b>" not in main
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;" in main
