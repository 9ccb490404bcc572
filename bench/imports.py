"""How fast does `manage.py import_responses` bring in a 100,000-row CSV file?

Writes synthetic feedback (bench/synthetic.py) as a CSV file, sets up a throwaway SQLite
database (migrations, one consultation), and measures in this run:

- the baseline: reading the same file with the csv module alone (rows per second);
- `import_responses` of the file: the check of every row, then the import of every row
  with its feedback item in one transaction (rows per second, wall and CPU time, the
  ratio to the baseline, and the target: under 30 s);
- importing the same file again (every row already imported: nothing added).

    .venv/bin/python bench/imports.py [--rows 100000] [--seed 0]
"""

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.synthetic import generate, load_corpus, write_csv  # noqa: E402

TARGET_SECONDS = 30


def timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-imports-") as folder:
        folder = Path(folder)
        path = folder / "responses.csv"
        rows = write_csv(generate(args.rows, seed=args.seed, corpus=load_corpus()), path)
        size = path.stat().st_size
        print(f"{rows:,} rows, {size / 1e6:.1f} MB of CSV")

        os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings.test"
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
        import django

        django.setup()
        from django.core.management import call_command
        from django.utils import timezone

        from consultation.feedback.models import FeedbackItem
        from consultation.models import Consultation

        call_command("migrate", verbosity=0)
        now = timezone.now()
        consultation = Consultation.objects.create(
            title="Bench", slug="bench", opens_at=now, closes_at=now + timezone.timedelta(days=9)
        )

        def parse_only():
            with path.open(newline="", encoding="utf-8") as handle:
                return sum(1 for _ in csv.reader(handle)) - 1

        parsed, base_wall, _ = timed(parse_only)
        assert parsed == rows, (parsed, rows)

        def run():
            call_command(
                "import_responses", "bench", str(path), stdout=io.StringIO(), stderr=io.StringIO()
            )

        _, wall, cpu = timed(run)
        items = FeedbackItem.objects.filter(consultation=consultation).count()
        _, again_wall, _ = timed(run)
        added = FeedbackItem.objects.filter(consultation=consultation).count() - items

    print(f"baseline, csv module only: {base_wall:6.2f} s  {rows / base_wall:12,.0f} rows/s")
    print(
        f"import_responses:          {wall:6.2f} s  {rows / wall:12,.0f} rows/s "
        f"(CPU {cpu:.2f} s; {wall / base_wall:.0f} x the baseline's time; "
        f"target under {TARGET_SECONDS} s: {'met' if wall < TARGET_SECONDS else 'NOT met'})"
    )
    print(f"  {items:,} feedback items written (rows without any text are left out)")
    print(f"the same file again:       {again_wall:6.2f} s  ({added} items added)")
    return 0 if wall < TARGET_SECONDS and added == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
