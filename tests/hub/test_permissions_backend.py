"""The authentication backend reads a person's permissions (their own and their groups')
in one query, with the answers Django's ModelBackend gives."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support import factories

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as a new request loads them: nothing remembered on the object."""
    return get_user_model().objects.get(pk=user.pk)


def test_permissions_come_from_the_person_and_their_groups_in_one_query():
    user = factories.ProfileFactory().user
    user.user_permissions.add(Permission.objects.get(codename="add_group"))
    group = Group.objects.create(name="Admin readers")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    user = fresh(user)
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm("auth.add_group")
        assert user.has_perm("wagtailadmin.access_admin")
        assert not user.has_perm("auth.delete_group")
        assert user.get_all_permissions() == {"auth.add_group", "wagtailadmin.access_admin"}
    assert len(queries) == 1


def test_no_permission_for_others_the_inactive_or_per_object():
    user = factories.ProfileFactory().user
    group = Group.objects.create(name="Admin readers")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    factories.ProfileFactory().user.groups.add(group)  # someone else's group
    assert not fresh(user).has_perm("wagtailadmin.access_admin")
    user.groups.add(group)
    assert fresh(user).has_perm("wagtailadmin.access_admin")
    assert not fresh(user).has_perm("wagtailadmin.access_admin", obj=group)
    user.is_active = False
    user.save()
    assert not fresh(user).has_perm("wagtailadmin.access_admin")


def test_a_superuser_has_every_permission():
    user = factories.ProfileFactory().user
    user.is_superuser = True
    user.save()
    assert fresh(user).get_all_permissions() >= {"auth.delete_group", "wagtailadmin.access_admin"}
