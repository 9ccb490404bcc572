"""The one place that calls bleach. Each use of user text picks a named profile.

Text is sanitised at the boundary (before it is stored) and rendered escaped or through
the same profile elsewhere, so nothing executable is ever stored or shown.
"""

import html as html_lib
import re
import unicodedata
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit, urlunsplit

import bleach
from bleach.linkifier import DEFAULT_CALLBACKS, Linker, build_url_re
from bleach.sanitizer import Cleaner

_SAFE_PROTOCOLS = frozenset({"http", "https", "mailto"})
_BLOCK_TAGS = ("<p", "<br", "<ul", "<ol", "<li", "<blockquote")
_LOOKS_LIKE_URL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*://)?(?:[\w-]+\.)+[a-z]{2,}\S*$", re.I).match

# Characters that can disguise text: bidirectional overrides, zero-width joiners used to
# smuggle look-alikes, and other invisible format characters (Unicode category Cf).
_KEEP_FORMAT_CHARS = frozenset({"\u200d"})  # zero-width joiner is needed by emoji sequences


@dataclass(frozen=True)
class Profile:
    name: str
    tags: frozenset
    attributes: dict
    linkify: bool


PLAIN = Profile(name="plain", tags=frozenset(), attributes={}, linkify=False)
LIGHT = Profile(
    name="light",
    tags=frozenset({"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "blockquote", "a"}),
    attributes={"a": ["href", "title", "rel"]},
    linkify=True,
)


def _link_rel(attrs, new=False):
    href_key = (None, "href")
    if href_key in attrs:
        attrs[(None, "rel")] = "nofollow ugc noopener"
        attrs.pop((None, "target"), None)
    return attrs


def _ascii_href(parts):
    """The address (split) with its internationalised host in punycode; None if the host
    cannot be written so."""
    try:
        ascii_host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=ascii_host + port))


def _honest_link(attrs, new=False):
    """Links show where they really go: a look-alike (internationalised) host is shown and
    linked in its punycode form, a link with a user name before the host ("nhs.uk@...")
    becomes plain text, and link text that looks like another address shows the address."""
    href = attrs.get((None, "href"))
    if href is None:
        return attrs
    try:
        parts = urlsplit(href)
        host = parts.hostname or ""
    except ValueError:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    if host and not host.isascii():
        href = _ascii_href(parts)
        if href is None:
            return None
        attrs[(None, "href")] = href
        attrs["_text"] = href
        return attrs
    text = attrs.get("_text", "")
    shown = urlsplit(text if "://" in text else f"http://{text}") if _LOOKS_LIKE_URL(text) else None
    if shown is not None and (shown.hostname or "") != host:
        attrs["_text"] = href
    return attrs


# The addresses the linkifier makes links of (bleach's own pattern), and what it leaves off
# their end as punctuation of the sentence.
_ADDRESS = build_url_re()
_SENTENCE_PUNCTUATION = ".,;:!?)"


def honest_addresses(text):
    """Plain `text` with every web address whose host is internationalised written as its
    link shows it (http://xn--…, see _honest_link), so that a look-alike host cannot pass
    for another in plain text (an excerpt) either."""

    def rewrite(match):
        found = match.group(0)
        address = found.rstrip(_SENTENCE_PUNCTUATION)
        try:
            parts = urlsplit(address if "://" in address else f"http://{address}")
            host = parts.hostname or ""
        except ValueError:
            return found
        if host.isascii() or parts.username is not None or parts.password is not None:
            return found
        href = _ascii_href(parts)
        return found if href is None else href + found[len(address) :]

    return _ADDRESS.sub(rewrite, text)


def strip_invisible(text):
    """Remove control and invisible format characters, keep newlines and tabs."""
    text = unicodedata.normalize("NFC", text)
    return "".join(
        ch
        for ch in text
        if ch in "\n\t"
        or ch in _KEEP_FORMAT_CHARS
        or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co"}
    )


def _paragraphs(text):
    """Turn plain text with blank lines and newlines into <p> and <br>."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return "".join(
        "<p>" + "<br>".join(line for line in block.split("\n")) + "</p>"
        for block in blocks
        if block
    )


# Passes of the plain-text cleaner before it gives up on text that keeps turning into
# markup (entities encoding entities encoding tags) and drops every angle bracket.
_PLAIN_PASSES = 8


def _plain(text):
    """Text without markup, entities decoded, never decoded into markup: tags are removed,
    then entities decoded, and again while decoding brings out new tags (`&lt;svg&gt;`
    becomes `<svg>`, which goes too), so what is stored is the words a reader sees."""
    for _ in range(_PLAIN_PASSES):
        cleaned = html_lib.unescape(bleach.clean(text, tags=set(), attributes={}, strip=True))
        if cleaned == text:
            return text
        text = cleaned
    return text.replace("<", "").replace(">", "")


def sanitise(text, profile=LIGHT):
    """Return `text` reduced to what `profile` allows; safe to store and to render."""
    text = strip_invisible(text or "")
    if profile is PLAIN:
        # Stored as plain text (no markup) and always rendered escaped.
        return _plain(text).strip()
    cleaner = Cleaner(
        tags=profile.tags,
        attributes=profile.attributes,
        protocols=_SAFE_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    # Text already laid out in blocks is cleaned as it is; bare text gets paragraphs.
    has_markup = any(tag in text.lower() for tag in _BLOCK_TAGS)
    html = cleaner.clean(text if has_markup else _paragraphs(text))
    if profile.linkify:
        linker = Linker(
            callbacks=[*DEFAULT_CALLBACKS, _honest_link, _link_rel], skip_tags={"pre", "code"}
        )
        html = linker.linkify(html)
    return html.strip()


# LIGHT without links: for words no moderator has approved yet, shown to the moderators
# (and their author) with every address as plain text, so nothing in them is one click away.
LIGHT_UNLINKED = Profile(
    name="light-unlinked", tags=LIGHT.tags - {"a"}, attributes={}, linkify=False
)

sanitise_plain = partial(sanitise, profile=PLAIN)
sanitise_light = partial(sanitise, profile=LIGHT)

# Exactly the markup the LIGHT profile produces for typed text; anything else in stored
# HTML (an old row, an import that skipped the boundary) is sanitised again on display.
_LIGHT_OUTPUT_TAG = re.compile(
    r"<(?:/?(?:p|br|strong|b|em|i|ul|ol|li|blockquote)|/a"
    r'|a href="(?:https?|mailto):[^"<>]*" rel="nofollow ugc noopener")>'
)


def light_for_display(html):
    """Stored LIGHT HTML, safe to insert into a page: a fast check that it holds nothing
    but what the profile produces, else the full sanitiser again."""
    html = html or ""
    rest = _LIGHT_OUTPUT_TAG.sub("", html)
    if "<" not in rest and ">" not in rest:
        return html
    return sanitise(html, LIGHT)


def unlinked_for_display(html):
    """Stored LIGHT HTML with its links turned into plain text (the LIGHT_UNLINKED profile):
    the text links are made from is the address itself, so nothing is hidden."""
    return sanitise(html or "", LIGHT_UNLINKED)


def visible_text(html):
    """The text a reader sees of HTML, without markup: for indexing pages' rich text, and
    to tell whether HTML just made shows anything. What people typed is kept as text beside
    its HTML (consultation's `Comment.text`): read that, never this of stored comments."""
    return html_lib.unescape(bleach.clean(html or "", tags=set(), strip=True))
