"""Published versions of a section and readable differences between them.

Every revision of a section that goes live is recorded as a PublishedVersion (see
`version_record`, called on Wagtail's page_published signal); the ordinal of that record
among the section's versions is the version number readers see. The record also keeps the
revision from being purged, and the editor's change note saying what changed and why.

Paragraphs are matched between versions by their block id, so a paragraph that was moved is
compared with itself: the comparison says it moved (from which paragraph number to which)
and, if its words changed too, shows those changes as well.
"""

import difflib
import re
from dataclasses import dataclass, field
from html import unescape

from django import forms
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from wagtail.models import Revision

from hub.core.dates import human_date
from hub.core.sanitise import strip_invisible


@dataclass(frozen=True)
class Paragraph:
    id: str
    number: int
    block: object

    @property
    def anchor(self):
        return f"p-{self.id}"


@dataclass
class Version:
    number: int
    revision_id: int
    published_at: object
    change_note: str = ""
    _revision: Revision | None = field(default=None, repr=False)

    @property
    def revision(self):
        if self._revision is None:
            self._revision = Revision.page_revisions.get(pk=self.revision_id)
        return self._revision


def paragraphs_of(page):
    """Commentable blocks of a section (live or an old revision), numbered in reading order."""
    commentable = page.body.stream_block.commentable_types
    blocks = [block for block in page.body if block.block_type in commentable]
    return [Paragraph(id=block.id, number=n, block=block) for n, block in enumerate(blocks, 1)]


@dataclass(frozen=True)
class BodyItem:
    """One block of a section body; `paragraph` is set when it can be commented on."""

    block: object
    paragraph: Paragraph | None


def body_items(page):
    by_id = {paragraph.id: paragraph for paragraph in paragraphs_of(page)}
    return [BodyItem(block=block, paragraph=by_id.get(block.id)) for block in page.body]


def published_versions(page):
    """Every revision that went live, oldest first, numbered from 1."""
    from hub.pages.models import PublishedVersion

    rows = PublishedVersion.objects.filter(page_id=page.pk).values_list(
        "revision_id", "published_at", "change_note"
    )
    return [
        Version(number, revision_id, published_at, change_note)
        for number, (revision_id, published_at, change_note) in enumerate(rows, 1)
    ]


def version_record(*, page, revision):
    """Record that `revision` of the section `page` went live (once per revision), with the
    change note the editor wrote on that revision."""
    from hub.pages.models import PublishedVersion

    version, _ = PublishedVersion.objects.get_or_create(
        page_id=page.pk,
        revision=revision,
        defaults={
            "published_at": page.last_published_at or revision.created_at,
            # Plain text on one line (rendered escaped), without invisible characters.
            "change_note": " ".join(
                strip_invisible(str(revision.content.get("change_note") or "")).split()
            ),
        },
    )
    return version


def version_by_number(page, number):
    for version in published_versions(page):
        if version.number == number:
            return version
    return None


def version_number_for_revision(page, revision_id):
    """The version a revision was published as, or None if it never went live."""
    for version in published_versions(page):
        if version.revision_id == revision_id:
            return version.number
    return None


def block_text(block):
    """The readable text of one body block, for comparing versions."""
    value = block.value
    if block.block_type == "paragraph":
        html = value.source
    elif block.block_type == "inset":
        html = value["text"].source
    elif block.block_type == "quote":
        html = value["quote"] + (f" — {value['attribution']}" if value["attribution"] else "")
    elif block.block_type == "heading":
        html = value["text"]
    else:
        html = str(value)
    html = re.sub(r"</(p|li|h\d)>", r"</\1> ", html)
    return " ".join(unescape(strip_tags(html)).split())


@dataclass
class BlockChange:
    status: str  # "added", "removed", "changed" (its words) or "unchanged"
    block_type: str
    html: str
    moved: bool = False  # it stands elsewhere among the blocks both versions have
    old_number: int | None = None  # its paragraph number in each version (commentable
    new_number: int | None = None  # blocks only), to say where a moved paragraph was


def _word_diff(old, new):
    matcher = difflib.SequenceMatcher(a=old.split(), b=new.split(), autojunk=False)
    parts = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(matcher.a[a1:a2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(' '.join(matcher.a[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(' '.join(matcher.b[b1:b2]))}</ins>")
    return " ".join(parts)


def moved_ids(old_order, new_order):
    """Ids of the blocks, present in both orders, that moved: all but the longest run of
    blocks kept in the same order relative to each other (what a reader sees as staying
    put). Of two swapped paragraphs, one is said to move."""
    kept = set(old_order) & set(new_order)
    old_kept = [block_id for block_id in old_order if block_id in kept]
    new_kept = [block_id for block_id in new_order if block_id in kept]
    matcher = difflib.SequenceMatcher(a=old_kept, b=new_kept, autojunk=False)
    in_place = {
        block_id
        for match in matcher.get_matching_blocks()
        for block_id in old_kept[match.a : match.a + match.size]
    }
    return kept - in_place


def diff_pages(old_page, new_page):
    """Block-by-block changes from `old_page` to `new_page`, matched by block id so that
    moved blocks are compared with themselves and said to have moved. Removed blocks appear
    where they stood."""
    old_blocks = {block.id: block for block in old_page.body}
    new_ids = {block.id for block in new_page.body}
    changes = []
    old_order = [block.id for block in old_page.body]
    moved = moved_ids(old_order, [block.id for block in new_page.body])
    old_numbers = {paragraph.id: paragraph.number for paragraph in paragraphs_of(old_page)}
    new_numbers = {paragraph.id: paragraph.number for paragraph in paragraphs_of(new_page)}
    for block in new_page.body:
        # Removed blocks that stood before this one in the old order are shown first.
        if block.id in old_blocks:
            position = old_order.index(block.id)
            for removed_id in old_order[:position]:
                if removed_id not in new_ids and removed_id in old_blocks:
                    removed = old_blocks.pop(removed_id)
                    changes.append(BlockChange("removed", removed.block_type, _removed(removed)))
        new_text = block_text(block)
        old = old_blocks.pop(block.id, None)
        if old is None:
            changes.append(BlockChange("added", block.block_type, f"<ins>{escape(new_text)}</ins>"))
            continue
        old_text = block_text(old)
        if old_text == new_text:
            change = BlockChange("unchanged", block.block_type, escape(new_text))
        else:
            change = BlockChange("changed", block.block_type, _word_diff(old_text, new_text))
        change.moved = block.id in moved
        change.old_number = old_numbers.get(block.id)
        change.new_number = new_numbers.get(block.id)
        changes.append(change)
    for removed in old_blocks.values():
        changes.append(BlockChange("removed", removed.block_type, _removed(removed)))
    for change in changes:
        change.html = mark_safe(change.html)  # noqa: S308 - every piece above is escaped
    return changes


def _removed(block):
    return f"<del>{escape(block_text(block))}</del>"


class CompareForm(forms.Form):
    from_version = forms.TypedChoiceField(label="From version", coerce=int)
    to_version = forms.TypedChoiceField(label="To version", coerce=int)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (v.number, f"Version {v.number} ({human_date(v.published_at)})") for v in versions
        ]
        self.fields["from_version"].choices = choices
        self.fields["to_version"].choices = choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from_version") and cleaned.get("from_version") == cleaned.get("to_version"):
            raise forms.ValidationError("Choose two different versions to compare.")
        return cleaned


@dataclass
class Comparison:
    form: CompareForm
    old: Version | None = None
    new: Version | None = None
    changes: list = field(default_factory=list)
    all_versions: list = field(default_factory=list)

    @property
    def changed_count(self):
        """Blocks that differ in any way: added, removed, reworded or moved."""
        return sum(1 for change in self.changes if change.status != "unchanged" or change.moved)

    @property
    def kinds_of_change(self):
        """How many blocks were reworded, moved, added and removed (a block both moved and
        reworded counts in both), leaving out kinds with none: ["1 reworded", "1 moved"]."""
        counts = {
            "reworded": sum(1 for change in self.changes if change.status == "changed"),
            "moved": sum(1 for change in self.changes if change.moved),
            "added": sum(1 for change in self.changes if change.status == "added"),
            "removed": sum(1 for change in self.changes if change.status == "removed"),
        }
        return [f"{count} {kind}" for kind, count in counts.items() if count]

    @property
    def notes(self):
        """The editors' change notes of the versions after `old` up to `new`, oldest first."""
        if not (self.old and self.new):
            return []
        low, high = sorted((self.old.number, self.new.number))
        return [v for v in self.all_versions if low < v.number <= high and v.change_note]


def compare_request(all_versions, query):
    """Build the comparison a reader asked for; defaults to the last two versions."""
    if "from_version" not in query and len(all_versions) >= 2:
        query = {"from_version": all_versions[-2].number, "to_version": all_versions[-1].number}
    form = CompareForm(query or None, versions=all_versions)
    comparison = Comparison(form=form, all_versions=list(all_versions))
    if not form.is_bound or not form.is_valid():
        return comparison
    by_number = {v.number: v for v in all_versions}
    comparison.old = by_number[form.cleaned_data["from_version"]]
    comparison.new = by_number[form.cleaned_data["to_version"]]
    comparison.changes = diff_pages(
        comparison.old.revision.as_object(), comparison.new.revision.as_object()
    )
    return comparison
