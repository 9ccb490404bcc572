"""The parts of the page bench (bench/pages.py) that run without gunicorn: on the demo, every
page it measures answers signed out and signed in and has its queries counted, its sign-in
makes a real session through allauth's form, it notices a failed sign-in or a page in the
wrong state, wrk's report is read back (errors included), and the table puts each figure
beside its target. Nothing here is timed; the figures come from running the bench."""

import io
import shutil
from types import SimpleNamespace

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command

from bench import pages
from hub.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.bench

needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")


PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's


def test_every_page_of_the_demo_answers_signed_out_and_in_and_has_its_queries_counted(db):
    call_command("load_demo", stdout=io.StringIO())
    conversation = pages.add_bench_content(comments=30, replies=6)
    signin = pages.sign_in(pages.STAKEHOLDER, DEMO_PASSWORD)

    counts = pages.query_counts(pages.page_urls(conversation), signin)

    assert list(counts) == list(pages.PAGES)
    # Signed in, the session and the reader come from the cache, so a page asks what it asks
    # signed out; a page whose rows are kept for the generation (a conversation's) may ask
    # nothing at all.
    assert all(0 <= out <= signed_in for out, signed_in in counts.values())


def test_the_sign_in_is_a_real_session_made_through_the_form(home, user):
    signin = pages.sign_in(user.email, PASSWORD)

    assert SessionStore(session_key=signin.session)[SESSION_KEY] == str(user.pk)
    assert f"csrfmiddlewaretoken={signin.form_csrf_token}" in signin.form_body
    assert signin.queries > 0


def test_a_failed_sign_in_stops_the_bench(home, user):
    with pytest.raises(AssertionError, match="signing in answered 200"):
        pages.sign_in(user.email, "not-the-password")


def test_a_page_in_the_wrong_state_stops_the_bench(home):
    with pytest.raises(AssertionError, match="is not signed in"):
        pages.count_queries(pages.web_client(), home.url, signed_in=True)
    with pytest.raises(AssertionError, match="answered 404"):
        pages.count_queries(pages.web_client(), "/no-such-page/", signed_in=False)


@needs_wrk
@pytest.mark.processes
@pytest.mark.django_db(transaction=True)
def test_wrks_figures_are_read_back_with_the_expected_statuses(live_server):
    figures = pages.run_wrk(
        live_server.url + pages.TRIVIAL_URL, seconds=1, connections=2, expect=200
    )

    assert figures.requests > 0
    assert figures.errors == 0
    assert figures.matched == figures.requests
    assert 0 < figures.p95_ms <= figures.p99_ms


@needs_wrk
@pytest.mark.processes
@pytest.mark.django_db(transaction=True)
def test_wrk_counts_error_statuses(live_server):
    figures = pages.run_wrk(live_server.url + "/no-such-page/", seconds=1, connections=2)

    assert figures.requests > 0
    assert figures.errors == figures.requests


def load(rps, p95_ms=10.0, p99_ms=20.0, requests=100, matched=0):
    return pages.Load(requests, rps, p95_ms, p99_ms, errors=0, matched=matched)


def test_the_table_puts_each_figure_beside_its_target():
    baseline = load(1000.0)
    results = {
        ("home", False): load(150.0),  # 0.15 of the trivial view: meets 0.1
        ("home", True): load(50.0),  # three times slower signed in: misses 1.5
        ("section", False): load(80.0),  # 0.08: misses 0.1, and the cached 0.5
        ("section", True): load(60.0),  # 1.33 times slower: meets 1.5
        ("section-cached", False): load(600.0),  # from the page cache: 0.6 meets 0.5
    }
    table = pages.report(
        results=results,
        counts={"home": (18, 22), "section": (26, 34)},
        baseline=baseline,
        trivial_runs=[baseline, baseline],
        signin=SimpleNamespace(queries=12),
        signin_load=load(4.0, requests=20, matched=20),
        hasher="pbkdf2_sha256",
        options=SimpleNamespace(connections=16, duration=5, machine="2 cores"),
    )

    rows = {
        tuple(cell.strip() for cell in line.strip("|").split("|")[:2]): line
        for line in table.splitlines()
        if line.startswith("| ") and not line.startswith("| page")
    }
    assert "| 100 | 150.0 | 0.150 |" in rows["home", "no"]
    assert rows["home", "no"].endswith("| 18 | ≥ 0.1 x trivial | yes |")
    assert rows["home", "yes"].endswith("| 22 | ≤ 1.5 x signed out | **no** (3.00 x) |")
    assert rows["section, the demo's comments", "no"].endswith("| **no** |")
    assert rows["section, the demo's comments", "yes"].endswith("| yes (1.33 x) |")
    cached = rows["section from the anonymous page cache", "no"]
    assert "| 600.0 | 0.600 |" in cached and cached.endswith("| 0 | ≥ 0.5 x trivial | yes |")
    assert rows["sign-in (allauth's form, POST)", "—"].endswith("| 20 of 20 signed in |")
    assert "Password hasher: pbkdf2_sha256." in table
    assert "Errors" not in table
