"""Facts about a signed-in person that every page asks (their account row and profile, their
groups, their permissions, whether their email is verified, whether a moderator blocked
them), read from the database once and then kept in the default cache (Redis in
production) until one of them changes.

Each fact is asked through `remembered(user, name, compute)`: the first ask on a request
reads the person's entry from the cache (one cache read, kept on the user object for the
rest of the request, or until this process forgets someone); a fact the entry lacks is
computed and written back. Whatever changes a fact calls `forget(user_id)` (the receivers
in hub/accounts/apps.py and the apps that own other facts do, on every save, delete and
membership change), so a removed role or a new block counts from the very next request.

Why a token: the entry's key holds a random token kept under a second key, and `forget`
replaces the token, now and again once the transaction commits. A request that read the
old rows just before the change and writes its entry just after it writes under the old
token, which nobody reads again; a request that reads the new token reads rows committed
after the change. Deleting the entry instead would let that late write bring the old
facts back."""

import pickle
import secrets

from django.core.cache import cache
from django.db import transaction

# Long enough to save the queries for someone reading for a while, short enough that an
# entry missed by a change made outside the ORM's signals (a bulk update) does not live on.
TIMEOUT_SECONDS = 600

_ATTRIBUTE = "_hub_user_facts"

# How many times this process has forgotten someone. A user object holds its entry with the
# count it was read at and reads again when the count moved, so a request that changes a
# fact (a reaction given) and then renders it sees the change.
_forgotten_in_process = 0


def _token_key(user_id):
    return f"user-facts-token:{user_id}"


def _facts_key(user_id, token):
    return f"user-facts:{user_id}:{token}"


def _token(user_id):
    key = _token_key(user_id)
    token = cache.get(key)
    if token is None:
        cache.add(key, secrets.token_hex(8), TIMEOUT_SECONDS)
        token = cache.get(key)
    return token


def remembered(user, name, compute):
    """The fact `name` about the signed-in `user`: from their cache entry, or `compute()`
    (then kept). For the anonymous, or a user not saved, just `compute()`."""
    if not user.is_authenticated or user.pk is None:
        return compute()
    # request.user is a lazy wrapper, now set up: hold the entry on the user object itself
    # (where signed_in_user put it), not on the wrapper.
    user = getattr(user, "_wrapped", user)
    held = user.__dict__.get(_ATTRIBUTE)
    if held is None or held[0] != _forgotten_in_process:
        token = _token(user.pk)
        held = (_forgotten_in_process, token, cache.get(_facts_key(user.pk, token)) or {})
        user.__dict__[_ATTRIBUTE] = held
    _, token, facts = held
    if name not in facts:
        facts[name] = compute()
        if token is not None:
            cache.set(_facts_key(user.pk, token), facts, TIMEOUT_SECONDS)
    return facts[name]


def signed_in_user(user_id, read):
    """The user of a session: their row (with what `read()` joins to it, their profile) as
    kept in their entry, or `read()` (then kept); None when `read()` finds no one. Every save
    or delete of the user or their profile forgets it, so the session's check of the
    password and second factor (User.get_session_auth_hash) and `is_active` see a change
    from the very next request. Kept pickled, as read: what a request later sets on its user
    object never reaches the entry."""
    token = _token(user_id)
    key = _facts_key(user_id, token)
    facts = cache.get(key) or {}
    row = facts.get("user")
    if row is None:
        user = read()
        if user is None:
            return None
        facts["user"] = pickle.dumps(user, pickle.HIGHEST_PROTOCOL)
        if token is not None:
            cache.set(key, facts, TIMEOUT_SECONDS)
    else:
        user = pickle.loads(row)  # noqa: S301 - written above, by this code, from a row
    user.__dict__[_ATTRIBUTE] = (_forgotten_in_process, token, facts)
    return user


def _replace_tokens(user_ids):
    cache.set_many({_token_key(pk): secrets.token_hex(8) for pk in user_ids}, TIMEOUT_SECONDS)


def forget(*user_ids):
    """One of the facts about these people changed: their next request reads them again.
    Called inside the writing transaction, it also takes effect once that commits."""
    global _forgotten_in_process
    user_ids = {pk for pk in user_ids if pk is not None}
    if not user_ids:
        return
    _forgotten_in_process += 1
    _replace_tokens(user_ids)
    transaction.on_commit(lambda: _replace_tokens(user_ids))


def _forget_members_of(group_ids):
    from django.contrib.auth import get_user_model

    members = get_user_model().objects.filter(groups__in=group_ids).values_list("pk", flat=True)
    forget(*members)


def _user_saved_or_deleted(instance, **kwargs):
    forget(instance.pk)


def _owner_changed(instance, **kwargs):
    # An email address or a profile: the person it belongs to.
    forget(instance.user_id)


def _memberships_changed(sender, instance, action, reverse, pk_set, **kwargs):
    # user.groups.add(group) / group.user_set.add(user), and the same for permissions.
    if not action.startswith("post_") and action != "pre_clear":
        return
    if not reverse:
        forget(instance.pk)
    elif action == "pre_clear":
        forget(*instance.user_set.values_list("pk", flat=True))
    else:
        forget(*(pk_set or ()))


def _group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    # group.permissions.add(permission) / permission.group_set.add(group): the groups' people.
    if not action.startswith("post_") and action != "pre_clear":
        return
    if not reverse:
        _forget_members_of([instance.pk])
    elif action == "pre_clear":
        _forget_members_of(list(instance.group_set.values_list("pk", flat=True)))
    else:
        _forget_members_of(list(pk_set or ()))


def _group_deleted(instance, **kwargs):
    _forget_members_of([instance.pk])


def _permission_deleted(instance, **kwargs):
    from django.contrib.auth import get_user_model

    holders = (
        get_user_model().objects.filter(user_permissions=instance).values_list("pk", flat=True)
    )
    forget(*holders)
    _forget_members_of(list(instance.group_set.values_list("pk", flat=True)))


def connect_receivers():
    """Every change to a fact kept here forgets the people it concerns: saving or deleting
    a user, their profile or one of their email addresses, a change to their groups or
    permissions (either way round), a group or a permission deleted (Django deletes the rows
    linking them to people without a signal, so before). Apps that keep other facts connect
    their own (consultation: a block)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

    from hub.accounts.models import Profile

    user_model = get_user_model()
    for signal in (post_save, post_delete):
        signal.connect(_user_saved_or_deleted, sender=user_model, weak=False)
        for owned in (EmailAddress, Profile):
            signal.connect(_owner_changed, sender=owned, weak=False)
    for through in (user_model.groups.through, user_model.user_permissions.through):
        m2m_changed.connect(_memberships_changed, sender=through, weak=False)
    m2m_changed.connect(_group_permissions_changed, sender=Group.permissions.through, weak=False)
    pre_delete.connect(_group_deleted, sender=Group, weak=False)
    pre_delete.connect(_permission_deleted, sender=Permission, weak=False)
