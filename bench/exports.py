"""Does the export of a consultation's feedback items keep memory flat as it grows?

Sets up a throwaway SQLite database (migrations, the demo strategy), loads synthetic
feedback (bench/synthetic.py) as comments with their feedback items the way
bench/feedback_search.py does (10,000, measures, then 90,000 more, measures again), and
streams the export of every item (`consultation.selectors.exports.consultation_export`,
what the exports page and `manage.py export_feedback` stream) in each format, full and
anonymised, to nowhere. For each it prints the rows per second and the peak memory the
export allocated (tracemalloc, started just before it), and then the ratio peak at the
larger size / peak at the smaller, measured in this run: the target is no more than 1.2.

    .venv/bin/python bench/exports.py [--sizes 10000 100000]
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import synthetic  # noqa: E402  (the repository is on the path only now)

TARGET_RATIO = 1.2
VARIANTS = [("csv", False), ("csv", True), ("jsonl", False), ("jsonl", True)]


def measure(consultation, format_name, anonymised):
    """(rows, seconds, peak bytes) of streaming one export to nowhere."""
    from consultation.selectors.exports import ITEMS, consultation_export

    tracemalloc.start()
    started = time.perf_counter()
    found = consultation_export(
        consultation, what=ITEMS, format_name=format_name, anonymised=anonymised
    )
    lines = 0
    for chunk in found.chunks:
        lines += chunk.count("\n")
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # JSON Lines is one line per row; a CSV cell may hold line breaks of its own.
    assert format_name == "csv" or lines == found.count, (lines, found.count)
    return found.count, seconds, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[10_000, 100_000])
    args = parser.parse_args()
    small, large = sorted(args.sizes)

    with tempfile.TemporaryDirectory(prefix="bench-exports-") as folder:
        os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings.test"
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        from bench.feedback_search import Loader, setup_django

        setup_django()
        loader = Loader()
        records = list(synthetic.generate(large, seed=0))
        peaks = {}
        loaded = 0
        for size in (small, large):
            seconds = loader.load(records[loaded:size])
            loaded = size
            print(f"{size:,} items loaded in {seconds:.0f} s")
            for format_name, anonymised in VARIANTS:
                rows, seconds, peak = measure(loader.consultation, format_name, anonymised)
                peaks[size, format_name, anonymised] = peak
                name = f"{format_name}{' anonymised' if anonymised else ''}"
                print(
                    f"  {name:<16} {rows:>7,} rows  {rows / seconds:>8,.0f} rows/s  "
                    f"peak {peak / 1e6:6.2f} MB"
                )
        print(f"peak at {large:,} / peak at {small:,} (target ≤ {TARGET_RATIO}):")
        worst = 0
        for format_name, anonymised in VARIANTS:
            ratio = peaks[large, format_name, anonymised] / peaks[small, format_name, anonymised]
            worst = max(worst, ratio)
            name = f"{format_name}{' anonymised' if anonymised else ''}"
            print(f"  {name:<16} {ratio:.2f}")
        print(f"worst ratio {worst:.2f}: {'met' if worst <= TARGET_RATIO else 'NOT MET'}")
        return 0 if worst <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
