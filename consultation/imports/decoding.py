"""Reading the bytes of an imported file as text: which encoding it is in, and where it fails.

The order: a byte-order mark says it (UTF-8, UTF-16 little or big endian); else the whole
file read as strict UTF-8 (streamed, so a large file is never held twice); else
Windows-1252, what spreadsheets on Windows write. A byte that is not text in the encoding
chosen (five of cp1252's 256 are undefined; UTF-16 can be cut or broken) does not stop the
reading: it becomes a marker, a lone surrogate U+DC80-U+DCFF that no decoded text can hold,
so the CSV reader can report the row and column it is in (`undecodable`).
"""

import codecs
import io
import re

CHUNK = 1 << 20
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),  # the utf-16 codec reads the mark and its byte order
    (codecs.BOM_UTF16_BE, "utf-16"),
)
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with a byte-order mark",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
}
ERRORS = "import-mark"
_MARKED = re.compile("[\udc00-\udcff]+")


def _mark(error):
    bad = error.object[error.start : error.end]
    return "".join(chr(0xDC00 + byte) for byte in bad), error.end


codecs.register_error(ERRORS, _mark)


def detect_encoding(binary):
    """The encoding of the seekable binary file `binary`, which is left at its start."""
    binary.seek(0)
    start = binary.read(4)
    binary.seek(0)
    for bom, encoding in BOMS:
        if start.startswith(bom):
            return encoding
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        while chunk := binary.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        binary.seek(0)
    return "utf-8"


def text_stream(binary, encoding):
    """`binary` as a text stream for the csv module (newline="" keeps line breaks inside
    quoted fields), with undecodable bytes marked."""
    return io.TextIOWrapper(binary, encoding=encoding, errors=ERRORS, newline="")


def undecodable(text):
    """The bytes (as "0x81 0x9D") that were not text, in `text` read by `text_stream`; ""
    when there are none."""
    found = _MARKED.findall(text)
    return " ".join(f"0x{ord(ch) - 0xDC00:02X}" for run in found for ch in run)
