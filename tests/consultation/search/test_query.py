"""The search box's parser: words, phrases, OR, exclusions and prefixes; everything else
reduced to words or ignored, never an error, with bounded work."""

import dataclasses
import unicodedata

import pytest

from consultation.search import query as q
from consultation.search.query import Clause, ParsedQuery, Phrase, Term, parse
from tests.support.hostile import HOSTILE_QUERIES


def shape(text):
    """The parse as plain strings: (clauses, exclusions)."""
    parsed = parse(text)
    return [str(clause) for clause in parsed.clauses], [str(atom) for atom in parsed.exclusions]


def test_the_example_from_the_issue():
    parsed = parse('care "social care" robot* -insurance nurse OR midwife')
    assert parsed.clauses == (
        Clause((Term("care"),)),
        Clause((Phrase(("social", "care")),)),
        Clause((Term("robot", prefix=True),)),
        Clause((Term("nurse"), Term("midwife"))),
    )
    assert parsed.exclusions == (Term("insurance"),)
    assert parsed.notes == ()
    assert (
        parsed.describe()
        == 'care AND "social care" AND robot* AND (nurse OR midwife) NOT insurance'
    )


def test_the_parse_is_plain_and_immutable():
    parsed = parse("care")
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.clauses = ()
    assert parsed == parse("  care ") and hash(parsed) == hash(parse("care"))


@pytest.mark.parametrize(
    ("text", "clauses", "exclusions"),
    [
        ("nurse OR midwife OR carer", ["nurse OR midwife OR carer"], []),
        ("a b OR c d", ["b OR c", "d"], []),  # OR binds the words beside it; "a" is common
        ('"social care" OR robots', ['"social care" OR robots'], []),
        ("nurse or midwife", ["nurse", "midwife"], []),  # lower-case "or" is a word
        ("OR nurse", ["nurse"], []),
        ("nurse OR", ["nurse"], []),
        ("nurse OR OR midwife", ["nurse OR midwife"], []),
        ("-robots OR care", ["care"], ["robots"]),  # OR does not join exclusions
        ('-"social care" care', ["care"], ['"social care"']),
        ("--robots", [], ["robots"]),
        ("-robot*", [], ["robot*"]),
        ("care -", ["care"], []),
        ("care - robots", ["care", "robots"], []),
        ("well-being", ["well-being"], []),  # a joined word stays one word
        ("self-care -well-being", ["self-care"], ["well-being"]),
        ("nhs.uk", ["nhs.uk"], []),
        ("title:procurement", ["title", "procurement"], []),
        ("NEAR(procurement scaling)", ["procurement", "scaling"], []),
        ("procurement AND scaling", ["procurement", "scaling"], []),
        ("NOT procurement", ["procurement"], []),
        ("a*b", ["b"], []),
        ("care care CARE", ["care"], []),
        ("nurse OR nurse", ["nurse"], []),
        ("“social care”", ['"social care"'], []),  # curly quotes are quotes
    ],
)
def test_operators(text, clauses, exclusions):
    assert shape(text) == (clauses, exclusions)


def test_prefix_needs_two_letters_or_digits_and_a_simple_word():
    assert parse("ro*").clauses == (Clause((Term("ro", prefix=True),)),)
    assert parse("r*").clauses == (Clause((Term("r"),)),)
    assert parse("e-ma*").clauses == (Clause((Term("e-ma"),)),)
    assert parse('"robot* care"').clauses == (Clause((Phrase(("robot", "care")),)),)
    assert q.NOTE_STAR in parse("r*").notes
    assert q.NOTE_STAR in parse("e-ma*").notes
    assert q.NOTE_STAR not in parse("robot*").notes


def test_a_prefix_of_a_common_word_is_kept():
    # "the*" is meant for "theory" and "therapy"; each backend compiles it so.
    assert parse("the*").clauses == (Clause((Term("the", prefix=True),)),)


def test_common_words_are_left_out_and_said():
    parsed = parse("care of the elderly")
    assert [str(clause) for clause in parsed.clauses] == ["care", "elderly"]
    assert parsed.notes == ("Very common words are not searched for: of, the.",)


def test_common_words_stay_inside_a_phrase_but_not_at_its_ends():
    assert shape('"the care of the elderly"') == (['"care of the elderly"'], [])
    assert shape('"the care"') == (["care"], [])
    assert shape('"to be or not to be"') == ([], [])


def test_only_common_words_is_filters_only_with_a_note():
    parsed = parse("the and of")
    assert parsed.filters_only and parsed.matches_everything
    assert parsed.notes == ("Very common words are not searched for: the, and, of.",)


def test_joined_common_words_are_common():
    assert shape("don't care") == (["care"], [])


@pytest.mark.parametrize("text", ["", " ", "\x00", "!!!", "*", "-", "AND OR NOT", '""'])
def test_nothing_to_search_for_matches_everything(text):
    parsed = parse(text)
    assert parsed.filters_only and parsed.matches_everything
    assert parsed.describe() == "everything"


def test_exclusions_alone_mean_everything_except_them():
    parsed = parse("-insurance -robot*")
    assert parsed.filters_only and not parsed.matches_everything
    assert parsed.describe() == "everything NOT insurance NOT robot*"


def test_describe_groups_or_only_when_needed():
    assert parse("nurse OR midwife").describe() == "nurse OR midwife"
    assert parse("nurse OR midwife care").describe() == "(nurse OR midwife) AND care"
    assert parse("nurse OR midwife -care").describe() == "(nurse OR midwife) NOT care"


def test_unicode_is_normalised_and_lower_cased_with_diacritics_kept():
    assert shape("\uff23\uff21\uff32\uff25") == (["care"], [])  # NFKC: full-width CARE
    assert shape("Café") == (["café"], [])  # the tokenizers fold diacritics, not the parser
    # Lower case, not casefold: "ß" stays "ß", as the search engines' own folding leaves it.
    assert shape("Straße") == (["straße"], [])
    assert shape("ﬁnance") == (["finance"], [])  # the "fi" ligature


def test_other_scripts_are_words():
    assert shape("الذكاء الاصطناعي") == (["الذكاء", "الاصطناعي"], [])
    assert shape("हिंदी") == (["हिंदी"], [])  # combining vowel signs belong to the word
    assert shape("人工智能 医疗") == (["人工智能", "医疗"], [])


def test_control_and_invisible_characters_are_removed():
    assert shape("\u200f\u202eprocurement\u202c") == (["procurement"], [])
    assert shape("procu\x00rement") == (["procurement"], [])
    assert shape("care\u200bhome") == (["carehome"], [])


def test_unbalanced_quote_is_ignored_with_a_note():
    parsed = parse('"social care')
    assert [str(clause) for clause in parsed.clauses] == ["social", "care"]
    assert parsed.notes == (q.NOTE_QUOTE,)
    assert shape('"social care" "robots') == (['"social care"', "robots"], [])


def test_operator_words_of_other_engines_are_ignored_with_a_note():
    assert parse("care NEAR robots").notes == (q.NOTE_OPERATORS,)
    assert parse("near patient testing").notes == ()  # lower case: ordinary words
    assert shape("near patient testing") == (["near", "patient", "testing"], [])


def test_dangling_or_has_a_note():
    assert parse("care OR").notes == (q.NOTE_OR,)


def test_input_is_cut_at_a_space_with_a_note():
    words = " ".join(f"word{n}" for n in range(100))
    parsed = parse(words)
    assert len(parsed.text) <= q.MAX_QUERY_LENGTH
    assert parsed.text.endswith(tuple("0123456789"))  # cut between words
    assert parsed.notes[0] == q.NOTE_TRUNCATED


def test_words_are_capped_in_number():
    parsed = parse(" ".join(f"w{n}" for n in range(50)))
    assert sum(len(atom.words) for c in parsed.clauses for atom in c.alternatives) == q.MAX_WORDS
    assert q.NOTE_TOO_MANY in parsed.notes
    assert str(parsed.clauses[-1]) == f"w{q.MAX_WORDS - 1}"


def test_phrase_words_and_exclusions_count_towards_the_cap():
    phrase = '"' + " ".join(f"p{n}" for n in range(30)) + '"'
    parsed = parse(f"{phrase} -x1 -x2 -x3 care")
    assert len(parsed.clauses) == 1 and parsed.exclusions == (Term("x1"), Term("x2"))
    assert q.NOTE_TOO_MANY in parsed.notes


def test_very_long_words_are_left_out():
    parsed = parse("x" * 60 + " care")
    assert shape("x" * 60 + " care") == (["care"], [])
    assert parsed.notes == (q.NOTE_LONG,)


def test_words_that_grow_when_lower_cased_stay_bounded():
    parsed = parse("İ" * 300)
    assert parsed.filters_only and q.NOTE_LONG in parsed.notes
    assert shape("İstanbul") == (["i̇stanbul"], [])


def test_huge_input_is_bounded_before_work_is_done():
    parsed = parse("\x00" * 5_000 + "care")  # the care is beyond what is looked at
    assert parsed.matches_everything and q.NOTE_TRUNCATED in parsed.notes
    assert parse("care " * 10_000).clauses == (Clause((Term("care"),)),)


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_hostile_input_parses_into_words(text):
    parsed = parse(text)
    assert isinstance(parsed, ParsedQuery)
    assert len(parsed.text) <= q.MAX_QUERY_LENGTH
    atoms = [atom for clause in parsed.clauses for atom in clause.alternatives]
    for atom in atoms + list(parsed.exclusions):
        for word in atom.words:
            assert word == word.lower() and 0 < len(word) <= q.MAX_WORD_LENGTH
            # Letters, digits, combining marks and the joiners: no engine's syntax.
            assert all(unicodedata.category(ch)[0] in "LNM" or ch in q.JOINERS for ch in word)
    assert isinstance(parsed.describe(), str)


def test_non_text_input_does_not_raise():
    assert parse(None).matches_everything
    assert shape(12345) == (["12345"], [])
