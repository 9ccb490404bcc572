"""Plain text with light formatting, as people type it in a text box, to safe HTML and back.

The format: blank lines separate paragraphs, a single newline is a line break, **bold**,
*italic* or _italic_, lines starting "- " (or "* ") make a bulleted list, "1. " a numbered
list, "> " a quote; web addresses become links. Everything typed is escaped first, so
HTML typed by a person is shown as text, then the result goes through the LIGHT profile of
hub.core.sanitise (the one place that calls bleach), which also makes the links.

`to_text` turns stored HTML back into this format so an author can edit their words.
"""

import html
import re
from html.parser import HTMLParser

from hub.core.sanitise import LIGHT, sanitise, sanitise_plain, strip_invisible, visible_text

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


def to_html(text):
    """Safe HTML for what a person typed; empty string when nothing visible is left."""
    text = strip_invisible(text or "").replace("\r\n", "\n").replace("\r", "\n")
    blocks = [block for block in re.split(r"\n\s*\n", text) if block.strip()]
    raw = "".join(
        _block_html([line for line in block.split("\n") if line.strip()]) for block in blocks
    )
    cleaned = sanitise(raw, LIGHT)
    return cleaned if visible_text(cleaned).strip() else ""


def link_count(html_text):
    return html_text.count("<a ")


class _TextWriter(HTMLParser):
    """Walks the small set of tags the LIGHT profile allows and writes the typed format."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.current = ""
        self.lists = []
        self.in_quote = False

    def _end_block(self):
        if self.current.strip():
            text = self.current.strip("\n ")
            if self.in_quote:
                text = "\n".join("> " + line for line in text.split("\n"))
            self.blocks.append(text)
        self.current = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "blockquote"):
            self._end_block()
            if tag == "blockquote":
                self.in_quote = True
        elif tag == "br":
            self.current += "\n"
        elif tag in ("strong", "b"):
            self.current += "**"
        elif tag in ("em", "i"):
            self.current += "*"
        elif tag in ("ul", "ol"):
            self._end_block()
            self.lists.append([tag, 0])
        elif tag == "li" and self.lists:
            self.lists[-1][1] += 1
            kind, number = self.lists[-1]
            if self.current:
                self.current += "\n"
            self.current += "- " if kind == "ul" else f"{number}. "

    def handle_endtag(self, tag):
        if tag in ("strong", "b"):
            self.current += "**"
        elif tag in ("em", "i"):
            self.current += "*"
        elif tag == "p":
            self._end_block()
        elif tag == "blockquote":
            self._end_block()
            self.in_quote = False
        elif tag in ("ul", "ol"):
            self._end_block()
            if self.lists:
                self.lists.pop()

    def handle_data(self, data):
        self.current += data

    def text(self):
        self._end_block()
        return "\n\n".join(self.blocks)


def to_text(html_text):
    """The typed format of stored HTML, for the edit form."""
    writer = _TextWriter()
    writer.feed(html_text or "")
    writer.close()
    return writer.text()


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
