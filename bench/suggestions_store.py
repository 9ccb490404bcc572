"""How long do stored theme suggestions take end to end on a 100,000-item consultation?

Sets up a throwaway SQLite database (or the one DATABASE_URL names, for PostgreSQL through
tests/with_postgres.py), loads feedback items the way bench/feedback_search.py does, with
texts from ../shared/data/nhs-feedback-themes/dev.csv (two real answers joined, with both
answers' themes; without that file, the synthetic texts with a theme per section), codes
10 % of them through the coding service (consultation.synthesis.coding), then measures in
the same run:

- the baseline: the engine alone (consultation.synthesis.suggest.suggest_themes) on the
  same texts and codes, already in memory;
- the first refresh (consultation.synthesis.suggestions.refresh_suggestions): reading the
  items, codes and rejections, the engine, and writing every suggestion and key phrase;
- a second refresh after analysts' decisions, which replaces the pending suggestions (what
  the background task does as coding goes on);
- what the suggestion pages read (consultation.selectors.suggestions): the index's
  counts, the queue's themes with theirs, its first and last pages with the total, after
  the refresh and again with 1,000 items coded by hand since (their suggestions left out).

It prints wall and CPU time of each, the ratio refresh / engine (what the database adds),
each refresh's steps as the refresh reports them (reading the inputs, the engine, writing
the suggestions, the key phrases: the database's share is the first and the last two), and
whether the refresh meets the target (under 60 s wall for 100,000 items).

    .venv/bin/python bench/suggestions_store.py [--items 100000] [--coded 0.10]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import synthetic  # noqa: E402  (the repository is on the path only now)

DATA = REPO.parent / "shared" / "data" / "nhs-feedback-themes" / "dev.csv"
TARGET_SECONDS = 60


class Timed:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def __str__(self):
        return f"{self.wall:6.1f} s wall, {self.cpu:6.1f} s CPU"

    @property
    def ms(self):
        return f"{self.wall * 1000:.0f} / {self.cpu * 1000:.0f} ms"


class Steps:
    """Wall and CPU time between the progress reports of a refresh (its `progress`)."""

    NAMES = ("read", "engine", "write suggestions", "key phrases")

    def __init__(self):
        self.marks = []

    def __call__(self, done, total):
        self.marks.append((time.perf_counter(), time.process_time()))

    def __str__(self):
        parts = [
            f"{name} {later[0] - earlier[0]:.1f} / {later[1] - earlier[1]:.1f}"
            for name, earlier, later in zip(self.NAMES, self.marks, self.marks[1:], strict=False)
        ]
        return "    steps, s wall / CPU: " + "; ".join(parts)


def texts_and_labels(count, records):
    """(texts, 0/1 label matrix, theme names) for `count` items."""
    if DATA.is_file():
        from bench.theme_suggestions import load

        answers, _questions, labels, names = load(DATA)
        rng = np.random.default_rng(7)
        first, second = rng.integers(0, len(answers), count), rng.integers(0, len(answers), count)
        texts = [f"{answers[a]} {answers[b]}" for a, b in zip(first, second, strict=True)]
        return texts, labels[first] | labels[second], names
    print(f"(no {DATA}: synthetic texts, one theme per section)")
    sections = [record.section if record.section is not None else -1 for record in records]
    names = sorted(set(sections))
    labels = np.array([[s == name for name in names] for s in sections])
    return [record.text for record in records], labels, [f"Section {n}" for n in names]


def load_items(count):
    from bench.feedback_search import Loader
    from consultation.feedback.models import FeedbackItem

    records = list(synthetic.generate(count, seed=0))
    texts, labels, names = texts_and_labels(count, records)
    records = [record._replace(text=text) for record, text in zip(records, texts, strict=True)]
    loader = Loader()
    seconds = loader.load(records)
    index_of = {comment.pk: index for index, comment in loader.saved.items()}
    item_of = {
        index_of[comment_id]: pk
        for pk, comment_id in FeedbackItem.objects.filter(
            consultation=loader.consultation
        ).values_list("pk", "comment_id")
    }
    print(f"{len(item_of):,} items loaded in {seconds:.0f} s")
    return loader.consultation, item_of, labels, names


def code_some(consultation, item_of, labels, names, share):
    """Code `share` of the items by people's themes, one coding action per theme."""
    from consultation.synthesis import coding
    from consultation.synthesis.models import Theme

    rng = np.random.default_rng(11)
    indexes = sorted(item_of)
    chosen = rng.choice(indexes, size=int(share * len(indexes)), replace=False)
    themes = [
        Theme.objects.create(consultation=consultation, name=name[:120], sort_order=number)
        for number, name in enumerate(names)
    ]
    with Timed() as took:
        for column, theme in enumerate(themes):
            ids = [item_of[index] for index in chosen if labels[index, column]]
            if ids:
                coding.apply_themes(
                    actor=None, consultation=consultation, item_ids=ids, themes=[theme]
                )
    print(
        f"{len(chosen):,} items coded with {len(themes)} themes through the coding service: {took}"
    )


def decide_some(consultation, count=200):
    """Analysts accept and reject some suggestions (what a refresh must keep)."""
    from consultation.synthesis.models import ThemeSuggestion
    from consultation.synthesis.suggestion_review import accept_suggestion, reject_suggestion

    first = list(
        ThemeSuggestion.objects.filter(consultation=consultation, rank=1).values_list(
            "pk", flat=True
        )[: 2 * count]
    )
    for pk in first[:count]:
        accept_suggestion(actor=None, suggestion_id=pk)
    for pk in first[count:]:
        reject_suggestion(actor=None, suggestion_id=pk)


def code_by_hand(consultation, count):
    """Analysts code `count` items with suggestions by hand, before the refresh this sets
    off has run: their suggestions wait for nobody, and every count must leave them out."""
    from consultation.synthesis import coding
    from consultation.synthesis.models import Theme, ThemeSuggestion

    ids = list(
        ThemeSuggestion.objects.filter(consultation=consultation, rank=1, state="pending")
        .order_by("item_id")
        .values_list("item_id", flat=True)[:count]
    )
    theme = Theme.objects.filter(consultation=consultation).order_by("pk").first()
    coding.apply_themes(actor=None, consultation=consultation, item_ids=ids, themes=[theme])


def review_pages(consultation, when):
    """What the suggestion pages read: the index's counts, the queue's themes with their
    counts, and the queue's first and last pages with the total."""
    from consultation.selectors.suggestions import (
        consultations_with_suggestions,
        queue_themes,
        review_queue,
    )

    with Timed() as index:
        consultations_with_suggestions()
    with Timed() as themes:
        queue_themes(consultation)
    with Timed() as first:
        found, _entries = review_queue(consultation)
    with Timed() as last:
        review_queue(consultation, page=found.paginator.num_pages)
    print(
        f"review pages, {when} ({found.paginator.count:,} items waiting), wall / CPU: "
        f"index {index.ms}; queue's themes {themes.ms}; first page {first.ms}; "
        f"last page {last.ms}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--coded", type=float, default=0.10)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-suggestions-") as folder:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        from bench.feedback_search import ensure_postgres_database, setup_django

        if os.environ["DATABASE_URL"].startswith("postgres"):
            ensure_postgres_database()
        setup_django()
        from django.db import connection
        from django.test.utils import override_settings

        # Coding actions enqueue a refresh; here the bench runs them itself.
        override_settings(
            TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        ).enable()
        from consultation.synthesis.suggest import suggest_themes
        from consultation.synthesis.suggestions import read_inputs, refresh_suggestions

        print(
            f"{connection.vendor}, {os.cpu_count()} cores, load average "
            f"{os.getloadavg()[0]:.1f} (wall time grows with other work on the machine; "
            "CPU time does not)"
        )
        consultation, item_of, labels, names = load_items(options.items)
        code_some(consultation, item_of, labels, names, options.coded)

        texts, contexts, codes, rejections = read_inputs(consultation)
        with Timed() as engine:
            suggest_themes(
                texts=texts, codes=codes, rejections=rejections, contexts=contexts, per_item=3
            )
        print(f"\nbaseline, the engine alone:       {engine}")
        steps = Steps()
        with Timed() as first:
            refreshed = refresh_suggestions(consultation=consultation, progress=steps)
        print(
            f"first refresh (read, engine, write): {first}  "
            f"({refreshed.stored:,} suggestions for {refreshed.suggested_items:,} items; "
            f"refresh / engine = {first.wall / engine.wall:.2f})\n{steps}"
        )
        decide_some(consultation)
        steps = Steps()
        with Timed() as second:
            refreshed = refresh_suggestions(consultation=consultation, progress=steps)
        print(
            f"second refresh, replacing pending: {second}  "
            f"({refreshed.stored:,} suggestions; refresh / engine = "
            f"{second.wall / engine.wall:.2f})\n{steps}"
        )
        review_pages(consultation, "after the refresh")
        code_by_hand(consultation, 1_000)
        review_pages(consultation, "1,000 items coded by hand since")
        worst = max(first, second, key=lambda timed: timed.wall)
        met = worst.wall < TARGET_SECONDS
        print(
            f"\nrefresh of {len(item_of):,} items end to end: {worst.wall:.1f} s wall, "
            f"{worst.cpu:.1f} s CPU (target < {TARGET_SECONDS} s wall): "
            f"{'met' if met else 'NOT MET'}"
            + (
                ""
                if met or worst.cpu >= TARGET_SECONDS
                else " on this load; the CPU time is within it"
            )
        )
        return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
