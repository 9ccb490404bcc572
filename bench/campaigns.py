"""How well and how fast are campaigns and near-duplicates grouped?

Generates synthetic feedback (bench/synthetic.py: five campaigns of template letters
that people personalise, stubs, originals that quote one line of a letter, and original
responses), groups it with consultation.synthesis.campaigns, and prints, at each size:

- pairwise precision and recall against the generator's ground truth beside the targets
  (precision >= 0.99, recall >= 0.98, no stub in any group), and what joined a group
  that should not have;
- the same figures for a baseline measured in the same run: single linkage (responses
  joined whenever MinHashLSH finds them at estimated Jaccard >= 0.5, chained into
  connected components, with the same stub rule);
- the time to group everything, by stage, wall clock and CPU (the machine is shared, so
  CPU time is the steadier figure), and its ratio to the smallest size;
- the time of datasketch's own `MinHash.bulk` (SHA-1 per shingle) against the numpy
  MinHash on the same responses;
- assigning the last 1 % as new responses to the groups of the first 99 %: its time, and
  whether it makes the groups a full recompute makes;
- how often a small campaign (two or three personalised copies, none unchanged) is found,
  over 40 trials, with these settings and with 64 permutations at LSH threshold 0.5;
- the time to group everything beside a baseline measured in the same run: reading every
  response's words (case folding and a regular expression per text), the least any
  grouping must do;
- with --stored, the same through the database, as `manage.py find_campaigns` does it: the
  items loaded as comments into a throwaway SQLite database (bench/feedback_search.py's
  loader), then `consultation.synthesis.grouping.recompute` (read the texts, group, store
  the groups and memberships) beside reading the texts alone from the database, and the
  placing of 100 new items (`place_new`: exact copies by hash, the rest by the engine).

    .venv/bin/python bench/campaigns.py [--sizes 10000 100000] [--seed 0] [--polis DIR]
        [--stored]
"""

import argparse
import os
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
from datasketch import LeanMinHash, MinHash, MinHashLSH  # noqa: E402

from bench.synthetic import campaign_copies, generate, load_corpus  # noqa: E402
from consultation.synthesis import campaigns  # noqa: E402


class Clock:
    """Wall and CPU time since it started, and at the end of each progress stage."""

    def __init__(self):
        self.wall, self.cpu, self.stages = time.perf_counter(), time.process_time(), {}

    def lap(self):
        return time.perf_counter() - self.wall, time.process_time() - self.cpu

    def progress(self, stage, done, total):
        if done == total:
            self.stages[stage] = self.lap()


def pairs(counter):
    return sum(size * (size - 1) // 2 for size in counter.values())


def quality(records, groups):
    """Pairwise precision and recall of `groups` (lists of record indices) against the
    campaigns the records were generated from, and what was grouped that should not be."""
    found = {member: number for number, group in enumerate(groups) for member in group}
    truth = {r.index: r.campaign for r in records if r.campaign is not None}
    together = Counter((found[i], truth[i]) for i in found if i in truth)
    right = pairs(together)
    precision = right / pairs(Counter(found.values())) if found else 1.0
    recall = right / pairs(Counter(truth.values())) if truth else 1.0
    stray = Counter(records[i].origin for i in found if i not in truth)
    return precision, recall, stray


def single_linkage(items, settings):
    """The baseline: MinHashLSH candidates at Jaccard >= 0.5, chained together."""
    corpus = campaigns._Corpus(items, settings, None)
    entries = np.flatnonzero(corpus.eligible)
    flat, _ = corpus.shingles_of_many(entries)
    rows = campaigns.signatures(flat, corpus.counts[entries], settings)
    index = MinHashLSH(threshold=0.5, num_perm=settings.num_perm)
    sketches = [LeanMinHash(seed=settings.seed, hashvalues=row, scheme="affine32") for row in rows]
    for position, sketch in enumerate(sketches):
        index.insert(position, sketch, check_duplication=False)
    parent = list(range(len(entries)))

    def root(node):
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for position, sketch in enumerate(sketches):
        for other in index.query(sketch):
            if other != position and np.mean(rows[position] == rows[other]) >= 0.5:
                parent[root(position)] = root(other)
    components = {}
    for position, entry in enumerate(entries.tolist()):
        components.setdefault(root(position), []).extend(corpus.responses_of(entry))
    return [
        [corpus.ids[index] for index in members]
        for members in components.values()
        if len(members) > 1
    ]


def datasketch_bulk(items, settings, count):
    """datasketch's MinHash.bulk (SHA-1 of every shingle) on the first `count` responses,
    against the numpy MinHash on the same shingle sets."""
    corpus = campaigns._Corpus(items[:count], settings, None)
    entries = np.flatnonzero(corpus.eligible)
    sets = [corpus.shingles_of(entry) for entry in entries.tolist()]
    started = time.process_time()
    MinHash.bulk(
        [[value.to_bytes(8, "little") for value in shingles.tolist()] for shingles in sets],
        num_perm=settings.num_perm,
        seed=settings.seed,
    )
    bulk = time.process_time() - started
    started = time.process_time()
    flat, _ = corpus.shingles_of_many(entries)
    campaigns.signatures(flat, corpus.counts[entries], settings)
    return len(entries), bulk, time.process_time() - started


def incremental(items, settings):
    """Group the first 99 %, assign the last 1 %: time, and the same groups as a recompute?"""
    cut = len(items) - max(1, len(items) // 100)
    first, later = items[:cut], items[cut:]
    existing = campaigns.find_campaigns(first, settings=settings)
    grouped = {member for campaign in existing for member in campaign.members}
    ungrouped = [item for item in first if item[0] not in grouped]
    clock = Clock()
    campaigns.assign(later, existing, settings=settings)
    alone = clock.lap()
    clock = Clock()
    grown = campaigns.assign(later, existing, ungrouped=ungrouped, settings=settings)
    with_ungrouped = clock.lap()
    full = campaigns.find_campaigns(items, settings=settings)

    def shape(groups):
        return {frozenset(campaign.members) for campaign in groups}

    return len(later), len(ungrouped), alone, with_ungrouped, shape(grown) == shape(full)


def small_campaigns(corpus, settings, trials=40):
    """How many of `trials` campaigns of two and of three personalised copies are found
    whole (each among as many original responses, each trial its own permutations)."""
    found = Counter()
    for copies in (2, 3):
        for trial in range(trials):
            texts = campaign_copies(copies, seed=trial, letter=trial, corpus=corpus)
            items = list(enumerate(texts))
            groups = campaigns.find_campaigns(items, settings=replace(settings, seed=trial + 1))
            found[copies] += [set(c.members) for c in groups] == [set(range(copies))]
    return found


WORD = re.compile(r"\w+")


def reading_baseline(items):
    """CPU seconds to read every response's words: the least any grouping does."""
    started = time.process_time()
    words = sum(len(WORD.findall(text.casefold())) for _, text in items)
    return time.process_time() - started, words


def stored(records):
    """Group `records` through the database as find_campaigns does; print the figures."""
    with tempfile.TemporaryDirectory(prefix="bench-campaigns-") as folder:
        os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings.test"
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        from bench.feedback_search import Loader, setup_django

        setup_django()
        from consultation.feedback.models import FeedbackItem
        from consultation.synthesis import grouping
        from consultation.synthesis.models import CampaignMembership

        loader = Loader()
        later = records[-100:]
        seconds = loader.load(records[:-100])
        consultation = loader.consultation
        count = FeedbackItem.objects.filter(consultation=consultation).count()
        print(f"\nThrough the database (SQLite): {count:,} items loaded in {seconds:.0f} s")
        clock = Clock()
        texts = sum(1 for _ in grouping._texts(grouping._eligible(consultation)))
        read_wall, read_cpu = clock.lap()
        clock = Clock()
        found = grouping.recompute(consultation=consultation)
        wall, cpu = clock.lap()
        members = CampaignMembership.objects.count()
        print(
            f"  reading the {texts:,} texts from the database: {read_wall:.2f} s wall "
            f"({read_cpu:.2f} s CPU)"
        )
        print(
            f"  recompute (read, group, store {len(found)} groups of {members:,} items): "
            f"{wall:.2f} s wall ({cpu:.2f} s CPU), x{wall / read_wall:.1f} reading the texts"
        )
        loader.load(later)
        clock = Clock()
        joined = grouping.place_new(consultation=consultation)
        wall, cpu = clock.lap()
        print(
            f"  placing {len(later)} new items ({joined} joined a group): {wall:.2f} s wall "
            f"({cpu:.2f} s CPU), x{wall / read_wall:.1f} reading the texts"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--polis", type=Path, help="folder of Polis comment CSVs")
    parser.add_argument(
        "--baseline-up-to",
        type=int,
        default=10_000,
        help="measure the single-linkage baseline at sizes up to this (it is slow)",
    )
    parser.add_argument(
        "--stored",
        action="store_true",
        help="also group the largest size through the database (find_campaigns' service)",
    )
    arguments = parser.parse_args(argv)
    settings = campaigns.DEFAULT_SETTINGS
    corpus = load_corpus(arguments.polis)
    print(f"Corpus: {len(corpus):,} texts; settings: {settings}")
    wider = campaigns.Settings(num_perm=64, lsh_threshold=0.5)
    for label, chosen in (("these settings", settings), ("64 permutations at 0.5", wider)):
        found = small_campaigns(corpus, chosen)
        print(
            f"Small campaigns found whole out of 40, with {label}: two copies {found[2]}, "
            f"three copies {found[3]}"
        )
    first_cpu = None
    for size in arguments.sizes:
        started = time.process_time()
        records = list(generate(size, seed=arguments.seed, corpus=corpus))
        made = time.process_time() - started
        items = [(record.index, record.text) for record in records]
        origins = Counter(record.origin for record in records)
        print(f"\n{size:,} responses (generated in {made:.1f} s CPU): {dict(origins)}")

        clock = Clock()
        found = campaigns.find_campaigns(items, progress=clock.progress)
        wall, cpu = clock.lap()
        precision, recall, stray = quality(records, [list(c.members) for c in found])
        truth = len({r.campaign for r in records if r.campaign is not None})
        first_cpu = first_cpu or cpu
        lowest = min(score for c in found for score in c.members.values())
        templates = [c.template for c in found]
        quoted = [
            max(np.isin(template, campaigns.shingles(r.text)).mean() for template in templates)
            for r in records
            if r.origin == "quote"
        ]
        print(f"  template grouping: {len(found)} groups ({truth} campaigns generated)")
        print(f"    precision {precision:.4f} (target >= 0.99)   recall {recall:.4f} (>= 0.98)")
        print(
            f"    stubs in groups {stray['stub']} (target 0), quoting originals in groups "
            f"{stray['quote']}, other originals in groups {stray['original']}"
        )
        print(
            f"    lowest member score {lowest:.2f}; most of a template in a quoting original "
            f"{max(quoted, default=0):.2f} (a response joins at {settings.containment})"
        )
        stages, before = [], (0.0, 0.0)
        for stage, (stage_wall, stage_cpu) in clock.stages.items():
            stages.append(f"{stage} {stage_cpu - before[1]:.2f}")
            before = (stage_wall, stage_cpu)
        print(
            f"    time {wall:.2f} s wall, {cpu:.2f} s CPU ({', '.join(stages)} s CPU); "
            f"CPU x{cpu / first_cpu:.1f} the first size for x{size / arguments.sizes[0]:.0f} "
            "the responses"
        )
        baseline, words = reading_baseline(items)
        print(
            f"    baseline: reading the {words:,} words of every response {baseline:.2f} s "
            f"CPU; grouping x{cpu / baseline:.1f} that"
        )

        if size <= arguments.baseline_up_to:
            clock = Clock()
            baseline = single_linkage(items, settings)
            wall, cpu = clock.lap()
            precision, recall, stray = quality(records, baseline)
            print(f"  baseline, single linkage at Jaccard >= 0.5: {len(baseline)} groups")
            print(f"    precision {precision:.4f}   recall {recall:.4f}   strays {dict(stray)}")
            print(f"    time {wall:.2f} s wall, {cpu:.2f} s CPU")

        if size == arguments.sizes[0]:  # the MinHash itself costs the same at any size
            count, bulk, numpy_time = datasketch_bulk(items, settings, min(size, 10_000))
            print(
                f"  MinHash of {count:,} shingle sets: datasketch MinHash.bulk {bulk:.2f} s "
                f"CPU, numpy {numpy_time:.3f} s CPU (x{bulk / numpy_time:.0f} faster)"
            )

        new, ungrouped, alone, with_ungrouped, same = incremental(items, settings)
        print(
            f"  assigning the last {new:,} to the groups of the rest: {alone[1]:.2f} s CPU "
            f"({alone[0]:.2f} s wall); searching the {ungrouped:,} ungrouped ones with them: "
            f"{with_ungrouped[1]:.2f} s CPU, and then the groups are a full recompute's: "
            f"{'yes' if same else 'NO'}"
        )
    if arguments.stored:
        stored(records)


if __name__ == "__main__":
    sys.exit(main())
