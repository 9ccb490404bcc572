"""Query counts that do not grow with the number of comments, a double click stored once,
and (on PostgreSQL) many people posting at the same moment losing nothing, and the same
reaction or withdrawal sent several times at once ending as if sent once."""

import re
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import builders
from consultation.models import Comment, Reaction, Status
from hub.core.page_cache import site_changed
from tests.support import factories
from tests.support.consultation_factories import paragraph_ids

pytestmark = pytest.mark.django_db

# The whole page: navigation, breadcrumbs and evidence take about twenty of these; the
# comments about a dozen (consultation, counts, threads, replies, reactions, the reader's
# rights). What matters most is that the number is the same for 1 and 1,000 comments.
SECTION_PAGE_MAX_QUERIES = 45


def status_of(n):
    if n % 9 != 8:
        return Status.PUBLISHED
    return Status.WITHDRAWN if n % 2 else Status.HIDDEN


def bulk_comments(section, consultation, *, count, authors):
    """`count` comments spread over the paragraphs and the whole section, a third of them
    replies, a few withdrawn or hidden, with reactions: like a busy consultation."""
    texts = [f"Comment number {n} with **some** words." for n in range(count)]
    make = builders.comment_maker(section, consultation, authors, texts)
    roots_wanted = max(1, count * 2 // 3)
    roots = Comment.objects.bulk_create(make(n, status=status_of(n)) for n in range(roots_wanted))
    Comment.objects.bulk_create(
        make(
            n,
            status=status_of(n),
            place=roots[n % len(roots)].paragraph_id,
            parent=roots[n % len(roots)],
            root=roots[n % len(roots)],
            depth=1,
        )
        for n in range(count - roots_wanted)
    )
    Reaction.objects.bulk_create(
        Reaction(comment=root, user=authors[(n + 1) % len(authors)], value="agree")
        for n, root in enumerate(roots[:200])
    )
    # Saved in bulk, as no service saves them: no signal says so, so this does, as the
    # services do (pages keep a discussion's public rows for a generation).
    site_changed()


@pytest.fixture
def authors(db):
    return [factories.ProfileFactory().user for _ in range(12)]


def count_queries(client, url):
    client.get(url)  # warm per-process caches (site root, content types)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_section_page_queries_do_not_grow_with_comments(
    client, section, consultation, authors, stakeholder, signed_in, django_assert_max_num_queries
):
    if signed_in:
        client.force_login(stakeholder)
    bulk_comments(section, consultation, count=1, authors=authors)
    with_one = count_queries(client, section.url)
    bulk_comments(section, consultation, count=999, authors=authors)
    assert Comment.objects.count() == 1000
    with_many = count_queries(client, section.url)
    assert with_many == with_one
    with django_assert_max_num_queries(SECTION_PAGE_MAX_QUERIES):
        html = client.get(section.url).content.decode()
    counts = [int(count) for count in re.findall(r'data-hub-count="(\d+)"', html)]
    whole_section = Comment.objects.filter(paragraph_id="").count()
    assert sum(counts) + whole_section == 1000


def test_list_thread_and_queue_pages_do_not_grow_with_comments(
    client, section, consultation, authors, moderator
):
    client.force_login(moderator)
    pid = paragraph_ids(section)[0]
    bulk_comments(section, consultation, count=30, authors=authors)
    root = Comment.objects.filter(parent__isnull=True, paragraph_id=pid).first()
    urls = [
        f"/consultation/{consultation.slug}/sections/{section.pk}/comments/{pid}/",
        f"/consultation/{consultation.slug}/sections/{section.pk}/comments/{pid}/?order=agreed",
        f"/consultation/comments/{root.pk}/",
        "/consultation/moderation/?queue=hidden",
        consultation.get_absolute_url(),
    ]
    few = [count_queries(client, url) for url in urls]
    bulk_comments(section, consultation, count=500, authors=authors)
    many = [count_queries(client, url) for url in urls]
    assert many == few


def test_double_click_is_stored_once(client, section, consultation, stakeholder):
    client.force_login(stakeholder)
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"
    data = {"body": "Double click", "key": "one-form"}
    responses = [client.post(url, data, HTTP_X_HUB_FRAGMENT="1") for _ in range(3)]
    assert [r.status_code for r in responses] == [201, 201, 201]
    assert Comment.objects.count() == 1
    # Each answer shows the same stored comment.
    pk = Comment.objects.get().pk
    assert all(f'id="comment-{pk}"' in r.content.decode() for r in responses)


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent writes")
@pytest.mark.django_db(transaction=True)
def test_concurrent_posting_loses_nothing(site_tree):
    from django.test import Client

    from tests.support.consultation_factories import ConsultationFactory

    section = site_tree["section"]
    consultation = ConsultationFactory(slug="busy")
    consultation.sections.add(section)
    people = [factories.ProfileFactory().user for _ in range(12)]
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"
    barrier = threading.Barrier(len(people))
    errors = []

    def post(person, number):
        client = Client()
        client.force_login(person)
        barrier.wait()
        try:
            for attempt in range(3):
                data = {"body": f"Person {number} says {attempt}", "key": f"{number}-{attempt}"}
                response = client.post(url, data, REMOTE_ADDR=f"10.0.0.{number}")
                if response.status_code != 302:
                    errors.append((number, response.status_code))
                # The same form sent again (a double click racing the first) adds nothing.
                client.post(url, data, REMOTE_ADDR=f"10.0.0.{number}")
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(p, n)) for n, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Comment.objects.filter(consultation=consultation).count() == len(people) * 3


def run_together(count, request):
    """Call `request(client)` from `count` threads at the same moment, each with its own
    client and database connection; returns the status codes (500 for an exception)."""
    from django.test import Client

    barrier = threading.Barrier(count)
    codes = []

    def one():
        client = Client(raise_request_exception=False)
        try:
            response = request(client, barrier)
            codes.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


@pytest.fixture
def open_comment(site_tree):
    from tests.support.consultation_factories import ConsultationFactory, comment_on

    section = site_tree["section"]
    consultation = ConsultationFactory(slug="together")
    consultation.sections.add(section)
    return comment_on(section, consultation=consultation, body="<p>Agree with me.</p>")


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent writes")
@pytest.mark.django_db(transaction=True)
def test_the_same_reaction_sent_at_once_is_stored_once(open_comment):
    reader = factories.ProfileFactory().user
    url = f"/consultation/comments/{open_comment.pk}/react/"

    def react(wanted):
        def request(client, barrier):
            client.force_login(reader)
            barrier.wait()
            return client.post(url, {"reaction": wanted})

        return request

    assert run_together(8, react("agree")) == [302] * 8
    assert list(Reaction.objects.values_list("user", "value")) == [(reader.pk, "agree")]
    assert run_together(8, react("none")) == [302] * 8
    assert not Reaction.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent writes")
@pytest.mark.django_db(transaction=True)
def test_withdrawing_twice_at_once_is_not_an_error(open_comment):
    from hub.core.models import AuditEntry

    url = f"/consultation/comments/{open_comment.pk}/withdraw/"

    def withdraw(client, barrier):
        client.force_login(open_comment.author)
        barrier.wait()
        return client.post(url)

    assert run_together(6, withdraw) == [302] * 6
    open_comment.refresh_from_db()
    assert open_comment.status == Status.WITHDRAWN
    assert AuditEntry.objects.filter(action="withdraw", comment=open_comment).count() == 1
