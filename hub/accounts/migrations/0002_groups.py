"""Create the staff groups with the permissions they need. Each app adds the permissions
of its own models to these groups in its own migrations."""

from django.db import migrations

GROUPS = ["Editors", "Working group", "Moderators"]

EDITOR_MODEL_PERMISSIONS = {
    ("pages", "workinggroupmember"): ["add", "change", "delete", "view"],
    ("wagtaildocs", "document"): ["add", "change", "delete", "choose"],
    ("wagtailimages", "image"): ["add", "change", "delete", "choose"],
    ("wagtailsearchpromotions", "query"): ["add", "change", "delete"],
}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in GROUPS}
    # Wagtail's own migrations create "Editors" and "Moderators" groups that may publish
    # pages. Here moderators moderate what stakeholders write, not the strategy: they and
    # the working group get no page permissions; apps add what their models need.
    for name in ["Moderators", "Working group"]:
        GroupPagePermission.objects.filter(group=groups[name]).delete()
        groups[name].permissions.clear()
    admin_access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for group in groups.values():
        group.permissions.add(admin_access)

    editors = groups["Editors"]
    for (app_label, model), actions in EDITOR_MODEL_PERMISSIONS.items():
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        if content_type is None:
            continue
        codenames = [f"{action}_{model}" for action in actions]
        editors.permissions.add(
            *Permission.objects.filter(content_type=content_type, codename__in=codenames)
        )

    root = Page.objects.filter(depth=1).first()
    if root is not None:
        page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
        for action in ["add", "change", "publish", "lock", "unlock"]:
            permission = Permission.objects.get(content_type=page_type, codename=f"{action}_page")
            GroupPagePermission.objects.get_or_create(group=editors, page=root, permission=permission)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("pages", "0001_initial"),
        ("wagtailcore", "0091_remove_revision_submitted_for_moderation"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
