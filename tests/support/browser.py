"""Signing a browser in: the test client signs the person in, and the browser gets its
session cookie for the live server. And a live server of a module's own, for browser tests
that share one set of rows."""

import threading
from contextlib import contextmanager

from django.db import connection
from pytest_django.live_server_helper import LiveServer


def signed_in(context_page, client, live_server, user):
    client.force_login(user)
    context_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context_page


def shares_the_test_connection():
    """Whether a live server answers from the tests' own connection: on SQLite's in-memory
    test database it does (there is no other way to reach that database), so it sees rows
    a test has not committed."""
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@contextmanager
def live_server_of_the_module():
    """A live server for the rows a module makes once (tests/support/shared_rows.py), which
    it can serve only where `shares_the_test_connection()`; yields its address.
    pytest-django's `live_server` cannot serve them: it empties the database after each
    test."""
    earlier = set(threading.enumerate())
    server = LiveServer("localhost")
    try:
        yield server.url
    finally:
        server.thread.terminate()
        # Its requests still being closed (the browser's kept-alive connections) use the
        # shared connection until they end: it stays shared until then.
        for thread in set(threading.enumerate()) - earlier:
            if thread.name.endswith("(process_request_thread)"):
                thread.join(timeout=5)
        for shared in server.thread.connections_override.values():
            shared.dec_thread_sharing()
