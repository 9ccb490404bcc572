"""What the staff groups may do in the Wagtail admin, through HTTP: moderators moderate
comments and nothing else; editors write, publish and approve pages sent for moderation."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from wagtail.models import GroupApprovalTask, TaskState, Workflow

from hub.accounts import rules
from tests.support import factories
from tests.support.admin_forms import post_section_edit

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


def staff_member(*group_names):
    """A member of the named groups who has set up a second factor."""
    user = factories.ProfileFactory(user__is_staff=True).user
    user.groups.add(*Group.objects.filter(name__in=group_names))
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def refused(response):
    """Wagtail answers a refused admin view by sending the user to the dashboard."""
    return response.status_code == 302 and response.url == "/admin/"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/pages/{section}/edit/",
        "/admin/pages/add/pages/sectionpage/{strategy}/",
        "/admin/images/multiple/add/",
        "/admin/documents/multiple/add/",
    ],
)
def test_moderators_cannot_edit_pages_images_or_documents(client, site_tree, url):
    url = url.format(section=site_tree["section"].pk, strategy=site_tree["strategy"].pk)
    client.force_login(staff_member(rules.MODERATORS))
    assert client.get("/admin/").status_code == 200  # they still reach the admin
    assert refused(client.get(url))

    client.force_login(staff_member(rules.EDITORS))
    assert client.get(url).status_code == 200


def test_editors_approve_the_default_workflow(site_tree):
    section = site_tree["section"]
    workflow = section.get_workflow()
    assert workflow == Workflow.objects.get(name="Editors approval")
    tasks = [task.specific for task in workflow.tasks]
    assert [type(task) for task in tasks] == [GroupApprovalTask]
    assert [group.name for group in tasks[0].groups.all()] == [rules.EDITORS]


def _submit_for_moderation(client, section):
    paragraphs = [
        (block.id, block.value.source.replace("paragraph", "paragraph, revised"))
        for block in section.body
    ]
    post_section_edit(client, section, paragraphs, action="submit")


def test_an_editor_approves_a_page_another_editor_submitted(client, site_tree):
    section = site_tree["section"]
    client.force_login(staff_member(rules.EDITORS))
    _submit_for_moderation(client, section)
    task_state = TaskState.objects.get(status=TaskState.STATUS_IN_PROGRESS)
    approve = f"/admin/pages/workflow/action/{section.pk}/approve/{task_state.pk}/"

    client.force_login(staff_member(rules.MODERATORS))
    assert refused(client.post(approve, {"comment": ""}))
    section.refresh_from_db()
    assert "revised" not in section.body[0].value.source

    client.force_login(staff_member(rules.EDITORS))
    response = client.post(approve, {"comment": "Reads well."})
    assert response.status_code == 302
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED
    section.refresh_from_db()
    assert "First paragraph, revised." in section.body[0].value.source
    assert len(section.published_versions()) == 2
