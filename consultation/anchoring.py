"""Where a comment sits in the draft: a paragraph's stable id, and a fingerprint of the text
it had, so a page can tell which comments were made on words that have since changed.

Fingerprints are computed from a page object in memory (no queries): the live section for
new comments, an old revision's page for comments imported or made on an earlier version.
"""

import hashlib

from hub.pages.versions import block_text, paragraphs_of

SECTION = ""  # the paragraph id of comments on the whole section


def _digest(text):
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def fingerprints(page):
    """{paragraph id: fingerprint of its text} for every commentable block of `page`, plus
    the whole section's text under SECTION."""
    result = {
        paragraph.id: _digest(block_text(paragraph.block)) for paragraph in paragraphs_of(page)
    }
    result[SECTION] = _digest("\n".join(block_text(block) for block in page.body))
    return result


def paragraph_numbers(page):
    return {paragraph.id: paragraph.number for paragraph in paragraphs_of(page)}


def paragraph_text(page, paragraph_id):
    for paragraph in paragraphs_of(page):
        if paragraph.id == paragraph_id:
            return block_text(paragraph.block)
    return ""
