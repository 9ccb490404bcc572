"""Emails: one message (.eml) or a mailbox (.mbox), read with Python's `email` (policy
default) and `mailbox`: the sender, date, subject, plain text and attachments of each.

The text is the message's plain-text body, else its HTML body reduced to text
(`html_to_text`: scripts, styles and the head dropped, blocks kept as lines). A message with
no sender or no date (or one that is not a date), or a file that is not an email at all,
rejects the file: message number and header in the report.

"Content in attachment": a message with at least one attachment whose text is empty, or is
short (at most IN_ATTACHMENT_WORDS words) and says it is attached ("see attached", "please
find attached", "enclosed"...), is flagged. Its item stays in the analysis, and the flag
tells whoever codes it that the response is in the attachment, not in the few words sent.
"""

import mailbox
import re
from datetime import UTC
from email.errors import HeaderParseError
from email.parser import BytesParser
from email.policy import EmailPolicy
from html.parser import HTMLParser

from consultation.imports.records import Problem, record_from
from hub.core.sanitise import strip_invisible

IN_ATTACHMENT_WORDS = 40
_SAYS_ATTACHED = re.compile(
    r"\b(attached|attachments?|enclosed|see (the )?(pdf|document|letter)|find our response)\b",
    re.IGNORECASE,
)
# Header parsing in the standard library can fail on hostile headers in more ways than
# HeaderParseError: a header that cannot be read is a problem with the file, not a crash.
# Its parser recurses once per nested comment, so "(((..." a few thousand deep in a From
# header exhausts the stack.
HEADER_ERRORS = (
    HeaderParseError, ValueError, IndexError, TypeError, AttributeError, RecursionError,
)  # fmt: skip
# The headers read here, of the message and of each part. The standard library's header
# parser takes time in the square of a header's length (CPython gh-136063: a From header of
# 40,000 backslashes takes 17 s, one of a megabyte hours), so a header longer than any a
# sender writes (a line of email is at most 998 characters) is never parsed: it reads as
# empty, and its message is refused by name.
READ_HEADERS = frozenset(
    ("from", "date", "subject", "message-id", "content-type", "content-disposition",
     "content-transfer-encoding")
)  # fmt: skip
HEADER_MAX_LENGTH = 2_000


class _ReadingPolicy(EmailPolicy):
    """policy.default, except that a header longer than HEADER_MAX_LENGTH reads as empty
    (the parser itself reads each part's Content-Type, before message_items can refuse)."""

    def header_fetch_parse(self, name, value):
        return super().header_fetch_parse(name, "" if len(value) > HEADER_MAX_LENGTH else value)


_parser = BytesParser(policy=_ReadingPolicy())


def content_in_attachment(text, attachments):
    if not attachments:
        return False
    words = text.split()
    return not words or (len(words) <= IN_ATTACHMENT_WORDS and bool(_SAYS_ATTACHED.search(text)))


class _TextOfHtml(HTMLParser):
    SKIP = {"script", "style", "head", "title", "template", "noscript", "svg"}
    # Tags that start a new line, and blocks that stand apart (a blank line around them).
    LINES = {"br", "li", "tr"}
    BLOCKS = {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul",
        "ol", "section", "article", "hr",
    }  # fmt: skip

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], 0

    def _break(self, tag):
        if tag in self.LINES:
            self.parts.append("\n")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        else:
            self._break(tag)

    def handle_startendtag(self, tag, attrs):
        self._break(tag)

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html):
    """The words a reader sees of an HTML email, a line per block, at most one blank line
    between paragraphs; nothing of scripts or styles."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    text, blank = [], False
    for line in lines:
        if line:
            text.append(line)
            blank = False
        elif text and not blank:
            text.append("")
            blank = True
    return "\n".join(text).strip()


def _body_text(message):
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    content = body.get_content()
    if isinstance(content, bytes):
        return ""
    return html_to_text(content) if body.get_content_subtype() == "html" else content


def _attachments(message):
    found = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True) or b""
        # The sender's words like the others: kept without control characters.
        found.append(
            {
                "name": strip_invisible(part.get_filename() or "") or "(no name)",
                "type": strip_invisible(part.get_content_type()),
                "size": len(payload),
            }
        )
    return found


def _overlong_header(message):
    """The name of the first header read here (READ_HEADERS) longer than HEADER_MAX_LENGTH,
    of the message or any of its parts, as the file has it (unparsed); "" if none."""
    for part in message.walk():
        for name, value in part.raw_items():
            if name.lower() in READ_HEADERS and len(value) > HEADER_MAX_LENGTH:
                return name
    return ""


def message_items(number, message):
    """A Record or the Problems of message `number` (counted from 1)."""
    if not message.keys():
        yield Problem(number, "", "this is not an email message: it has no headers.")
        return
    if overlong := _overlong_header(message):
        yield Problem(
            number, overlong, f"the header is longer than {HEADER_MAX_LENGTH:,} characters."
        )
        return
    try:
        sender = message["From"]
        date = message["Date"]
        subject = str(message["Subject"] or "")
        message_id = str(message["Message-ID"] or "").strip()
    except HEADER_ERRORS as error:
        yield Problem(number, "", f"a header cannot be read ({error}).")
        return
    addresses = getattr(sender, "addresses", ()) if sender is not None else ()
    address = addresses[0] if addresses else None
    problems = []
    if address is None or not address.addr_spec or "@" not in address.addr_spec:
        problems.append(Problem(number, "From", "the message has no sender."))
    when = getattr(date, "datetime", None) if date is not None else None
    if when is None:
        raw = next((v for k, v in message.raw_items() if k.lower() == "date"), "")
        reason = (
            "the message has no date." if date is None else f"“{raw.strip()[:60]}” is not a date."
        )
        problems.append(Problem(number, "Date", reason))
    try:
        text = _body_text(message)
        attachments = _attachments(message)
    except (LookupError, *HEADER_ERRORS) as error:
        problems.append(Problem(number, "", f"the message's text cannot be read ({error})."))
    if problems:
        yield from problems
        return
    if when.tzinfo is None:  # "-0000": a time in UTC whose zone the sender did not say
        when = when.replace(tzinfo=UTC)
    values = {
        "text": text,
        "message_id": message_id,
        "received_at": when,
        "respondent_name": address.display_name,
        "respondent_email": address.addr_spec,
        "subject": subject,
        "attachments": attachments,
        "content_in_attachment": content_in_attachment(text, attachments),
    }
    record, problems = record_from(
        number, values, {"message_id": "Message-ID", "received_at": "Date"}
    )
    if record is None:
        yield from problems
    else:
        yield record


def eml_items(binary):
    """The one message of an .eml file."""
    yield from message_items(1, _parser.parse(binary))


def mbox_items(path):
    """Each message of the mailbox at `path` (the mailbox module reads files by path)."""
    box = mailbox.mbox(path, factory=_parser.parse, create=False)
    count = 0
    try:
        for count, message in enumerate(box, start=1):
            yield from message_items(count, message)
    finally:
        box.close()
    if count == 0:
        yield Problem(
            None, "", "No messages found: in a mailbox (.mbox) each message starts with “From ”."
        )
