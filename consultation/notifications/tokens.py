"""Signed links in emails, so that unsubscribing and confirming work without signing in.

Each purpose has its own salt (one per kind of email for unsubscribe links), so a token
made for one purpose is refused by every other. Tokens carry ids, never addresses."""

from dataclasses import dataclass

from django.core import signing

from consultation.notifications import conf
from consultation.notifications.models import Kind

CONFIRM_SALT = "notifications.subscription.confirm"
MAX_TOKEN_LENGTH = 400


def unsubscribe_salt(kind):
    return f"notifications.unsubscribe.{kind}"


@dataclass(frozen=True)
class TokenCheck:
    """What a token says: `payload` when valid, else `problem` ("expired" or "invalid")."""

    payload: dict | None = None
    problem: str = ""

    @property
    def valid(self):
        return self.payload is not None


def _read(token, *, salt, max_age, keys):
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return TokenCheck(problem="invalid")
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        return TokenCheck(problem="expired")
    except (signing.BadSignature, ValueError, UnicodeError):
        return TokenCheck(problem="invalid")
    if (
        not isinstance(payload, dict)
        or set(payload) != keys
        or not all(isinstance(payload[key], int) for key in keys)
    ):
        return TokenCheck(problem="invalid")
    return TokenCheck(payload=payload)


def unsubscribe_token(kind, *, user=None, subscriber=None):
    """The token for stopping one kind of email to a person (account) or an address."""
    payload = {"s": subscriber.pk} if kind == Kind.UPDATES else {"u": user.pk}
    return signing.dumps(payload, salt=unsubscribe_salt(kind))


def read_unsubscribe_token(kind, token):
    keys = {"s"} if kind == Kind.UPDATES else {"u"}
    return _read(
        token,
        salt=unsubscribe_salt(kind),
        max_age=conf.unsubscribe_max_age(),
        keys=keys,
    )


def confirmation_token(subscriber):
    return signing.dumps({"s": subscriber.pk}, salt=CONFIRM_SALT)


def read_confirmation_token(token):
    return _read(token, salt=CONFIRM_SALT, max_age=conf.confirmation_max_age(), keys={"s"})
