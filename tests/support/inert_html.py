"""Reading rendered user text for anything that could run: the tags and attributes stored
user HTML may hold, and what a whole page may not gain from what people wrote."""

import html as html_lib
import re
from html.parser import HTMLParser

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "a"}
DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "link",
    "meta",
    "base",
    "img",
    "frame",
    "frameset",
    "video",
    "audio",
    "source",
    "template",
    "noscript",
    "isindex",
    "marquee",
}  # fmt: skip  (forms and buttons are page furniture; bodies may hold none, checked above)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}
INVISIBLE = re.compile("[\u200b\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\x00]")


class Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def elements(html):
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector.elements


def unsafe_url(value):
    squashed = re.sub(r"[\s\x00-\x1f]", "", html_lib.unescape(value or "")).lower()
    return squashed.startswith(("javascript:", "data:", "vbscript:"))


def problems_in_user_html(html):
    """What is wrong with a piece of stored or rendered user HTML (empty when safe)."""
    found = []
    for tag, attrs in elements(html):
        if tag not in ALLOWED_TAGS:
            found.append(f"tag <{tag}>")
        for name, value in attrs:
            if tag != "a" or name not in {"href", "rel", "title"}:
                found.append(f"attribute {name} on <{tag}>")
            if name == "href" and not re.match(r"^(https?:|mailto:)", value or ""):
                found.append(f"href {value!r}")
            if name == "href" and unsafe_url(value):
                found.append(f"unsafe href {value!r}")
        if tag == "a" and dict(attrs).get("rel") != "nofollow ugc noopener":
            found.append(f"link without rel: {attrs}")
    if INVISIBLE.search(html):
        found.append("invisible or direction characters")
    return found


def problems_in_page(html, baseline):
    """Anything executable in a whole page that the same page without comments lacks."""
    found = []
    counts = {}
    for tag, attrs in elements(html):
        if tag in DANGEROUS_TAGS:
            counts[tag] = counts.get(tag, 0) + 1
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"event handler {name} on <{tag}>")
            if name in URL_ATTRIBUTES and unsafe_url(value):
                found.append(f"unsafe {name} {value!r} on <{tag}>")
            if name == "style" and "javascript" in (value or "").lower():
                found.append("script in a style attribute")
    for tag, count in counts.items():
        if count > baseline.get(tag, 0):
            found.append(f"{count - baseline.get(tag, 0)} more <{tag}> than without comments")
    return found


def tag_counts(html):
    counts = {}
    for tag, _attrs in elements(html):
        if tag in DANGEROUS_TAGS:
            counts[tag] = counts.get(tag, 0) + 1
    return counts


def comment_bodies(html):
    return re.findall(r'<div class="hub-comment__body">(.*?)</div>', html, flags=re.S)
