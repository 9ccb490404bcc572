"""Highlighted extracts: the text escaped, and only our own markers become <mark>."""

import pytest
from django.utils.safestring import SafeString

from consultation.search.highlight import (
    ELLIPSIS,
    EXTRACT_LENGTH,
    MARK_END,
    MARK_START,
    marked_to_html,
    plain_extract,
)
from hub.core.sanitise import strip_invisible

S, E = MARK_START, MARK_END


@pytest.mark.parametrize(
    ("marked", "html"),
    [
        (f"care {S}robots{E} now", "care <mark>robots</mark> now"),
        (f"<script>{S}x{E}</script>", "&lt;script&gt;<mark>x</mark>&lt;/script&gt;"),
        (f"{S}<mark>{E}", "<mark>&lt;mark&gt;</mark>"),  # typed tags stay text
        (f'a & b "{S}c{E}"', "a &amp; b &quot;<mark>c</mark>&quot;"),
        (f"{S}{S}nested{E}{E}", "<mark>nested</mark>"),
        (f"{E}stray end", "stray end"),
        (f"open {S}to the end", "open <mark>to the end</mark>"),
        (f"empty {S}{E}mark", "empty mark"),
        ("", ""),
        (None, ""),
    ],
)
def test_markers_become_mark_and_everything_else_is_escaped(marked, html):
    result = marked_to_html(marked)
    assert isinstance(result, SafeString)
    assert result == html


def test_markers_are_characters_stored_text_never_holds():
    # The sanitiser removes private-use characters from what people write.
    assert strip_invisible(f"a{S}b{E}c") == "abc"


def test_plain_extract_is_escaped_and_cut_at_a_space():
    text = "<b>bold</b> " + "word " * 100
    extract = plain_extract(text)
    assert isinstance(extract, SafeString)
    assert extract.startswith("&lt;b&gt;bold&lt;/b&gt; word")
    assert extract.endswith(f"word {ELLIPSIS}")
    assert len(extract) <= EXTRACT_LENGTH + 40
    assert plain_extract("short  text\n here") == "short text here"
    assert plain_extract(f"no {S}marks{E}") == "no marks"
    assert plain_extract("x" * 1000) == "x" * EXTRACT_LENGTH + f" {ELLIPSIS}"
