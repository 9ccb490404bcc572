"""How much slower is a conversation's own page (a comment's permalink) with 1,000 replies
than with 10?

Sets up its own throwaway SQLite database as bench/section_comments.py does, starts two
conversations on one paragraph, one with 10 replies and one with 1,000 (most answering the
opening comment, every fourth answering the reply before it, with reactions), and renders
each one's page N times with the Django test client, anonymous and signed in: its first
page, its last page, and a reply's permalink (the redirect to the page that shows it).
Prints the median times, their ratio, the query counts and the page sizes, all measured in
this run.

    .venv/bin/python bench/conversation.py [--renders 30] [--replies 1000]
"""

import argparse

from section_comments import measure, setup_django  # the same set-up

SMALL = 10


def add_conversation(section, consultation, people, replies):
    """An opening comment and `replies` replies to it, one a second, with a reaction on each
    of the first 300; returns (root, last reply)."""
    import datetime

    from django.utils import timezone

    from bench import builders
    from consultation.models import Reaction

    count = replies + 1
    texts = [f"Reply {n}: a view on the draft, with a reason or two." for n in range(count)]
    start = timezone.now()
    root = builders.comment_maker(section, consultation, people, texts, start=start)(0)
    root.save()
    made = builders.add_replies(
        root,
        people[1:] + people[:1],
        texts[1:],
        start=start + datetime.timedelta(seconds=1),
    )
    Reaction.objects.bulk_create(
        Reaction(comment=reply, user=people[(n + 1) % len(people)], value="agree")
        for n, reply in enumerate(made[:300])
    )
    builders.reactions_saved_in_bulk(people)
    return root, made[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--replies", type=int, default=1000)
    args = parser.parse_args()

    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="bench-conversation-") as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        from django.test import Client

        from bench import builders
        from consultation import conf

        section, consultation, people = builders.demo_section_consultation()
        anonymous, signed_in = Client(), Client()
        signed_in.force_login(people[0])
        sizes = (SMALL, conf.REPLIES_PER_PAGE, args.replies)
        conversations = [add_conversation(section, consultation, people, n) for n in sizes]

        def urls(root, last_reply, replies):
            pages = -(-replies // conf.REPLIES_PER_PAGE)
            last_page = f"?page={pages}" if pages > 1 else ""
            return {
                "first page": root.get_absolute_url(),
                "last page": f"{root.get_absolute_url()}{last_page}",
                "a reply's link": last_reply.get_absolute_url(),
            }

        results = []
        for client_name, client in (("anonymous", anonymous), ("signed in", signed_in)):
            for what in ("first page", "last page", "a reply's link"):
                measured = [
                    measure(client, urls(*made, n)[what], args.renders, status=(200, 302))
                    for made, n in zip(conversations, sizes, strict=True)
                ]
                results.append((client_name, what, measured))

    small, full, large = sizes
    print(
        f"A conversation's page with {small}, {full} (one page) and {large} replies "
        f"({args.renders} renders, median; {full} replies a page):"
    )
    for client_name, what, measured in results:
        (t0, q0, b0), (t1, q1, b1), (t2, q2, b2) = measured
        print(
            f"  {client_name:<10} {what:<15} {t0 * 1000:6.1f} / {t1 * 1000:6.1f} / "
            f"{t2 * 1000:6.1f} ms   ratio {large}:{small} {t2 / t0:4.2f}, {large}:{full} "
            f"{t2 / t1:4.2f}   queries {q0} / {q1} / {q2}   page {b0 // 1024} / {b1 // 1024} / "
            f"{b2 // 1024} KB"
        )


if __name__ == "__main__":
    main()
