"""Plain text with light formatting, as people type it in a text box, to safe HTML.

The format: blank lines separate paragraphs, a single newline is a line break, **bold**,
*italic* or _italic_, lines starting "- " (or "* ") make a bulleted list, "1. " a numbered
list, "> " a quote; web addresses become links. Everything typed is escaped first, so
HTML typed by a person is shown as text, then the result goes through the LIGHT profile of
hub.core.sanitise (the one place that calls bleach), which also makes the links.

What a person typed is kept too (`clean_text`), beside the HTML made from it: the edit
form, emails, excerpts, search and synthesis read the text; nothing turns HTML back into
text.
"""

import html
import re

from hub.core.sanitise import (
    LIGHT,
    honest_addresses,
    sanitise,
    sanitise_plain,
    strip_invisible,
    visible_text,
)

_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_QUOTE = re.compile(r"^\s*(?:>|&gt;)\s?(.*)$")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_EM_UNDERSCORE = re.compile(r"(?<![\w/])_(?=\S)(.+?)(?<=\S)_(?![\w/])")


def _inline(line):
    text = html.escape(line.strip(), quote=False)
    text = _STRONG.sub(r"<strong>\1</strong>", text)
    text = _EM_STAR.sub(r"<em>\1</em>", text)
    return _EM_UNDERSCORE.sub(r"<em>\1</em>", text)


def _line_kind(line):
    if _BULLET.match(line):
        return "ul"
    if _NUMBER.match(line):
        return "ol"
    if line.lstrip().startswith(">"):
        return "quote"
    return "p"


_PREFIXES = {"ul": _BULLET, "ol": _NUMBER, "quote": _QUOTE}


def _runs(lines):
    """Consecutive lines of the same kind, as (kind, [lines])."""
    runs = []
    for line in lines:
        kind = _line_kind(line)
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(line)
        else:
            runs.append((kind, [line]))
    return runs


def _block_html(lines):
    parts = []
    for kind, run in _runs(lines):
        if kind == "ul":
            items = "".join(f"<li>{_inline(_BULLET.match(line).group(1))}</li>" for line in run)
            parts.append(f"<ul>{items}</ul>")
        elif kind == "ol":
            items = "".join(f"<li>{_inline(_NUMBER.match(line).group(1))}</li>" for line in run)
            parts.append(f"<ol>{items}</ol>")
        elif kind == "quote":
            inner = "<br>".join(_inline(_QUOTE.match(line).group(1)) for line in run)
            parts.append(f"<blockquote><p>{inner}</p></blockquote>")
        else:
            parts.append("<p>" + "<br>".join(_inline(line) for line in run) + "</p>")
    return "".join(parts)


def clean_text(typed):
    """What a person typed, as it is kept: invisible and control characters removed (a
    newline and a tab stay), newlines made one kind, and no blank space around it."""
    return strip_invisible(typed or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def to_html(text):
    """Safe HTML for what a person typed; empty string when nothing visible is left."""
    text = clean_text(text)
    blocks = [block for block in re.split(r"\n\s*\n", text) if block.strip()]
    raw = "".join(
        _block_html([line for line in block.split("\n") if line.strip()]) for block in blocks
    )
    cleaned = sanitise(raw, LIGHT)
    return cleaned if visible_text(cleaned).strip() else ""


def link_count(html_text):
    return html_text.count("<a ")


def words(text):
    """The words of typed text as a reader sees them, on one line: without the formatting
    marks (bold and italic marks, list bullets and numbers, quote marks), and addresses as
    their links show them. For excerpts; plain text, always rendered escaped."""
    lines = []
    for line in clean_text(text).split("\n"):
        prefix = _PREFIXES.get(_line_kind(line))
        if prefix is not None:
            line = prefix.match(line).group(1)
        line = _STRONG.sub(r"\1", line)
        line = _EM_STAR.sub(r"\1", line)
        lines.append(_EM_UNDERSCORE.sub(r"\1", line))
    return honest_addresses(" ".join(" ".join(lines).split()))


def clean_title(text):
    """A one-line title without markup: tags and entities are removed until none are left,
    so the stored title never contains anything a browser would run."""
    text = " ".join(strip_invisible(text or "").split())
    for _ in range(5):
        cleaned = " ".join(sanitise_plain(text).split())
        if cleaned == text:
            break
        text = cleaned
    # Angle brackets left over are shown as look-alike quotation marks, never as markup.
    return text.replace("<", "\u2039").replace(">", "\u203a")
