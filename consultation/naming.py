"""How a comment or post is named where a page or message has to say which one it means:
"Reply by Ada Example on Ambition 2, paragraph 3: “We need…”" (moderation queue, flash
messages, audit log, someone's contributions and reports), never "Reply 13".

Plain text only (rendered escaped); no queries: callers load the author's profile, the
section and the topic with the comments, and share one ParagraphNumbers per page."""

from consultation import anchoring, formatting

EXCERPT_LENGTH = 60


class ParagraphNumbers:
    """{paragraph id: number} of each section met, worked out once per section (from the
    section's body in memory)."""

    def __init__(self):
        self._numbers = {}

    def of(self, section):
        if section.pk not in self._numbers:
            self._numbers[section.pk] = anchoring.paragraph_numbers(section)
        return self._numbers[section.pk]


def author_name(comment):
    """The name shown beside a comment: its author's public name, or "A former participant"
    once the account is gone."""
    author = comment.author
    return author.public_name if author else "A former participant"


def author_sector(comment):
    """The sector its author wrote from (kept on the comment, never the profile now); none
    beside "A former participant", whose account is gone."""
    return comment.get_author_sector_display() if comment.author_id else ""


def excerpt(comment, length=EXCERPT_LENGTH):
    """The first words of a comment as plain text (links as their address), shortened."""
    if comment.purged_at:
        return ""
    text = formatting.words(comment.text)
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def place(comment, numbers):
    """Where it was written: "Ambition 2, paragraph 3", "Ambition 2, the whole section",
    or a discussion topic's title."""
    if comment.section_id:
        section = comment.section
        if not comment.paragraph_id:
            return f"{section.title}, the whole section"
        number = numbers.of(section).get(comment.paragraph_id)
        paragraph = f"paragraph {number}" if number else "a paragraph since removed"
        return f"{section.title}, {paragraph}"
    if comment.topic_id:
        return comment.topic.title
    return comment.consultation.title


def label(comment, *, author_name, numbers, with_excerpt=True):
    """ "Reply by Ada Example on Ambition 2, paragraph 3: “We need…”"; a discussion by its
    title: "Discussion: Open data, started by Ada Example in Data and privacy"."""
    where = place(comment, numbers)
    if comment.is_post and not comment.is_reply:
        return f"Discussion: {comment.title}, started by {author_name} in {where}"
    preposition = "in" if comment.topic_id else "on"
    text = f"{comment.noun.capitalize()} by {author_name} {preposition} {where}"
    quoted = excerpt(comment) if with_excerpt else ""
    return f"{text}: “{quoted}”" if quoted else text
