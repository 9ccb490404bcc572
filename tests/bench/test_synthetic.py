"""The synthetic feedback generator the benches share: the same records for the same seed,
the shape of a real consultation (facets, twelve weeks, threads, campaigns, stubs), and CSV
that reads back as it was written."""

import csv
import io
from collections import Counter
from datetime import timedelta

import pytest

from bench.synthetic import (
    CAMPAIGN_LETTERS,
    CSV_COLUMNS,
    DEFAULT_START,
    FALLBACK_CORPUS,
    KINDS,
    POLIS,
    REGIONS,
    SECTORS,
    STUBS,
    TRUTH_COLUMNS,
    WEEKS,
    campaign_copies,
    generate,
    load_corpus,
    write_csv,
)
from consultation.synthesis.campaigns import is_stub
from hub.accounts.models import Region, Sector


@pytest.fixture(scope="module")
def records():
    return list(generate(5000, seed=1))


def test_the_same_seed_gives_the_same_records_and_another_seed_others():
    assert list(generate(300, seed=4)) == list(generate(300, seed=4))
    assert [r.text for r in generate(300, seed=4)] != [r.text for r in generate(300, seed=5)]
    assert list(generate(0)) == []
    with pytest.raises(ValueError, match="negative"):
        list(generate(-1))


def test_sectors_and_regions_are_the_profiles_choices(records):
    assert set(SECTORS) == set(Sector.values)
    assert set(REGIONS) == set(Region.values)
    assert {r.sector for r in records} == set(Sector.values)
    assert {r.region for r in records} == set(Region.values)


def test_every_record_has_its_fields(records):
    assert [r.index for r in records] == list(range(5000))
    assert len({r.external_id for r in records}) == 5000
    for record in records:
        assert isinstance(record.text, str)
        assert record.kind in ("comment", "reply", "post")
        assert record.status in ("published", "pending", "hidden", "rejected", "withdrawn")
        assert record.is_organisation == bool(record.organisation)
        assert record.created_at.tzinfo is not None
    counts = Counter(r.status for r in records)
    assert counts["published"] > 0.9 * len(records)
    # Industry writes for organisations far more often than patients and carers do.
    share = {
        sector: sum(r.is_organisation for r in records if r.sector == sector)
        / sum(r.sector == sector for r in records)
        for sector in ("industry", "patient_carer")
    }
    assert share["industry"] > 0.6 > 0.1 > share["patient_carer"]


def test_times_fall_within_the_twelve_weeks(records):
    end = DEFAULT_START + timedelta(weeks=WEEKS)
    assert all(DEFAULT_START <= r.created_at < end for r in records)
    weeks = Counter((r.created_at - DEFAULT_START).days // 7 for r in records)
    assert set(weeks) == set(range(WEEKS))


def test_sections_paragraphs_and_threads_fit_together(records):
    by_index = {r.index: r for r in records}
    for record in records:
        if record.kind == "post":
            assert record.section is None and record.paragraph is None
        else:
            assert 0 <= record.section < 8
            assert record.paragraph is None or 0 <= record.paragraph < 12
        if record.kind == "reply":
            parent = by_index[record.parent]
            assert parent.index < record.index and parent.kind == "comment"
            assert (parent.section, parent.paragraph) == (record.section, record.paragraph)
        else:
            assert record.parent is None
    assert Counter(r.kind for r in records)["reply"] > 0.15 * len(records)


def test_campaigns_are_few_large_and_personalised(records):
    sizes = Counter(r.campaign for r in records if r.origin == "campaign")
    assert sorted(sizes) == [0, 1, 2, 3, 4]
    assert 0.17 < sum(sizes.values()) / len(records) < 0.23
    assert sizes[0] > sizes[1] > sizes[2] > sizes[3] > sizes[4] > 20
    for number in range(5):
        copies = [r for r in records if r.campaign == number]
        letter = " ".join(CAMPAIGN_LETTERS[number])
        unchanged = sum(r.text == letter for r in copies)
        assert 0.15 < unchanged / len(copies) < 0.45  # the rest are personalised
        assert len({r.section for r in copies}) == 1  # a campaign is about one section
        assert {r.kind for r in copies} == {"comment"}
    assert all(r.campaign is None for r in records if r.origin != "campaign")


def test_stubs_quotes_and_originals(records):
    origins = Counter(r.origin for r in records)
    assert 0.06 < origins["stub"] / len(records) < 0.1
    assert 0.01 < origins["quote"] / len(records) < 0.03
    stubs = [r for r in records if r.origin == "stub"]
    assert {r.text for r in stubs} <= set(STUBS)
    assert "" in {r.text for r in stubs}
    assert all(is_stub(r.text) for r in stubs)
    letters = [sentence for letter in CAMPAIGN_LETTERS for sentence in letter]
    for record in (r for r in records if r.origin == "quote"):
        quoted = [line for line in letters if line in record.text]
        assert len(quoted) == 1
        assert len(record.text.split()) >= 3 * len(quoted[0].split())
    originals = [r.text.lower() for r in records if r.origin == "original"]
    assert len(set(originals)) == len(originals)


def test_small_campaigns_are_personalised_copies_and_originals():
    texts = campaign_copies(3, seed=1, letter=2)
    letter = " ".join(CAMPAIGN_LETTERS[2])
    assert len(texts) == 6
    assert all(text != letter for text in texts)
    assert all(CAMPAIGN_LETTERS[2][0][:20] not in text for text in texts[3:])
    assert campaign_copies(3, seed=1, letter=2) == texts


def test_other_kinds_and_shares_on_request():
    kinds = {"answer": 1, "imported": 1}
    records = list(generate(500, seed=2, kinds=kinds, campaigns=2, stub_share=0.5))
    assert {r.kind for r in records} == {"answer", "imported"}
    assert all(r.paragraph is None for r in records)
    assert {r.campaign for r in records} == {None, 0, 1}
    assert sum(r.origin == "stub" for r in records) > 200
    assert set(KINDS) >= set(kinds)
    with pytest.raises(ValueError, match="unknown kinds"):
        list(generate(5, kinds={"letter": 1}))
    more = list(generate(3000, seed=2, campaigns=8, campaign_share=0.5))
    assert len({r.campaign for r in more if r.campaign is not None}) == 8


def test_the_corpus_is_read_from_polis_exports_or_falls_back(tmp_path):
    assert load_corpus(tmp_path / "absent") == list(FALLBACK_CORPUS)
    export = tmp_path / "polis"
    export.mkdir()
    with (export / "one.comments.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["comment-id", "moderated", "comment-body"])
        writer.writerow(["1", "1", "Buses  should run\nlater at night in the town."])
        writer.writerow(["2", "1", "Too short"])
        writer.writerow(["3", "-1", ""])
    assert load_corpus(export) == ["Buses should run later at night in the town."]
    records = list(generate(50, corpus=load_corpus(export)))
    originals = [r.text for r in records if r.origin == "original"]
    assert originals and len(set(originals)) == len(originals)


@pytest.mark.skipif(not POLIS.is_dir(), reason="../shared/data/polis is not here")
def test_the_shared_polis_comments_are_read():
    corpus = load_corpus()
    assert len(corpus) > 1000
    assert corpus != list(FALLBACK_CORPUS)


def test_records_written_as_csv_read_back(records):
    buffer = io.StringIO()
    assert write_csv(records[:500], buffer, truth=True) == 500
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert list(rows[0]) == [*CSV_COLUMNS, *TRUTH_COLUMNS]
    assert len(rows) == 500
    for record, row in zip(records, rows, strict=False):
        assert row["external_id"] == record.external_id
        assert row["text"] == record.text  # newlines, quotes and commas survive
        assert row["created_at"] == record.created_at.isoformat()
        assert row["section"] == ("" if record.section is None else str(record.section))
        assert row["campaign"] == ("" if record.campaign is None else str(record.campaign))
        if record.parent is not None:
            assert row["parent"] == f"syn-{record.parent:07d}"
    assert any("\n" in row["text"] for row in rows)


def test_csv_goes_to_a_path_too(tmp_path, records):
    target = tmp_path / "feedback.csv"
    assert write_csv(records[:20], target) == 20
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == 21
