"""Moderators moderate what stakeholders write, not pages, images or documents.

Wagtail's own migrations give its "Moderators" group add and change rights on images and
documents in the root collection, and make it the approver of the default "Moderators
approval" workflow on the root page, where nobody in it may publish: pages that editors
submit for moderation would wait for ever. Here the Editors, who publish, approve them."""

from django.db import migrations

NO_CONTENT_RIGHTS = ["Moderators", "Working group"]
RENAMES = {"Moderators approval": "Editors approval"}


def editors_approve_pages(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")

    GroupCollectionPermission.objects.filter(group__name__in=NO_CONTENT_RIGHTS).delete()
    GroupPagePermission.objects.filter(group__name__in=NO_CONTENT_RIGHTS).delete()

    moderators = Group.objects.filter(name="Moderators").first()
    editors = Group.objects.filter(name="Editors").first()
    if moderators is None or editors is None:
        return
    for task in GroupApprovalTask.objects.filter(groups=moderators):
        task.groups.remove(moderators)
        task.groups.add(editors)
        if task.name in RENAMES:
            task.name = RENAMES[task.name]
            task.save(update_fields=["name"])
    for workflow in Workflow.objects.filter(name__in=RENAMES):
        workflow.name = RENAMES[workflow.name]
        workflow.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_groups"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(editors_approve_pages, migrations.RunPython.noop)]
