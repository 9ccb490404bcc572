"""Comments as one person sees them: what each one lets them do, the reaction counts,
"made on version N", and threads put together from flat rows. Which comments they see at
all is the visibility rule (models.Visibility, `Comment.objects.visible_to`).

Everything here works on lists already fetched, with a fixed number of queries per call
(reactions: two), so a page's query count never grows with the number of comments."""

from dataclasses import dataclass, field

from django.db.models import Count

from consultation import anchoring, rules
from consultation.models import Reaction, Status
from hub.accounts.user_facts import remembered

MAX_SHOWN_DEPTH = 2  # replies deeper than this are shown at this indent, "in reply to" someone
# What showing a comment reads besides the comment: its author's public name.
SHOWN_RELATED = ("author__profile",)


def depth_first(root_id, replies):
    """[(reply, depth)] in reading order: each reply under its parent, depth first.
    `replies` come in created order; those whose parent is not among them are left out."""
    children = {}
    for reply in replies:
        children.setdefault(reply.parent_id, []).append(reply)
    order = []
    stack = [(child, 1) for child in reversed(children.get(root_id, []))]
    while stack:
        reply, depth = stack.pop()
        order.append((reply, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(reply.pk, [])))
    return order


@dataclass
class VersionNote:
    number: int
    url: str


@dataclass
class Shown:
    """One comment or post, prepared for one reader."""

    comment: object
    depth: int = 0
    show_text: bool = True
    is_own: bool = False
    agree: int = 0
    disagree: int = 0
    my_reaction: str | None = None
    can_reply: bool = False
    can_react: bool = False
    can_edit: bool = False
    can_withdraw: bool = False
    can_flag: bool = False
    can_moderate: bool = False
    version_note: VersionNote | None = None
    in_reply_to: str = ""

    @property
    def pk(self):
        return self.comment.pk

    @property
    def parent_id(self):
        return self.comment.parent_id

    @property
    def counted(self):
        return self.comment.status in Status.COUNTED

    @property
    def placeholder_note(self):
        """All a reader is told of words they may not read: no name, sector or text."""
        if self.comment.status == Status.HIDDEN:
            return "This was hidden by a moderator."
        if self.comment.status == Status.WITHDRAWN:
            return "This was withdrawn by its author."
        return "This is not shown."

    @property
    def status_note(self):
        """For words the reader can read but others may not (their own, or a moderator's
        view): what the status means for who sees them. The status itself is the tag."""
        status = self.comment.status
        whose = "you" if self.is_own else "its author"
        if status == Status.PENDING:
            return f"Waiting for a moderator: only {whose} and the moderators can see it."
        if status == Status.HIDDEN:
            return "Others see only that it was hidden."
        if status == Status.REJECTED:
            return "It was not published."
        if status == Status.WITHDRAWN:
            return "Others see only that it was withdrawn."
        return ""


@dataclass
class Thread:
    root: Shown
    replies: list = field(default_factory=list)
    replies_total: int = 0  # counted replies in the whole thread

    @property
    def more_replies(self):
        shown = sum(1 for reply in self.replies if reply.counted)
        return max(0, self.replies_total - shown)


def reaction_totals(ids):
    """{comment id: {"agree": n, "disagree": n}}, in one query."""
    counts = {}
    if not ids:
        return counts
    rows = (
        Reaction.objects.filter(comment_id__in=ids)
        .values_list("comment_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for comment_id, value, n in rows:
        counts.setdefault(comment_id, {})[value] = n
    return counts


# Up to this many of a reader's reactions are kept with the facts about them (most people
# react a few times, and never): a page of comments then asks no query for theirs.
KEPT_REACTIONS = 300


def _every_reaction_of(user):
    rows = list(
        Reaction.objects.filter(user=user).values_list("comment_id", "value")[: KEPT_REACTIONS + 1]
    )
    return dict(rows) if len(rows) <= KEPT_REACTIONS else None


def my_reactions(ids, user):
    """{comment id: this reader's reaction} (none for a visitor): from all their reactions,
    kept in their facts until they react again (hub.accounts.user_facts, forgotten by the
    receivers in consultation/apps.py), or in one query for someone with very many."""
    if not ids or not user.is_authenticated:
        return {}
    every = remembered(user, "reactions", lambda: _every_reaction_of(user))
    if every is not None:
        return {comment_id: every[comment_id] for comment_id in ids if comment_id in every}
    return dict(
        Reaction.objects.filter(comment_id__in=ids, user=user).values_list("comment_id", "value")
    )


class VersionLabeller:
    """Says "made on version N" for comments whose paragraph has changed since.

    The live page's fingerprints are computed in memory; the section's published versions
    are read once (one query), only if some comment needs them."""

    def __init__(self, section):
        self.section = section
        self.current = anchoring.fingerprints(section) if section is not None else {}
        self._numbers = None

    def _version_numbers(self):
        if self._numbers is None:
            self._numbers = {
                version.revision_id: version.number for version in self.section.published_versions()
            }
        return self._numbers

    def note_for(self, comment):
        if self.section is None or not comment.text_fingerprint:
            return None
        if self.current.get(comment.paragraph_id) == comment.text_fingerprint:
            return None
        number = self._version_numbers().get(comment.revision_id)
        if number is None:
            return None
        return VersionNote(number=number, url=f"{self.section.url}versions/{number}/")


def prepare(
    comments, *, user, consultation, labeller=None, now=None, notes=None, totals=None, reader=None
):
    """Shown objects for `comments` (in the same order); two queries for reactions, one
    when their `totals` are given ({comment id: {value: n}}, read once for everyone). The
    "made on version N" notes of the threads' opening comments come from `labeller`, or
    `notes` ({comment id: VersionNote or None}) worked out before. One rules.Reader
    (`reader`, or one made here) decides every comment's actions, so what it knows of the
    reader is read once."""
    ids = [comment.pk for comment in comments]
    counts = reaction_totals(ids) if totals is None else totals
    mine = my_reactions(ids, user)
    reader = reader or rules.Reader(user, consultation, now)
    shown = []
    for comment in comments:
        # The same consultation object for every comment: the rules then ask no queries.
        comment.consultation = consultation
        own = reader.is_author(comment)
        counted = counts.get(comment.pk, {})
        if comment.parent_id:
            note = None
        elif notes is not None:
            note = notes.get(comment.pk)
        else:
            note = labeller.note_for(comment) if labeller else None
        shown.append(
            Shown(
                comment=comment,
                show_text=reader.can_read_text(comment),
                is_own=own,
                agree=counted.get(Reaction.Value.AGREE, 0),
                disagree=counted.get(Reaction.Value.DISAGREE, 0),
                my_reaction=mine.get(comment.pk),
                can_reply=reader.can_reply(comment),
                can_react=reader.can_react(comment),
                can_edit=reader.can_edit(comment),
                can_withdraw=reader.can_withdraw(comment),
                can_flag=not own and reader.can_flag(comment),
                can_moderate=reader.moderates,
                version_note=note,
            )
        )
    return shown


def assemble(roots, replies, *, totals=None):
    """Threads from prepared roots and replies (in created order), each reply depth first
    under its root. `totals` gives each thread's count of counted replies (else those
    shown that count)."""
    threads = {item.comment.pk: Thread(root=item) for item in roots}
    by_root = {}
    for item in replies:
        by_root.setdefault(item.comment.root_id, []).append(item)
    names = {item.comment.pk: reply_name(item) for item in [*roots, *replies]}
    for root_id, thread in threads.items():
        for item, depth in depth_first(root_id, by_root.get(root_id, [])):
            placed(item, depth, names.get(item.comment.parent_id, ""))
            thread.replies.append(item)
        counted = sum(1 for item in thread.replies if item.counted)
        thread.replies_total = (totals or {}).get(root_id, counted)
    return list(threads.values())


def placed(item, depth, parent_name, *, parent_shown=True):
    """Set where a reply sits: its indent, and whom it answers when the indent (or the
    page) cannot show it."""
    item.depth = min(depth, MAX_SHOWN_DEPTH)
    if depth > MAX_SHOWN_DEPTH or (depth > 1 and not parent_shown):
        item.in_reply_to = parent_name
    return item


def reply_name(item):
    """How a reply names what it answers: the author's public name, or no name at all
    for words the reader may not read."""
    if not item.show_text:
        if item.comment.status == Status.WITHDRAWN:
            return "a withdrawn contribution"
        return "a hidden contribution"
    author = item.comment.author
    return author.public_name if author else "A former participant"
