"""Comments as one person sees them: which are visible, what each one lets them do, the
reaction counts, "made on version N", and threads put together from flat rows.

Everything here works on lists already fetched, with a fixed number of queries per call
(reactions: two), so a page's query count never grows with the number of comments."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from consultation import anchoring, rules
from consultation.models import PUBLIC_STATUSES, Reaction, Status

MAX_SHOWN_DEPTH = 2  # replies deeper than this are shown at this indent, "in reply to" someone


def visible_q(user, consultation):
    """What this person sees of a consultation's comments: published ones and the
    placeholders of hidden and withdrawn ones (if comments are public), their own in any
    state, and everything for moderators (with a second factor: rules.can_moderate)."""
    if rules.can_moderate(user):
        return Q()
    q = Q(status__in=PUBLIC_STATUSES) if consultation.comments_public else Q(pk__in=[])
    if user.is_authenticated:
        q |= Q(author=user)
    return q


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
    def status_note(self):
        """What the reader is told about a comment not (or no longer) public."""
        status = self.comment.status
        if status == Status.PUBLISHED:
            return ""
        if status == Status.WITHDRAWN:
            return "This was withdrawn by its author."
        if status == Status.HIDDEN:
            return "This was hidden by a moderator."
        if status == Status.PENDING:
            return "Waiting for a moderator: only you and the moderators can see it."
        return "Not published."


@dataclass
class Thread:
    root: Shown
    replies: list = field(default_factory=list)
    replies_total: int = 0

    @property
    def more_replies(self):
        return max(0, self.replies_total - len(self.replies))


def reaction_counts(ids, user):
    """({comment id: {"agree": n, "disagree": n}}, {comment id: my value})."""
    counts = {}
    mine = {}
    if not ids:
        return counts, mine
    rows = (
        Reaction.objects.filter(comment_id__in=ids)
        .values_list("comment_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for comment_id, value, n in rows:
        counts.setdefault(comment_id, {})[value] = n
    if user.is_authenticated:
        mine = dict(
            Reaction.objects.filter(comment_id__in=ids, user=user).values_list(
                "comment_id", "value"
            )
        )
    return counts, mine


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


def prepare(comments, *, user, consultation, labeller=None, now=None):
    """Shown objects for `comments` (in the same order); two queries for reactions."""
    ids = [comment.pk for comment in comments]
    counts, mine = reaction_counts(ids, user)
    moderator = rules.can_moderate(user)
    shown = []
    for comment in comments:
        # The same consultation object for every comment: the rules then ask no queries.
        comment.consultation = consultation
        own = rules.is_author(user, comment)
        counted = counts.get(comment.pk, {})
        shown.append(
            Shown(
                comment=comment,
                show_text=rules.can_read_text(user, comment),
                is_own=own,
                agree=counted.get(Reaction.Value.AGREE, 0),
                disagree=counted.get(Reaction.Value.DISAGREE, 0),
                my_reaction=mine.get(comment.pk),
                can_reply=rules.can_reply(user, comment, now),
                can_react=rules.can_react(user, comment, now),
                can_edit=rules.can_edit(user, comment, now),
                can_withdraw=rules.can_withdraw(user, comment),
                can_flag=not own and rules.can_flag(user, comment),
                can_moderate=moderator,
                version_note=labeller.note_for(comment)
                if labeller and not comment.parent_id
                else None,
            )
        )
    return shown


def assemble(roots, replies, *, totals=None):
    """Threads from prepared roots and replies. Replies come in created order, so each
    one's parent is placed before it; they are laid out depth first under their root."""
    threads = {item.comment.pk: Thread(root=item) for item in roots}
    children = {}
    names = {item.comment.pk: _name(item) for item in [*roots, *replies]}
    for item in replies:
        children.setdefault(item.comment.parent_id, []).append(item)

    def walk(parent_id, depth, thread):
        for child in children.get(parent_id, []):
            child.depth = min(depth, MAX_SHOWN_DEPTH)
            if depth > MAX_SHOWN_DEPTH:
                child.in_reply_to = names.get(parent_id, "")
            thread.replies.append(child)
            walk(child.comment.pk, depth + 1, thread)

    for root_id, thread in threads.items():
        walk(root_id, 1, thread)
        thread.replies_total = (totals or {}).get(root_id, len(thread.replies))
    return list(threads.values())


def _name(item):
    author = item.comment.author
    return author.public_name if author else "A former participant"
