"""Signing a browser in: the test client signs the person in, and the browser gets its
session cookie for the live server."""


def signed_in(context_page, client, live_server, user):
    client.force_login(user)
    context_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context_page
