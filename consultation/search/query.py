"""The text a person types into the feedback search box, parsed once into a plain structure.

`parse(text)` reads words, "quoted phrases", `OR` between words or phrases, `-exclusions`
and `prefix*` terms, and returns a `ParsedQuery`: an AND of clauses (each clause one term,
one phrase, or an OR-group of them), the exclusions kept apart, and notes that say what was
ignored. Each backend compiles this structure into its own query language; no text typed
by a user ever reaches FTS5 `MATCH`, a `tsquery` or an Elasticsearch query string as syntax.

Anything else a person might type (unbalanced quotes, brackets, AND, NOT, NEAR, colons,
carets, control characters, SQL, HTML, other scripts) becomes plain words or is ignored;
parsing never fails. The work is bounded: the input is cut, words are capped in number and
length, and a prefix needs a minimum length. The syntax is documented for users in
consultation/README.md ("Search syntax").
"""

import re
import unicodedata
from dataclasses import dataclass

from hub.core.sanitise import strip_invisible

MAX_INPUT = 1_000  # characters looked at, before anything else is done with them
MAX_QUERY_LENGTH = 200  # characters searched, after cleaning
MAX_WORDS = 32  # words searched, counting every word of every phrase and exclusion
MAX_WORD_LENGTH = 50  # a longer "word" is a pasted string, not something to search for
MIN_PREFIX_LENGTH = 2  # `a*` would match a large share of every index

# PostgreSQL's English stop words (the Snowball list, tsearch_data/english.stop). PostgreSQL
# ignores them and the Elasticsearch mapping drops the same list, while SQLite FTS5 would
# require them; leaving them out of the parse keeps every backend's results alike.
_STOP_WORDS = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

# Inside a word these join its parts ("e-mail", "don't", "nhs.uk", "3.5"); each backend's
# tokenizer then splits or keeps the word as it does in the text it indexed.
JOINERS = frozenset("-\u2010\u2011'\u2019\u02bc.")
_JOINER_SPLIT = re.compile("[" + re.escape("".join(sorted(JOINERS))) + "]")
# Curly and other quotation marks people's keyboards produce, read as a straight quote.
_QUOTES = str.maketrans(dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'))
# Typed in capitals, these are other engines' operators: here they are ignored (words are
# all required anyway, and a minus sign leaves a word out). Only a standalone OR is ours.
OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "NEAR"})
_OR = "OR"
_TOKENS = re.compile(r'(?P<negation>(?<!\S)-+)?"(?P<phrase>[^"]*)"|(?P<chunk>[^\s"]+)')

# Notes, in the order they are shown.
NOTE_TRUNCATED = f"Only the first {MAX_QUERY_LENGTH} characters were searched."
NOTE_QUOTE = "A quotation mark without a partner was ignored."
NOTE_OPERATORS = (
    "AND, NOT and NEAR are not search operators here: every word is required, "
    "and a minus sign leaves a word out (-word)."
)
NOTE_OR = "OR needs a word or phrase on each side; it was ignored."
NOTE_STAR = (
    f"A * was ignored: it goes at the end of a word of at least {MIN_PREFIX_LENGTH} "
    "letters or digits, outside quotation marks, as in robot*."
)
NOTE_LONG = f"Words longer than {MAX_WORD_LENGTH} characters were left out."
NOTE_TOO_MANY = f"Only the first {MAX_WORDS} words were searched."
_NOTE_ORDER = (NOTE_TRUNCATED, NOTE_QUOTE, NOTE_OPERATORS, NOTE_OR, NOTE_STAR, NOTE_LONG)


@dataclass(frozen=True)
class Term:
    """One word (lower case, NFKC); with `prefix`, any word that begins with it."""

    word: str
    prefix: bool = False

    @property
    def words(self):
        return (self.word,)

    @property
    def joined(self):
        """True for a word whose parts are joined by a hyphen, apostrophe or dot."""
        return any(ch in JOINERS for ch in self.word)

    def __str__(self):
        return f"{self.word}*" if self.prefix else self.word


@dataclass(frozen=True)
class Phrase:
    """Words that must appear together, in this order."""

    words: tuple

    def __str__(self):
        return '"' + " ".join(self.words) + '"'


@dataclass(frozen=True)
class Clause:
    """One requirement of the query: any one of its alternatives matches."""

    alternatives: tuple

    def __str__(self):
        return " OR ".join(str(atom) for atom in self.alternatives)


@dataclass(frozen=True)
class ParsedQuery:
    """What was searched: every clause must match and no exclusion may.

    With no clauses the query is "filters only": it matches every item (that the filters
    let through) except those an exclusion matches; `-insurance` alone therefore means
    everything except what mentions insurance.
    """

    text: str = ""  # the cleaned text, to show back in the search box
    clauses: tuple = ()
    exclusions: tuple = ()
    notes: tuple = ()  # what was ignored or cut, in words for the results page

    @property
    def filters_only(self):
        return not self.clauses

    @property
    def matches_everything(self):
        return not self.clauses and not self.exclusions

    def describe(self):
        """What was searched, in words: 'care AND "social care" NOT insurance'."""
        grouped = len(self.clauses) > 1 or bool(self.exclusions)
        parts = []
        for clause in self.clauses:
            text = str(clause)
            parts.append(f"({text})" if grouped and len(clause.alternatives) > 1 else text)
        described = " AND ".join(parts) or "everything"
        return "".join([described, *(f" NOT {atom}" for atom in self.exclusions)])


# -- cleaning and reading the text ---------------------------------------------------------


def _starts_word(ch):
    return unicodedata.category(ch)[0] in "LN"


def _continues_word(ch):
    # Combining marks belong to the word they follow (Devanagari vowel signs, accents).
    return unicodedata.category(ch)[0] in "LNM"


def _words(chunk):
    """The words in a piece of text without spaces, each with whether a `*` ends it."""
    found, i, end = [], 0, len(chunk)
    while i < end:
        if not _starts_word(chunk[i]):
            i += 1
            continue
        j = i + 1
        while j < end:
            if _continues_word(chunk[j]):
                j += 1
            elif chunk[j] in JOINERS and j + 1 < end and _starts_word(chunk[j + 1]):
                j += 2
            else:
                break
        starred = (
            j < end and chunk[j] == "*" and (j + 1 == end or not _continues_word(chunk[j + 1]))
        )
        found.append((chunk[i:j], starred))
        i = j + 1 if starred else j
    return found


def clean_text(text):
    """The typed text without invisible characters, NFKC-normalised, spaces collapsed and
    cut to MAX_QUERY_LENGTH (at a space when there is one); and whether it was cut."""
    text = text if isinstance(text, str) else ("" if text is None else str(text))
    looked_at = text[:MAX_INPUT]
    cleaned = unicodedata.normalize("NFKC", strip_invisible(looked_at)).translate(_QUOTES)
    cleaned = " ".join(cleaned.split())
    truncated = len(text) > MAX_INPUT or len(cleaned) > MAX_QUERY_LENGTH
    if len(cleaned) > MAX_QUERY_LENGTH:
        cut = cleaned[:MAX_QUERY_LENGTH]
        if " " in cut and not cleaned[MAX_QUERY_LENGTH].isspace():
            cut = cut[: cut.rfind(" ")]
        cleaned = cut.rstrip()
    return cleaned, truncated


@dataclass
class _Group:
    negated: bool
    raw: list  # ("phrase", [words]) or ("word", word, starred)


def _lex(text, notes):
    """The text as a list of _Group (OR already bound) in the order typed."""
    if text.count('"') % 2:
        cut = text.rfind('"')
        text = f"{text[:cut]} {text[cut + 1 :]}"
        notes.add(NOTE_QUOTE)
    groups, pending_or = [], False

    def add(raw, negated):
        nonlocal pending_or
        if pending_or and not negated:
            groups[-1].raw.append(raw)
        else:
            if pending_or:
                notes.add(NOTE_OR)
            groups.append(_Group(negated, [raw]))
        pending_or = False

    for match in _TOKENS.finditer(text):
        if match["chunk"] is None:
            found = _words(match["phrase"])
            words = [word for word, _starred in found]
            if any(starred for _word, starred in found):
                notes.add(NOTE_STAR)
            if words:
                add(("phrase", words), negated=bool(match["negation"]))
            continue
        chunk = match["chunk"]
        if chunk == _OR:
            if groups and not groups[-1].negated and not pending_or:
                pending_or = True
            else:
                notes.add(NOTE_OR)
            continue
        negated = chunk.startswith("-")
        for word, starred in _words(chunk.lstrip("-")):
            if word in OPERATOR_WORDS:
                notes.add(NOTE_OPERATORS)
                continue
            add(("word", word, starred), negated)
    if pending_or:
        notes.add(NOTE_OR)
    return groups


def is_common(word):
    """A stop word, or a joined word made only of stop words ("don't")."""
    return all(part in STOP_WORDS for part in _JOINER_SPLIT.split(word))


def _atom(raw, notes, common):
    """A Term or Phrase from what was read, or None when nothing searchable is left."""
    if raw[0] == "word":
        word, starred = raw[1].lower(), raw[2]
        if len(word) > MAX_WORD_LENGTH:
            notes.add(NOTE_LONG)
            return None
        prefix = starred and len(word) >= MIN_PREFIX_LENGTH and word.isalnum()
        if starred and not prefix:
            notes.add(NOTE_STAR)
        if not prefix and is_common(word):
            common.append(word)
            return None
        return Term(word, prefix=prefix)
    words = [word.lower() for word in raw[1]]
    if any(len(word) > MAX_WORD_LENGTH for word in words):
        notes.add(NOTE_LONG)
        return None
    # Common words at either end of a phrase constrain nothing on PostgreSQL or
    # Elasticsearch (they are not indexed), so they are trimmed for every backend.
    while words and is_common(words[0]):
        common.append(words.pop(0))
    while words and is_common(words[-1]):
        common.append(words.pop())
    if not words:
        return None
    return Term(words[0]) if len(words) == 1 else Phrase(tuple(words))


def parse(text):
    """Parse what a person typed; never raises, whatever the input."""
    cleaned, truncated = clean_text(text)
    notes, common = set(), []
    if truncated:
        notes.add(NOTE_TRUNCATED)
    clauses, exclusions, word_count, too_many = [], [], 0, False
    for group in _lex(cleaned, notes):
        atoms = [atom for raw in group.raw if (atom := _atom(raw, notes, common)) is not None]
        atoms = list(dict.fromkeys(atoms))
        size = sum(len(atom.words) for atom in atoms)
        if not atoms:
            continue
        if too_many or word_count + size > MAX_WORDS:
            too_many = True
            continue
        word_count += size
        if group.negated:
            exclusions.extend(atom for atom in atoms if atom not in exclusions)
        elif (clause := Clause(tuple(atoms))) not in clauses:
            clauses.append(clause)
    ordered = [note for note in _NOTE_ORDER if note in notes]
    if common:
        listed = ", ".join(dict.fromkeys(common))
        ordered.append(f"Very common words are not searched for: {listed}.")
    if too_many:
        ordered.append(NOTE_TOO_MANY)
    return ParsedQuery(
        text=cleaned, clauses=tuple(clauses), exclusions=tuple(exclusions), notes=tuple(ordered)
    )
