"""How fast is each public page under gunicorn, as a share of a trivial view of the same server?

Builds a throwaway SQLite database in a temporary folder (`manage.py migrate` and
`manage.py load_demo` with the dev settings, as `make run` does), adds a section with 1,000
comments and a conversation of 100 replies, signs a demo stakeholder in through allauth's
form to get a real session, and counts each page's SQL queries in-process (Django's test
client, signed out and signed in). Then it serves the same database with gunicorn (2 sync
workers, production settings with a generated SECRET_KEY, static files collected into the
temporary folder) and loads each page with wrk over loopback, 16 connections, signed out
and signed in, between two runs of the trivial view (`/robots.txt`). It prints a Markdown
table: requests per second, p95 and p99 latency, each also as a ratio of the trivial view's
figure, the query counts, and issue 11's targets beside them; then sign-ins per second
(allauth's form, posted with its CSRF token) and the password hasher that costs them.

    .venv/bin/python bench/pages.py [--duration 5] [--connections 16] [--threads 1]
                                    [--pages home,section,...] [--quick]

The machine is usually shared: absolute figures move with its load, so compare the ratios.
It needs wrk (`apt-get install wrk`; `make bench` installs it). Whatever way it ends, it
stops gunicorn and removes its temporary folder.
"""

import argparse
import contextlib
import datetime
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.builders import (  # noqa: E402
    add_comments,
    add_conversation,
    build_people,
    polis_texts,
)

LUA_SCRIPT = Path(__file__).with_name("wrk_report.lua")
HOST = "127.0.0.1"
WORKERS = 2
TRIVIAL_URL = "/robots.txt"
STAKEHOLDER = "clinician@example.org"
# What the proxy in front of production says of every request (else: a redirect to https).
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
# What makes a request skip the anonymous page cache, honoured by bench/settings.py only.
UNCACHED_HEADERS = {"X-Bench-No-Page-Cache": "1"}
SIGNED_IN_MARK = b"Sign out"  # the header's button, shown only to someone signed in

# Sections of the demo strategy: the one with most of the demo's comments, the one the
# bench fills with comments, and the one where it starts a long conversation.
DEMO_SECTION = "introduction"
BUSY_SECTION = "ambition-3-public-health"
CONVERSATION_SECTION = "ambition-5-care-needs"
RESOURCE = "evaluation-of-the-nhs-ai-lab"
BUSY_COMMENTS = 1000
CONVERSATION_REPLIES = 100

# Issue 11's targets: each page's share of the trivial view's throughput, signed out and
# uncached; signed in no more than this many times slower than signed out; an anonymous
# section page served from the page cache.
UNCACHED_SHARE = 0.1
PAGES = {
    # name: (what the table calls it, share of the trivial view's throughput to reach)
    "home": ("home", UNCACHED_SHARE),
    "strategy": ("strategy", UNCACHED_SHARE),
    "section": ("section, the demo's comments", UNCACHED_SHARE),
    "section-1000": (f"section, {BUSY_COMMENTS:,} comments", 0.05),
    "conversation": (f"conversation, {CONVERSATION_REPLIES} replies", UNCACHED_SHARE),
    "library": ("library", UNCACHED_SHARE),
    "resource": ("a resource", UNCACHED_SHARE),
    "search": ("search `?q=data`", UNCACHED_SHARE),
    "updates": ("updates", UNCACHED_SHARE),
    "timeline": ("timeline", UNCACHED_SHARE),
}
SIGNED_IN_SLOWDOWN = 1.5
CACHED_SECTION_SHARE = 0.5


# --- The throwaway site -------------------------------------------------------------------


def load_demo_database(env, log):
    """Migrate and load the demo as `make run` does: with the dev settings (load_demo refuses
    production), whose password hasher is production's, so the demo passwords work there."""
    dev = {**env, "DJANGO_SETTINGS_MODULE": "hub.settings.dev"}
    for command in (["migrate", "--noinput"], ["load_demo"]):
        with log.open("a") as output:
            done = subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=REPO,
                env=dev,
                stdout=output,
                stderr=subprocess.STDOUT,
                check=False,
            )
        if done.returncode:
            sys.exit(f"manage.py {' '.join(command)} failed:\n{log.read_text()[-3000:]}")


def add_bench_content(*, comments=BUSY_COMMENTS, replies=CONVERSATION_REPLIES):
    """The comments the demo lacks, in its open consultation: `comments` on one section and
    a conversation of `replies` replies on another. Returns the conversation's first comment."""
    from consultation.models import Consultation
    from hub.pages.models import SectionPage

    consultation = Consultation.objects.get(slug="draft-strategy")
    people = build_people(60)
    texts = polis_texts(max(comments, replies + 1))
    sections = SectionPage.objects.live().specific()
    add_comments(sections.get(slug=BUSY_SECTION), consultation, people, texts, comments)
    return add_conversation(
        sections.get(slug=CONVERSATION_SECTION), consultation, people, texts, replies
    )


def page_urls(conversation):
    """The URL of each page type, found in the database."""
    from django.urls import reverse

    from hub.pages.models import SectionPage, StrategyPage, TimelinePage, UpdateIndexPage
    from knowledge.models import LibraryPage, ResourcePage

    sections = SectionPage.objects.live()
    return {
        "home": "/",
        "strategy": StrategyPage.objects.live().get().url,
        "section": sections.get(slug=DEMO_SECTION).url,
        "section-1000": sections.get(slug=BUSY_SECTION).url,
        "conversation": reverse("consultation:comment", args=[conversation.pk]),
        "library": LibraryPage.objects.live().get().url,
        "resource": ResourcePage.objects.live().get(slug=RESOURCE).url,
        "search": reverse("search") + "?q=data",
        "updates": UpdateIndexPage.objects.live().get().url,
        "timeline": TimelinePage.objects.live().get().url,
    }


def web_client(*, uncached=False, **options):
    """A test client that calls itself 127.0.0.1, as wrk does (production's ALLOWED_HOSTS);
    `uncached` passes by the anonymous page cache."""
    from django.test import Client

    return Client(headers={"host": HOST, **(UNCACHED_HEADERS if uncached else {})}, **options)


@dataclass
class SignIn:
    """What a browser holds after signing in, and what it posted to get there."""

    session: str  # the session cookie's value
    csrf_cookie: str  # the CSRF cookie after signing in (Django rotates it then)
    form_csrf_cookie: str  # the CSRF cookie and token the sign-in form was posted with
    form_csrf_token: str
    form_body: str  # the form as posted, urlencoded
    queries: int  # SQL queries of the sign-in POST


def sign_in(email, password):
    """Sign in through allauth's form over (pretend) HTTPS, CSRF checks on, as a browser would."""
    from urllib.parse import urlencode

    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = web_client(enforce_csrf_checks=True)
    url = reverse("account_login")
    form = client.get(url, secure=True)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.content)
    assert form.status_code == 200 and token, "the sign-in form has no CSRF token"
    form_cookie = client.cookies[settings.CSRF_COOKIE_NAME].value
    fields = {"csrfmiddlewaretoken": token[1].decode(), "login": email, "password": password}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, fields, secure=True, headers={"origin": f"https://{HOST}"})
    assert response.status_code == 302, f"signing in answered {response.status_code}"
    return SignIn(
        session=client.cookies[settings.SESSION_COOKIE_NAME].value,
        csrf_cookie=client.cookies[settings.CSRF_COOKIE_NAME].value,
        form_csrf_cookie=form_cookie,
        form_csrf_token=fields["csrfmiddlewaretoken"],
        form_body=urlencode(fields),
        queries=len(queries.captured_queries),
    )


def count_queries(client, url, *, signed_in):
    """The SQL queries of one request for a page already rendered once (warm caches), after
    checking that it answers 200 to a reader in the state the bench says."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, secure=True)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    shown_signed_in = SIGNED_IN_MARK in response.content
    assert shown_signed_in == signed_in, f"{url} is not {'signed in' if signed_in else 'anonymous'}"
    return len(queries.captured_queries)


def query_counts(urls, signin):
    """{page name: (queries signed out, queries signed in)} for each of `urls`."""
    from django.conf import settings

    signed_out, signed_in = web_client(uncached=True), web_client()
    signed_in.cookies[settings.SESSION_COOKIE_NAME] = signin.session
    signed_in.cookies[settings.CSRF_COOKIE_NAME] = signin.csrf_cookie
    return {
        name: (
            count_queries(signed_out, url, signed_in=False),
            count_queries(signed_in, url, signed_in=True),
        )
        for name, url in urls.items()
    }


def password_hasher(email):
    """The hasher that signs people in: production's first, and the one the account's hash
    was made with (they differ until the hash is upgraded at a sign-in)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import get_hasher, identify_hasher

    default = get_hasher("default")
    stored = identify_hasher(get_user_model().objects.get(email=email).password)
    rounds = getattr(default, "iterations", None) or getattr(default, "time_cost", None)
    cost = f", {rounds:,} {'iterations' if hasattr(default, 'iterations') else 'passes'}"
    cost = cost if rounds else ""
    return f"{default.algorithm}{cost} (the stakeholder's hash: {stored.algorithm})"


# --- Serving and loading ------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env, log):
    """gunicorn serving the site on a free loopback port until the block ends; yields its
    base URL. It runs in its own process group, stopped (and killed if it lingers) at the end."""
    port = free_port()
    with log.open("a") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "hub.wsgi:application",
                f"--workers={WORKERS}",
                f"--bind={HOST}:{port}",
                "--worker-class=sync",
                "--no-control-socket",  # not needed, and shared by every gunicorn of this user
            ],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://{HOST}:{port}"
        wait_until_serving(server, base + TRIVIAL_URL, log)
        yield base
    finally:
        stop(server)


def fetch(url, headers, timeout=120):
    """One GET with these headers; its status, or 0 if the server did not answer."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def wait_until_serving(server, url, log, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
        if fetch(url, PROXY_HEADERS, timeout=5) == 200:
            return
        time.sleep(0.5)
    sys.exit(f"gunicorn did not answer {url} in {timeout} s:\n{log.read_text()[-3000:]}")


def stop(server):
    """gunicorn's quick shutdown (SIGINT): requests still queued from wrk need no answer."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@dataclass
class Load:
    """One wrk run's figures."""

    requests: int
    rps: float
    p95_ms: float
    p99_ms: float
    errors: int  # failed connections, reads, writes, timeouts and statuses of 400 and over
    matched: int  # responses with the expected status, when one was given


def parse_wrk(output):
    """The figures of the "BENCH key=value ..." line that wrk_report.lua prints."""
    line = next((row for row in output.splitlines() if row.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no BENCH line:\n{output}")
    values = dict(pair.split("=", 1) for pair in line.split()[1:])
    return Load(
        requests=int(values["requests"]),
        rps=float(values["rps"]),
        p95_ms=float(values["p95_ms"]),
        p99_ms=float(values["p99_ms"]),
        errors=sum(int(value) for key, value in values.items() if key.startswith("errors_")),
        matched=int(values["matched"]),
    )


def run_wrk(url, *, seconds, connections, threads=1, headers=None, body=None, expect=None):
    """Load `url` for `seconds` over `connections` connections; a body makes it a form POST."""
    env = {**os.environ, "BENCH_METHOD": "POST" if body else "GET", "BENCH_BODY": body or ""}
    headers = dict(headers or {})
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    command = [
        "wrk",
        f"--threads={min(threads, connections)}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=60s",
        f"--script={LUA_SCRIPT}",
        *(option for name, value in headers.items() for option in ("--header", f"{name}: {value}")),
        url,
    ]
    if expect:
        command += ["--", f"expect={expect}"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


def ensure_wrk():
    """Install wrk with apt-get if it is missing, as the Makefile installs system packages."""
    if shutil.which("wrk"):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("Installing wrk with apt-get ...", flush=True)
    apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=apt)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=apt)


# --- The report ---------------------------------------------------------------------------


def share(value, baseline):
    return value / baseline if baseline else float("nan")


def machine():
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"{os.cpu_count()} cores ({cpu}), load average {load} at the start"


def load_row(label, state, load, baseline, queries, target, verdict):
    return (
        f"| {label} | {state} | {load.requests:,} | {load.rps:,.1f} "
        f"| {share(load.rps, baseline.rps):.3f} "
        f"| {load.p95_ms:,.0f} | {share(load.p95_ms, baseline.p95_ms):.1f} "
        f"| {load.p99_ms:,.0f} | {share(load.p99_ms, baseline.p99_ms):.1f} "
        f"| {queries} | {target} | {verdict} |"
    )


def verdict(met, note=""):
    return ("yes" if met else "**no**") + (f" ({note})" if note else "")


def report(*, results, counts, baseline, trivial_runs, signin, signin_load, hasher, options):
    """The Markdown table and the lines around it."""
    lines = [
        f"Pages under gunicorn ({WORKERS} sync workers, production settings, SQLite), "
        f"{options.connections} connections over loopback, {options.duration} s a page; "
        f"{datetime.date.today():%d %B %Y}, {options.machine}.",
        "",
        f"Trivial view `{TRIVIAL_URL}`: "
        + " and ".join(f"{run.rps:,.0f}" for run in trivial_runs)
        + f" requests/s (before and after the pages); baseline {baseline.rps:,.0f} requests/s, "
        f"p95 {baseline.p95_ms:.0f} ms, p99 {baseline.p99_ms:.0f} ms. "
        "Requests/s as a share of the trivial view's, latencies as multiples of its latencies; "
        "requests: how many each figure comes from (a p99 of a few dozen is their slowest).",
        "",
        "| page | signed in | requests | req/s | share of trivial | p95 ms | x trivial "
        "| p99 ms | x trivial | SQL queries | target | met |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, (label, target) in PAGES.items():
        if (name, False) not in results:
            continue
        out, signed = results[name, False], results[name, True]
        out_queries, in_queries = counts[name]
        met = share(out.rps, baseline.rps) >= target
        lines.append(
            load_row(label, "no", out, baseline, out_queries, f"≥ {target} x trivial", verdict(met))
        )
        slowdown = share(out.rps, signed.rps)
        lines.append(
            load_row(
                label,
                "yes",
                signed,
                baseline,
                in_queries,
                f"≤ {SIGNED_IN_SLOWDOWN} x signed out",
                verdict(slowdown <= SIGNED_IN_SLOWDOWN, f"{slowdown:.2f} x"),
            )
        )
    if ("section-cached", False) in results:
        cached = results["section-cached", False]
        lines.append(
            load_row(
                "section from the anonymous page cache",
                "no",
                cached,
                baseline,
                0,
                f"≥ {CACHED_SECTION_SHARE} x trivial",
                verdict(share(cached.rps, baseline.rps) >= CACHED_SECTION_SHARE),
            )
        )
    lines.append(
        load_row(
            "sign-in (allauth's form, POST)",
            "—",
            signin_load,
            baseline,
            signin.queries,
            "none; compare before and after",
            f"{signin_load.matched:,} of {signin_load.requests:,} signed in",
        )
    )
    lines += ["", f"Password hasher: {hasher}."]
    failed = {key: load.errors for key, load in results.items() if load.errors}
    if failed or signin_load.matched < signin_load.requests:
        lines.append(
            "Errors (failed requests or statuses of 400 and over, which make the figures "
            f"meaningless): {failed}; sign-ins that failed: "
            f"{signin_load.requests - signin_load.matched}."
        )
    return "\n".join(lines)


# --- The run ------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk's threads")
    parser.add_argument(
        "--pages",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        default=list(PAGES),
        help=f"comma-separated, of: {', '.join(PAGES)}",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: one second a page")
    options = parser.parse_args(argv)
    unknown = set(options.pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    if options.quick:
        options.duration = 1
    options.machine = machine()  # now, for the load average before the bench adds its own
    return options


def leave_on_signal(signum, frame):
    # Unwind through the `with` blocks, so gunicorn stops and the folder goes.
    raise SystemExit(128 + signum)


def settings_env(folder):
    """The environment of production settings (through bench/settings.py) on this run's
    throwaway database, for gunicorn and for this process alike."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": HOST,
        "DEBUG": "off",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "BENCH_STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "LOG_LEVEL": "WARNING",
        # Shared by gunicorn's workers, as Redis is in production (rate limits, page cache).
        "CACHE_URL": f"file://{folder / 'cache'}",
    }


@contextlib.contextmanager
def stage(text):
    """Say what the bench is doing, and how long it took."""
    print(f"{text} ...", end=" ", flush=True)
    start = time.monotonic()
    yield
    print(f"{time.monotonic() - start:.0f} s", flush=True)


def prepare_site(folder, env, names):
    """The database, static files, the stakeholder's session and the query counts of the
    pages named, made in this process with the production settings gunicorn will use."""
    with stage("Migrating and loading the demo with the dev settings"):
        load_demo_database(env, folder / "load.log")
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from hub.accounts.demo import DEMO_PASSWORD

    with stage("Collecting static files"):
        call_command("collectstatic", interactive=False, verbosity=0)
    with stage(f"Adding {BUSY_COMMENTS:,} comments and a conversation, signing in"):
        conversation = add_bench_content()
        signin = sign_in(STAKEHOLDER, DEMO_PASSWORD)
    urls = page_urls(conversation)
    with stage("Counting queries in-process"):
        counts = query_counts({name: urls[name] for name in names}, signin)
    hasher = password_hasher(STAKEHOLDER)
    connection.close()  # gunicorn's workers have the database to themselves
    return urls, counts, signin, hasher


def measure_pages(base, urls, names, signin, options):
    """wrk's figures for the trivial view (before and after the pages), each page signed out
    and signed in, and sign-ins."""
    from django.conf import settings

    session, csrf = settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME
    cookie = f"{session}={signin.session}; {csrf}={signin.csrf_cookie}"
    states = {
        False: {**PROXY_HEADERS, **UNCACHED_HEADERS},
        True: {**PROXY_HEADERS, "Cookie": cookie},
    }

    def load(path, headers, seconds=options.duration, **extra):
        url = base + path
        if not extra:  # let both workers compile the templates and fill their caches
            for _ in range(2 * WORKERS):
                fetch(url, headers)
        figures = run_wrk(
            url,
            seconds=seconds,
            connections=options.connections,
            threads=options.threads,
            headers=headers,
            **extra,
        )
        # wrk leaves requests queued when it stops: wait for them, so the next run starts
        # with idle workers.
        fetch(base + TRIVIAL_URL, PROXY_HEADERS)
        return figures

    trivial_before = load(TRIVIAL_URL, states[False])
    results = {}
    for name in names:
        for signed_in, headers in states.items():
            print(f"  {name}, {'signed in' if signed_in else 'signed out'} ...", flush=True)
            results[name, signed_in] = load(urls[name], headers)
    if "section" in names:
        print("  section, signed out, from the page cache ...", flush=True)
        results["section-cached", False] = load(urls["section"], PROXY_HEADERS)
    trivial_after = load(TRIVIAL_URL, states[False])
    print("  sign-ins ...", flush=True)
    form_headers = {
        **PROXY_HEADERS,
        "Cookie": f"{csrf}={signin.form_csrf_cookie}",
        "Origin": "https://" + base.split("://", 1)[1],  # the host and port wrk sends
    }
    # A sign-in takes a good part of a second of hashing: give them long enough to count.
    signin_load = load(
        "/accounts/login/",
        form_headers,
        seconds=max(2 * options.duration, 10),
        body=signin.form_body,
        expect=302,
    )
    return results, (trivial_before, trivial_after), signin_load


def main(argv=None):
    options = parse_args(argv)
    ensure_wrk()
    signal.signal(signal.SIGTERM, leave_on_signal)
    signal.signal(signal.SIGHUP, leave_on_signal)
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as name:
        folder = Path(name)
        env = settings_env(folder)
        urls, counts, signin, hasher = prepare_site(folder, env, options.pages)
        print(f"Serving with gunicorn, {options.connections} connections:", flush=True)
        with gunicorn(env, folder / "gunicorn.log") as base:
            results, trivial_runs, signin_load = measure_pages(
                base, urls, options.pages, signin, options
            )
    baseline = Load(
        requests=sum(run.requests for run in trivial_runs),
        rps=statistics.mean(run.rps for run in trivial_runs),
        p95_ms=statistics.mean(run.p95_ms for run in trivial_runs),
        p99_ms=statistics.mean(run.p99_ms for run in trivial_runs),
        errors=sum(run.errors for run in trivial_runs),
        matched=0,
    )
    print()
    print(
        report(
            results=results,
            counts=counts,
            baseline=baseline,
            trivial_runs=trivial_runs,
            signin=signin,
            signin_load=signin_load,
            hasher=hasher,
            options=options,
        )
    )


if __name__ == "__main__":
    main()
