"""Highlighted extracts made safe: every backend marks matches with two private-use
characters, and only this module turns them into HTML.

SQLite's `snippet()`, PostgreSQL's `ts_headline` and Elasticsearch's highlighter all return
the item's raw text with markers around the matches. If the markers were `<mark>` tags, the
text around them (which may hold `<script>` typed by a participant) could not be escaped
without escaping them too. So the backends are given MARK_START and MARK_END, characters
from Unicode's private use area that the sanitiser removes from stored text
(`hub.core.sanitise.strip_invisible`); here the text is escaped piece by piece and only
balanced markers become `<mark>` and `</mark>`.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

MARK_START = "\ue000"
MARK_END = "\ue001"
ELLIPSIS = "…"
EXTRACT_LENGTH = 240  # characters of a plain extract, for items found without a text match
_MARKERS = re.compile(f"([{MARK_START}{MARK_END}])")


def marked_to_html(text):
    """Text with MARK_START/MARK_END around matches, as safe HTML with <mark> around them.

    Everything else is escaped. A start inside a mark, an end outside one and an empty
    mark are dropped, so the result holds well-formed <mark> elements and nothing else."""
    pieces, inside = [], False

    def close():
        if pieces[-1] == "<mark>":
            pieces.pop()
        else:
            pieces.append("</mark>")

    for piece in _MARKERS.split(text or ""):
        if piece == MARK_START and not inside:
            pieces.append("<mark>")
            inside = True
        elif piece == MARK_END and inside:
            close()
            inside = False
        elif piece and piece not in (MARK_START, MARK_END):
            pieces.append(escape(piece))
    if inside:
        close()
    return mark_safe("".join(pieces))  # noqa: S308 - every piece was escaped


def plain_extract(text, length=EXTRACT_LENGTH):
    """The start of `text` as safe HTML, cut at a space, for items found without a text
    match (a query of filters or exclusions only)."""
    text = " ".join((text or "").replace(MARK_START, "").replace(MARK_END, "").split())
    if len(text) > length:
        cut = text.rfind(" ", 0, length)
        text = text[: cut if cut > length // 2 else length] + " " + ELLIPSIS
    return mark_safe(escape(text))  # noqa: S308 - escaped
