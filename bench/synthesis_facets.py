"""What do the synthesis facets (themes, stance, questionnaire answers) cost a search on the
database backend, at 10,000 and at 100,000 items?

Sets up a throwaway SQLite database (migrations, the demo strategy), loads synthetic
feedback (bench/synthetic.py) as comments with their feedback items the way
bench/feedback_search.py does, and analyses it as a working group would: a codebook of
five themes with three sub-themes each, 40 % of the items coded (through
consultation.synthesis.coding, the one writer of codes), 30 % with a stance, and a
questionnaire answered and submitted by the 300 authors (so every item carries their
closed answers). It then runs bench/feedback_search.py's query mix plus filters on a
theme, "No theme", a stance and an answer, twice in the same run: with the synthesis
facets counted (the search as it is), and with them read as empty (the baseline: the
search as it was before them). It prints p50 and p95 per kind of query for both and the
ratio of the two p95s.

    .venv/bin/python bench/synthesis_facets.py [--sizes 10000 100000] [--queries 200]
"""

import argparse
import collections
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

CODED_SHARE, STANCE_SHARE = 0.4, 0.3


def codebook(consultation):
    from consultation.synthesis.models import Theme

    parents = [Theme.objects.create(consultation=consultation, name=f"Theme {n}") for n in range(5)]
    children = [
        Theme.objects.create(consultation=consultation, name=f"Theme {n}.{m}", parent=parent)
        for n, parent in enumerate(parents)
        for m in range(3)
    ]
    return parents + children


def analyse(consultation, people, item_ids, rng):
    """Code, set stances on and answer for the items `item_ids` (new since the last call)."""
    from consultation.synthesis import coding
    from consultation.synthesis.models import ItemReview, Theme

    themes = list(Theme.objects.filter(consultation=consultation))
    coded = rng.sample(item_ids, round(len(item_ids) * CODED_SHARE))
    by_theme = collections.defaultdict(list)
    for item_id in coded:
        for theme in rng.sample(themes, rng.choice((1, 1, 2))):
            by_theme[theme].append(item_id)
    for theme, ids in by_theme.items():
        coding.apply_themes(actor=None, consultation=consultation, item_ids=ids, themes=[theme])
    # Stances as the review rows an analyst's choice makes (synthesis.review writes them).
    ItemReview.objects.bulk_create(
        ItemReview(item_id=item_id, stance=rng.choice(("supports", "opposes", "mixed")))
        for item_id in rng.sample(item_ids, round(len(item_ids) * STANCE_SHARE))
    )


def questionnaire_answers(consultation, people, rng):
    """A questionnaire of two closed questions, answered and submitted by `people`; the
    values of the answer facet."""
    from consultation.questionnaires import build, services
    from consultation.questionnaires.models import Questionnaire
    from consultation.questionnaires.structure import Kind, questions_of

    questionnaire = Questionnaire.objects.create(
        consultation=consultation,
        title="Bench questions",
        pages=[
            build.page(
                "Views",
                [
                    build.question(Kind.SINGLE, "Clear?", key="b/clear", choices=("Yes", "No")),
                    build.question(Kind.AGREEMENT, "Safety first.", key="b/safety"),
                ],
                key="b/page",
            )
        ],
    )
    single, scale = questions_of(questionnaire)
    for person in people:
        services.respondent_save(
            respondent=person, questionnaire=questionnaire, respondent_type="individual"
        )
        services.answers_save(
            respondent=person,
            questionnaire=questionnaire,
            answers={
                single.id: [rng.choice(single.choices)[0]],
                scale.id: [rng.choice(scale.choices)[0]],
            },
        )
        services.response_submit(respondent=person, questionnaire=questionnaire, send_receipt=False)
    return [f"{single.id}:{pk}" for pk, _label in single.choices]


def synthesis_mix(themes, answers, count, seed=0):
    from consultation.search.types import FeedbackQuery

    rng = random.Random(seed)
    choices = [
        {"theme": [str(rng.choice(themes).pk)]},
        {"theme": ["none"]},
        {"stance": ["supports", "none"]},
        {"answer": [rng.choice(answers)]},
        {"theme": [str(themes[0].pk)], "stance": ["opposes"]},
    ]
    return [
        ("synthesis", FeedbackQuery(filters=rng.choice(choices))) for _ in range(max(1, count // 5))
    ]


def empty_loaders():
    """Loaders that read nothing: the search without the synthesis facets' work."""
    import numpy as np

    from consultation.search.backends import extra_facets

    def nothing(ids, _held):
        empty = np.zeros(0, dtype=np.int64)
        return extra_facets.MultiValued.of(len(ids), empty, empty, none=True)

    def unset(ids, _held):
        return extra_facets.SingleValued(np.zeros(len(ids), dtype=np.int64), extra_facets.STANCES)

    return {
        extra_facets.THEME: nothing,
        extra_facets.STANCE: unset,
        extra_facets.ANSWER: lambda ids, _held: extra_facets.MultiValued.of(
            len(ids), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), ()
        ),
    }


def timed(mix):
    from consultation.search import run

    for _kind, query in mix[:10]:
        run(query)
    times = collections.defaultdict(list)
    for kind, query in mix:
        started = time.perf_counter()
        run(query)
        times[kind].append((time.perf_counter() - started) * 1000)
    return {
        kind: (
            statistics.median(values),
            statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else 0,
        )
        for kind, values in times.items()
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-synthesis-facets-") as folder:
        os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings.test"
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        from bench.feedback_search import (
            Loader,
            query_mix,
            setup_django,
            without_suggestion_refresh,
        )

        setup_django()
        without_suggestion_refresh()
        from django.conf import settings
        from django.db import connection

        from consultation.feedback.models import FeedbackItem
        from consultation.search.backends import extra_facets

        settings.ELASTICSEARCH_URL = None
        rng = random.Random(0)
        loader = Loader()
        themes = codebook(loader.consultation)
        answers = questionnaire_answers(loader.consultation, loader.people, rng)
        records = list(synthetic.generate(max(args.sizes), seed=0))
        loaded, seen = 0, 0
        for size in sorted(args.sizes):
            loader.load(records[loaded:size])
            loaded = size
            new = list(FeedbackItem.objects.filter(pk__gt=seen).values_list("pk", flat=True))
            seen = max(new)
            started = time.perf_counter()
            analyse(loader.consultation, loader.people, new, rng)
            print(f"{size:,} items loaded; analysed in {time.perf_counter() - started:.0f} s")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            mix = query_mix(records, size, args.queries) + synthesis_mix(
                themes, answers, args.queries
            )
            with_facets = timed(mix)
            real = extra_facets.LOADERS
            extra_facets.LOADERS = empty_loaders()
            try:
                baseline = timed([(k, q) for k, q in mix if k != "synthesis"])
            finally:
                extra_facets.LOADERS = real
            print(f"  {'kind':<14}{'baseline p50/p95':>20}{'with facets p50/p95':>24}  p95 ratio")
            for kind, (p50, p95) in with_facets.items():
                base = baseline.get(kind)
                cells = f"{base[0]:>9.1f} /{base[1]:>7.1f}" if base else f"{'-':>18}"
                ratio = f"{p95 / base[1]:>8.2f}" if base and base[1] else f"{'-':>8}"
                print(f"  {kind:<14}{cells:>20}{p50:>15.1f} /{p95:>7.1f}  {ratio}")


if __name__ == "__main__":
    main()
