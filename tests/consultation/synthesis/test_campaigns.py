"""Campaign and near-duplicate grouping: personalised copies of a letter join its group, a
response that quotes one line does not, stubs never group, groups grow as responses arrive
exactly as a recompute would make them, and any text is read without failing."""

import json
import random
import re
import unicodedata

import numpy as np
import pytest
from datasketch import MinHash

from bench.synthetic import generate
from consultation.synthesis import campaigns
from consultation.synthesis.campaigns import (
    Campaign,
    Settings,
    assign,
    find_campaigns,
    is_stub,
    remove,
    shingles,
)
from tests.support.hostile import DEGENERATE_TEXT
from tests.support.hostile import HOSTILE_MARKUP as SANITISING_CORPUS

LETTER = [
    "I am writing to ask that the new strategy protects the right of every patient to see "
    "a person and not only a machine.",
    "Technology can help busy staff, but it must never replace the judgement of a nurse or a "
    "doctor who knows the patient.",
    "Many older people in my area do not use smartphones and cannot book appointments online.",
    "Please keep telephone and face to face services open for everyone who needs them.",
    "Please also publish the evidence that each new tool is safe before it is used on wards.",
    "Patients should be told in plain words when a computer has helped to make a decision.",
    "Trust in the health service depends on honesty about what these systems can and cannot do.",
    "I ask the working group to write these protections into the final strategy.",
]
OTHER_LETTER = [
    "Community pharmacies are ready to do much more for their neighbourhoods if they are "
    "given access to shared care records.",
    "At the moment pharmacists cannot see test results or recent hospital discharge letters.",
    "This wastes time for patients, who have to repeat their story again and again.",
    "The strategy should give every pharmacy secure read access to the records it needs.",
    "It should also pay for the training and the equipment that safe access requires.",
    "We urge the working group to put community pharmacy at the centre of joined up care.",
]
ORIGINALS = [
    "My GP surgery moved to online triage last year and my mother now waits longer than ever "
    "because she cannot fill in the web form without help from a neighbour.",
    "Our trust trialled an early warning score built by a supplier and the nurses ignored it "
    "after a month because it raised so many false alarms on the night shift.",
    "Research access to anonymised records should be decided by a panel that includes patients "
    "and carers rather than only by the organisations that want the data.",
    "The section on workforce does not mention social care at all, although most of the people "
    "we support at home never see a hospital from one year to the next.",
    "Funding for digital projects always arrives in March and must be spent by April, so we buy "
    "whatever can be delivered quickly rather than what our patients actually need.",
    "Speech recognition for clinic letters has saved our consultants hours every week, and the "
    "strategy could say more about simple tools like this that already work well.",
    "I would like to know who is liable when an algorithm misses a cancer on a scan that a "
    "radiologist would have spotted, because patients deserve a clear answer to that.",
    "As a wheelchair user I find that hospital websites are rarely accessible, and new apps "
    "should be tested with disabled people before they are launched to the public.",
]
STUBS = ["see attached", "See attached.", "I agree", "I agree.", "no comment", "No comment.", ""]


ABOUT = [
    "As a carer for my father, I have seen how hard it is to get help when the systems "
    "do not talk to each other.",
    "I have worked as a district nurse for twenty years and I visit many housebound people.",
    "My daughter has a rare condition and we spend a lot of time in clinics across the region.",
    "I am seventy eight, I live alone, and my nearest surgery is eleven miles away by bus.",
    "Before I retired I managed a care home, so I know how stretched the staff already are.",
    "I volunteer with a patient group that helps people fill in forms and make appointments.",
    "Last winter my husband was in hospital for six weeks after a fall at home.",
]
ADDED = [
    "The waiting list for physiotherapy here is already over a year long.",
    "Our local minor injuries unit closed last year and nobody asked us first.",
    "I could not get through on the phone on Monday morning for three weeks running.",
    "Interpreters are hard to book, and my neighbours often miss their appointments.",
]
GREETINGS = ["Dear working group,", "Hello,", "To whom it may concern,", "Dear Sir or Madam,"]


def personalise(sentences, number):
    """A copy the way people send one: a greeting, a paragraph about themselves, a sentence
    of their own, one sentence of the letter cut, a sign-off (each varied by `number`)."""
    body = list(sentences)
    del body[number % len(body)]
    body.insert(number % 3 + 1, ADDED[number % len(ADDED)])
    parts = [GREETINGS[number % len(GREETINGS)], ABOUT[number % len(ABOUT)], " ".join(body)]
    return "\n\n".join([*parts, "Kind regards." if number % 2 else "Thank you."])


REPLIES = [
    "Staffing is the real problem, and no letter will change the rota on its own.",
    "I think the bigger risk is that the money runs out before anything is finished.",
    "In my experience the machines are rarely the reason people wait for so long.",
    "What worries me more is who will maintain these systems in ten years from now.",
    "Our practice manager says the paperwork for every new tool takes months to approve.",
    "My own family has had good care from video appointments during the last two years.",
    "There is no mention of how rural ambulance services will share their information.",
    "Young people I work with would rather use an app than wait on the telephone.",
]


def quoting(line, number):
    """An original response that quotes one line of a letter, in words of its own (each
    `number` has its own)."""
    return (
        f"{ORIGINALS[number]} Some people have sent a letter saying: \u201c{line}\u201d "
        f"{REPLIES[number]}"
    )


def groups_of(found):
    return {frozenset(campaign.members) for campaign in found}


def letter_responses(copies=6, verbatim=3, prefix="letter"):
    items = [(f"{prefix}-v{n}", " ".join(LETTER)) for n in range(verbatim)]
    items += [(f"{prefix}-p{n}", personalise(LETTER, n)) for n in range(copies)]
    return items


def original_responses():
    return [(f"original-{n}", text) for n, text in enumerate(ORIGINALS)]


def test_personalised_copies_join_the_campaign_of_their_letter():
    items = letter_responses() + original_responses()
    found = find_campaigns(items)
    assert len(found) == 1
    campaign = found[0]
    assert set(campaign.members) == {key for key, _ in letter_responses()}
    assert campaign.size == 9
    assert campaign.template_text == " ".join(LETTER)
    # Every personalised copy contains most of the template, the unchanged letter all of it.
    assert campaign.members["letter-v0"] == 1.0
    assert all(0.7 <= campaign.members[f"letter-p{n}"] < 1.0 for n in range(6))


def test_personalised_copies_group_without_anyone_sending_the_letter_unchanged():
    found = find_campaigns(letter_responses(copies=5, verbatim=0) + original_responses())
    assert groups_of(found) == {frozenset(f"letter-p{n}" for n in range(5))}
    # The template shown is a real response, the one most like what they have in common.
    assert found[0].template_text in dict(letter_responses(copies=5, verbatim=0)).values()


def test_a_response_that_quotes_one_line_of_the_letter_is_not_a_member():
    quotes = [(f"quote-{n}", quoting(LETTER[n], n)) for n in range(6)]
    # Two responses quoting the same line are no campaign of their own either.
    quotes += [(f"same-line-{n}", quoting(LETTER[1], n)) for n in (6, 7)]
    found = find_campaigns(letter_responses() + quotes + original_responses())
    assert groups_of(found) == {frozenset(key for key, _ in letter_responses())}


def test_likeness_is_not_chained_from_member_to_member():
    """B takes most of the letter and adds a paragraph; C repeats B's paragraph and adds
    its own. Single linkage would pull C in through B; C holds none of the letter."""
    added = (
        "Rural bus services were cut last spring, so getting to the surgery takes half a day "
        "for anyone without a car, and video calls drop out on our hill."
    )
    b_text = " ".join(LETTER[:6]) + " " + added
    c_text = added + " " + ORIGINALS[0] + " " + ORIGINALS[3]
    items = [*letter_responses(), ("b", b_text), ("c", c_text), *original_responses()]
    found = find_campaigns(items)
    assert len(found) == 1
    assert "b" in found[0].members
    assert "c" not in found[0].members
    assert shingles(c_text).size > 0


@pytest.mark.parametrize("count", [2, 50, 500])
def test_stubs_never_group_however_many_people_send_them(count):
    items = [(f"stub-{n}", STUBS[n % len(STUBS)]) for n in range(count * len(STUBS))]
    items += [(f"none-{n}", None) for n in range(count)]
    items += [(f"short-{n}", "I agree with the proposals in this section.") for n in range(count)]
    assert find_campaigns(items) == []
    found = find_campaigns(items + letter_responses())
    assert groups_of(found) == {frozenset(key for key, _ in letter_responses())}


def test_the_stub_rule_counts_shingles():
    for text in [*STUBS, None, "   \n\t ", "I agree with the proposals in this section."]:
        assert is_stub(text)
    # Ten distinct word triples, twelve words, are enough to take part.
    assert not is_stub("one two three four five six seven eight nine ten eleven twelve")
    assert is_stub("one two three four five six seven eight nine ten eleven")
    assert is_stub("again " * 100)  # a hundred words, one distinct triple


def test_a_common_phrase_does_not_join_a_short_group():
    short = (
        "the surgery phoned me back within the hour and the doctor sorted out my repeat "
        "prescription for me"
    )
    phrase = "surgery phoned me back within the hour and the"  # 7 of its 16 shingles
    items = [("a", short), ("b", short)]
    items += [(f"phrase-{n}", f"{ORIGINALS[n]} The {phrase} wrong person.") for n in range(4)]
    # Two fifths of the template, but fewer than the ten shingles a member shares at least.
    assert shingles(short).size == 16
    assert shingles(phrase).size / 16 >= campaigns.DEFAULT_SETTINGS.containment
    assert groups_of(find_campaigns(items)) == {frozenset({"a", "b"})}
    # Twelve words of it, ten shingles, and a response is a member.
    longer = "the surgery phoned me back within the hour and the doctor sorted"
    items.append(("longer", f"{ORIGINALS[5]} Last week {longer} it all out."))
    assert groups_of(find_campaigns(items)) == {frozenset({"a", "b", "longer"})}


def test_identical_duplicates_group_whatever_their_case_and_punctuation():
    text = ORIGINALS[1]
    variants = [("first", text), ("second", text), ("shouting", text.upper())]
    variants.append(("punctuated", text.replace(" ", " ... ")))
    items = variants + original_responses()[2:]
    found = find_campaigns(items)
    assert groups_of(found) == {frozenset({"first", "second", "shouting", "punctuated"})}
    assert found[0].template_text == text
    assert set(found[0].members.values()) == {1.0}


def test_two_campaigns_stay_apart_and_a_response_with_both_letters_joins_one():
    other = [(f"pharmacy-{n}", personalise(OTHER_LETTER, n)) for n in range(5)]
    other.append(("pharmacy-verbatim", " ".join(OTHER_LETTER)))
    both = ("both", " ".join(LETTER) + " " + " ".join(OTHER_LETTER))
    found = find_campaigns(letter_responses() + other + [both] + original_responses())
    by_size = sorted(found, key=lambda campaign: campaign.template_text)
    members = [set(campaign.members) - {"both"} for campaign in by_size]
    assert {frozenset(group) for group in members} == {
        frozenset(key for key, _ in letter_responses()),
        frozenset(key for key, _ in other),
    }
    # The one it shares more words with: the first letter is the longer.
    assert sum("both" in campaign.members for campaign in found) == 1
    letter_group = next(c for c in found if "letter-v0" in c.members)
    assert "both" in letter_group.members


def synthetic(count, seed):
    return [(record.index, record.text) for record in generate(count, seed=seed)]


def test_assigning_new_responses_makes_the_groups_a_recompute_makes():
    items = synthetic(3000, seed=7)
    full = find_campaigns(items)
    assert len(full) == 5

    first, later = items[:2000], items[2000:]
    existing = find_campaigns(first)
    grouped = {member for campaign in existing for member in campaign.members}
    ungrouped = [item for item in first if item[0] not in grouped]
    grown = assign(later, existing, ungrouped=ungrouped)

    assert groups_of(grown) == groups_of(full)
    # Ids stay, and the groups that were there are the ones that grew.
    assert {campaign.id for campaign in grown} == {campaign.id for campaign in existing}
    for campaign in existing:
        after = next(c for c in grown if c.id == campaign.id)
        assert set(campaign.members) < set(after.members)
        assert campaign.members.items() <= after.members.items()


def test_a_campaign_that_starts_among_new_responses_is_found_by_assign():
    existing = find_campaigns(letter_responses() + original_responses())
    other = [(f"pharmacy-{n}", personalise(OTHER_LETTER, n)) for n in range(4)]
    stubs = [(f"stub-{n}", "see attached") for n in range(5)]
    grown = assign(other + stubs, existing)
    assert groups_of(grown) == groups_of(existing) | {frozenset(key for key, _ in other)}
    assert sorted(campaign.id for campaign in grown) == [1, 2]
    # A later copy of either letter joins its group.
    again = assign([("late", personalise(OTHER_LETTER, 9))], grown)
    pharmacy = next(c for c in again if "pharmacy-0" in c.members)
    assert "late" in pharmacy.members


def test_assign_refuses_a_response_that_is_already_in_a_group():
    existing = find_campaigns(letter_responses())
    with pytest.raises(ValueError, match="already in a group"):
        assign([("letter-v0", "edited text")], existing)
    with pytest.raises(ValueError, match="distinct"):
        find_campaigns([("same", "a"), ("same", "b")])


def test_groups_survive_a_round_trip_through_json():
    found = find_campaigns(letter_responses() + original_responses())
    stored = json.loads(json.dumps([campaign.to_data() for campaign in found]))
    restored = [Campaign.from_data(data) for data in stored]
    assert [c.members for c in restored] == [c.members for c in found]
    assert [c.template_text for c in restored] == [c.template_text for c in found]
    assert [c.template_member for c in restored] == [c.template_member for c in found]
    assert all(np.array_equal(a.template, b.template) for a, b in zip(restored, found, strict=True))
    # Restored groups take new members as the originals would.
    late = [("late", personalise(LETTER, 11))]
    assert groups_of(assign(late, restored)) == groups_of(assign(late, found))
    with pytest.raises(ValueError, match="another method"):
        Campaign.from_data({**stored[0], "version": 0})


def test_a_recompute_keeps_the_ids_analysts_know():
    first = find_campaigns(letter_responses() + original_responses())
    renumbered = [Campaign(41, c.template_text, c.template, dict(c.members)) for c in first]
    other = [(f"pharmacy-{n}", personalise(OTHER_LETTER, n)) for n in range(4)]
    again = find_campaigns(letter_responses() + other + original_responses(), previous=renumbered)
    ids = {frozenset(c.members): c.id for c in again}
    assert ids[frozenset(key for key, _ in letter_responses())] == 41
    assert ids[frozenset(key for key, _ in other)] == 42


def test_removing_members_dissolves_a_group_left_with_one():
    found = find_campaigns([("a", ORIGINALS[0]), ("b", ORIGINALS[0]), ("c", ORIGINALS[0])])
    assert [c.size for c in remove(found, ["c"])] == [2]
    assert remove(found, ["a", "b"]) == []
    assert found[0].size == 3  # the groups given are not changed


def test_a_removed_response_takes_its_text_out_of_the_template():
    items = letter_responses(copies=4, verbatim=1) + original_responses()
    found = find_campaigns(items)
    assert found[0].template_member == "letter-v0"
    assert found[0].template_text == " ".join(LETTER)
    texts = dict(items)
    kept = remove(found, ["letter-v0"], text_of=texts.__getitem__)[0]
    best = max(kept.members, key=kept.members.get)
    assert kept.template_member == best != "letter-v0"
    assert kept.template_text == texts[best]
    assert remove(found, ["letter-v0"])[0].template_text == ""
    # Its shingles, what the group holds in common, stay: later copies still join.
    assert "late" in assign([("late", personalise(LETTER, 8))], [kept])[0].members


def test_progress_is_reported_to_the_end():
    calls = []
    find_campaigns(synthetic(600, seed=3), progress=lambda *call: calls.append(call))
    stages = [stage for stage, _, _ in calls]
    assert {"reading", "indexing", "grouping", "assigning"} <= set(stages)
    assert all(done == total for stage, done, total in calls if stage == "assigning")
    assert calls[-1][1] == calls[-1][2]


# Text no analysis may fail on, with one the grouping must still read: a letter in HTML.
HOSTILE = [
    *DEGENERATE_TEXT[:4],
    "<p onclick='x()'>" + " ".join(LETTER) + "</p>",
    *DEGENERATE_TEXT[4:],
]


def test_hostile_text_is_read_without_failing():
    assert find_campaigns([]) == [] and assign([], []) == []
    items = [(f"hostile-{n}", text) for n, text in enumerate(HOSTILE)]
    items += [(f"again-{n}", text) for n, text in enumerate(HOSTILE)]  # each one twice
    found = find_campaigns(items)
    paired = {frozenset({f"hostile-{n}", f"again-{n}"}) for n in (4, 12)}
    # The letter inside HTML pairs with its twin; the 10,000 distinct words pair too;
    # nothing else has ten distinct word triples.
    assert groups_of(found) == paired
    html = next(c for c in found if "hostile-4" in c.members)
    assert html.template_text.startswith("<p onclick=")
    # New hostile text can be assigned too, and it joins nothing.
    grown = assign([(f"new-{n}", text) for n, text in enumerate(HOSTILE[:4])], found)
    assert groups_of(grown) == paired


def test_every_line_of_the_hostile_corpus_is_read_without_failing():
    items = [(f"one-{n}", text) for n, text in enumerate(SANITISING_CORPUS)]
    items += [(f"two-{n}", text) for n, text in enumerate(SANITISING_CORPUS)]
    found = find_campaigns(items)
    # Only each text with its own twin, and only those long enough to take part.
    for campaign in found:
        numbers = {member.split("-")[1] for member in campaign.members}
        assert len(numbers) == 1 and campaign.size == 2
        assert not is_stub(SANITISING_CORPUS[int(numbers.pop())])
    assert len(found) == sum(not is_stub(text) for text in set(SANITISING_CORPUS))
    grown = assign([(f"new-{n}", text) for n, text in enumerate(SANITISING_CORPUS)], found)
    assert all(campaign.size == 3 for campaign in grown)


def test_the_numpy_minhash_is_datasketchs():
    settings = Settings()
    texts = [" ".join(LETTER), ORIGINALS[0], personalise(LETTER, 2)]
    sets = [shingles(text) for text in texts]
    rows = campaigns.signatures(np.concatenate(sets), np.array([s.size for s in sets]), settings)
    for row, values in zip(rows, sets, strict=True):
        reference = MinHash(
            num_perm=settings.num_perm, seed=settings.seed, scheme="affine32", hashfunc=int
        )
        reference.update_batch(campaigns.minhash_input(values).tolist())
        assert np.array_equal(reference.hashvalues, row)


def test_words_are_read_as_regular_expressions_read_them():
    """The numpy reading of words agrees with `re`'s \\w on mixed, messy text."""
    rng = random.Random(5)
    alphabet = "abcXYZ019_ \u00e9\u00df\u0130\u0131.,;!?'\u2019\"\u2014-\t\n()[]<>&\u20ac"
    alphabet += "\u00a3 \ufb01\u2460\u03a9\uc911\u6587\u0301\U00020000\U0001f600"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(300))) for _ in range(200)]
    words_only = Settings(shingle_words=1)
    for text in [*texts, *ORIGINALS, *LETTER]:
        normal = unicodedata.normalize("NFKC", text).casefold()
        expected = [shingles(word, words_only) for word in re.findall(r"\w+", normal)]
        assert set(shingles(text, words_only).tolist()) == {
            value for found in expected for value in found.tolist()
        }
        assert all(found.size == 1 for found in expected)


def test_settings_are_checked():
    with pytest.raises(ValueError, match="containment"):
        Settings(containment=0)
    with pytest.raises(ValueError, match="shingle_words"):
        Settings(shingle_words=9)


def test_generated_campaigns_are_found_with_their_members_and_nothing_else():
    records = list(generate(4000, seed=11))
    found = find_campaigns([(record.index, record.text) for record in records])
    grouped = {member: campaign.id for campaign in found for member in campaign.members}
    by_index = {record.index: record for record in records}
    assert not any(by_index[m].origin in ("stub", "quote", "original") for m in grouped)
    truth = {}
    for record in records:
        if record.campaign is not None:
            truth.setdefault(record.campaign, set()).add(record.index)
    assert groups_of(found) == {frozenset(members) for members in truth.values()}
