"""Authentication backend: allauth's (sign-in by email), fetching the signed-in user with
their profile so that the header, rules and public names cost no extra query per page, and
their permissions in one query instead of two (the header asks on every page whether to
link to the admin); both kept between requests in the person's cache entry
(hub.accounts.user_facts) until the account, the profile, their groups or permissions
change, so a signed-in page asks no query for who is reading it."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import Q

from hub.accounts.user_facts import remembered, signed_in_user


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user_id = user_model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        with_profile = user_model._default_manager.select_related("profile")
        user = signed_in_user(user_id, lambda: with_profile.filter(pk=user_id).first())
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """What Django's ModelBackend gives (the user's own permissions and their groups',
        every permission for a superuser, none for the inactive or anonymous, none per
        object), read with one query and kept on the user object for the request."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set(
                remembered(user_obj, "permissions", lambda: _read_permissions(user_obj))
            )
        return user_obj._perm_cache


def _read_permissions(user):
    permissions = Permission.objects.all()
    if not user.is_superuser:
        permissions = permissions.filter(Q(user=user) | Q(group__user=user))
    rows = permissions.values_list("content_type__app_label", "codename").order_by()
    return frozenset(f"{app_label}.{codename}" for app_label, codename in rows)
