"""The typed format: what people type becomes the light HTML they expect, and the text
worked out once from the HTML of earlier comments (the data migration) gives it back."""

import importlib

import pytest

from consultation.formatting import clean_title, link_count, to_html, words

# The conversion the edit form used before the typed text was kept, frozen in the migration
# that filled `text` for the comments written until then.
to_text = importlib.import_module("consultation.migrations.0009_comment_text").to_text

TYPED = [
    ("Plain words.", "<p>Plain words.</p>"),
    ("One\ntwo\n\nThree", "<p>One<br>two</p><p>Three</p>"),
    ("**bold** and *italic*", "<p><strong>bold</strong> and <em>italic</em></p>"),
    ("_also_ italic", "<p><em>also</em> italic</p>"),
    ("Items:\n- one\n- two", "<p>Items:</p><ul><li>one</li><li>two</li></ul>"),
    ("1. first\n2. second", "<ol><li>first</li><li>second</li></ol>"),
    ("> quoted\n> more", "<blockquote><p>quoted<br>more</p></blockquote>"),
    ("snake_case_name stays", "<p>snake_case_name stays</p>"),
    ("2 * 3 * 4", "<p>2 * 3 * 4</p>"),
    (
        "see https://www.nhs.uk/a_b",
        '<p>see <a href="https://www.nhs.uk/a_b" rel="nofollow ugc noopener">'
        "https://www.nhs.uk/a_b</a></p>",
    ),
    ("x < y & z", "<p>x &lt; y &amp; z</p>"),
]  # fmt: skip


@pytest.mark.parametrize(("typed", "html"), TYPED)
def test_typed_text_becomes_light_html_and_back(typed, html):
    assert to_html(typed) == html
    assert to_html(to_text(html)) == html


def test_nothing_visible_is_empty():
    assert to_html("  \n\n \u200b\u202e ") == ""


def test_link_count():
    assert (
        link_count(to_html("https://a.example.org https://b.example.org and www.c.example.org"))
        == 3
    )


def test_titles_lose_all_markup():
    assert clean_title("  <b>Bold</b>   &lt;script&gt;x&lt;/script&gt; ") == "Bold x"
    assert clean_title("a < b") == "a \u2039 b"


def test_words_are_what_a_reader_sees_of_the_text():
    assert words("**Bold** and _italic_\n- one\n1. two\n> quoted") == (
        "Bold and italic one two quoted"
    )
    assert words("x < y & *z*") == "x < y & z"
    # A look-alike host is written as its link shows it.
    assert words("Log in at https://nh\u0455.uk/login.") == "Log in at https://xn--nh-foc.uk/login."
