"""How fast is the working group's synthesis dashboard, and does its query count stay the
same as the items grow from 10,000 to 100,000?

Sets up a throwaway SQLite database (migrations, the demo strategy), loads synthetic
feedback (bench/synthetic.py) as comments with their feedback items the way
bench/feedback_search.py does, makes a codebook of 20 themes and 5 sub-themes and codes
every item with one to three of them through `consultation.synthesis.coding.apply_themes`
(in bulk: one action per theme, as "every result of a search" is), and records a stance on
two items in five. At each size it requests, as a Working group member with a second
factor, the dashboard and the printable report (median of five requests each) as a first
view (the counts kept by the cache cleared out before each request, so they are counted)
and seen again (the counts kept), and a trivial baseline in the same run: the synthesis
index page (one small query). It prints
the milliseconds and SQL queries of each, the dashboard's time as a multiple of the
baseline's, and the ratio of the dashboard's time at the larger size to the smaller;
targets: the same number of queries at both sizes, and the dashboard's first view in
under 3 seconds at 100,000 items.

    .venv/bin/python bench/dashboard.py [--sizes 10000 100000] [--repeat 5]
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import synthetic  # noqa: E402  (the repository is on the path only now)

THEMES = 20
SUB_THEMES = 5
TARGET_SECONDS = 3.0


def make_codebook(consultation):
    from consultation.synthesis.models import Colour, Theme

    colours = [value for value, _ in Colour.choices]
    themes = [
        Theme.objects.create(
            consultation=consultation,
            name=f"Theme {n + 1}",
            colour=colours[n % len(colours)],
            sort_order=n,
        )
        for n in range(THEMES)
    ]
    themes += [
        Theme.objects.create(consultation=consultation, name=f"Detail {n + 1}", parent=themes[n])
        for n in range(SUB_THEMES)
    ]
    return themes


def code(consultation, themes, item_ids, actor, seed):
    """One to three themes on each item, one apply_themes action per theme; seconds."""
    from consultation.synthesis import coding
    from consultation.synthesis.models import CodingAction

    rng = random.Random(seed)
    chosen = {theme.pk: [] for theme in themes}
    for item_id in item_ids:
        for theme in rng.sample(themes, rng.randint(1, 3)):
            chosen[theme.pk].append(item_id)
    started = time.perf_counter()
    for theme in themes:
        if chosen[theme.pk]:
            coding.apply_themes(
                actor=actor,
                consultation=consultation,
                item_ids=chosen[theme.pk],
                themes=[theme],
                scope=CodingAction.Scope.SEARCH,
                search=f"bench={theme.pk}",
            )
    return time.perf_counter() - started


def set_stances(item_ids, seed):
    """A stance on two items in five (bench data: the stance service is the coding
    part's; rows are written directly here, as the builders write comments)."""
    from consultation.synthesis.models import ItemReview, Stance

    rng = random.Random(seed)
    stances = [value for value, _ in Stance.choices]
    ItemReview.objects.bulk_create(
        [
            ItemReview(item_id=item_id, stance=rng.choice(stances))
            for item_id in item_ids
            if rng.random() < 0.4
        ],
        batch_size=2000,
    )


def analyst_client():
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.models import Group

    from hub.accounts.models import User
    from hub.accounts.rules import WORKING_GROUP
    from tests.support.clients import SignedInClient

    user = User.objects.create_user(email="bench-analyst@example.org")  # never signs in
    user.groups.add(Group.objects.get_or_create(name=WORKING_GROUP)[0])
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = SignedInClient()
    client.force_login(user)
    return client, user


def timed(client, url, repeat, *, first=False):
    """(median milliseconds, queries of the last request) of GETting `url`; `first`: with
    the kept counts cleared out before each request (a first view, which counts)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: the session, templates, the first compiled queries
    times, queries = [], 0
    for _ in range(repeat):
        if first:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return statistics.median(times), queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    small, large = sorted(args.sizes)

    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as folder:
        os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings.test"
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        from bench.feedback_search import Loader, setup_django, without_suggestion_refresh

        setup_django()
        without_suggestion_refresh()
        from consultation.feedback.models import FeedbackItem

        loader = Loader()
        consultation = loader.consultation
        client, analyst = analyst_client()
        themes = make_codebook(consultation)
        records = list(synthetic.generate(large, seed=0))
        slug = consultation.slug
        dashboard = f"/synthesis/consultations/{slug}/dashboard/"
        report = f"/synthesis/consultations/{slug}/report/"
        # name: (url, whether each request is a first view that counts)
        urls = {
            "baseline (index)": ("/synthesis/consultations/", False),
            "dashboard": (dashboard, True),
            "dashboard, kept": (dashboard, False),
            "report": (report, True),
            "report, kept": (report, False),
        }
        results = {}
        loaded, coded_up_to = 0, 0
        for size in (small, large):
            seconds = loader.load(records[loaded:size])
            loaded = size
            new_ids = list(
                FeedbackItem.objects.filter(consultation=consultation, pk__gt=coded_up_to)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            coded_up_to = new_ids[-1]
            coding_seconds = code(consultation, themes, new_ids, analyst, seed=size)
            set_stances(new_ids, seed=size)
            print(
                f"{size:,} items loaded in {seconds:.0f} s; {len(new_ids):,} coded with "
                f"{len(themes)} themes in {coding_seconds:.1f} s"
            )
            for name, (url, first) in urls.items():
                ms, queries = timed(client, url, args.repeat, first=first)
                results[size, name] = (ms, queries)
                print(f"  {name:<17} {ms:>9.1f} ms  {queries:>3} queries")
            base = results[size, "baseline (index)"][0]
            print(f"  dashboard / baseline: {results[size, 'dashboard'][0] / base:.1f}x")

        print()
        ok = True
        for name in urls:
            (ms_small, q_small), (ms_large, q_large) = results[small, name], results[large, name]
            same = q_small == q_large
            ok &= same
            print(
                f"{name}: {q_small} queries at {small:,} and {q_large} at {large:,} "
                f"({'the same' if same else 'GREW'}); time x{ms_large / ms_small:.1f} for "
                f"x{large / small:.0f} items"
            )
        seconds = results[large, "dashboard"][0] / 1000
        fast = seconds < TARGET_SECONDS
        ok &= fast
        kept = results[large, "dashboard, kept"][0] / 1000
        print(
            f"dashboard at {large:,} items: first view {seconds:.2f} s "
            f"(target under {TARGET_SECONDS:.0f} s: {'met' if fast else 'MISSED'}), "
            f"seen again {kept:.2f} s (x{seconds / kept:.1f} faster)"
        )
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
