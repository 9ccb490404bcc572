"""Give the staff groups the consultation permissions: Editors manage consultations (the
Wagtail snippet); Moderators and the Working group moderate and block."""

from django.db import migrations

GRANTS = {
    "Editors": {
        "consultation": ["add_consultation", "change_consultation", "delete_consultation", "view_consultation"],
    },
    "Moderators": {"comment": ["moderate_comment", "block_participant", "view_comment"]},
    "Working group": {
        "comment": ["moderate_comment", "block_participant", "view_comment"],
        "consultation": ["view_consultation"],
    },
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("consultation")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, models in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for model, codenames in models.items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="consultation",
                    content_type__model=model,
                    codename__in=codenames,
                )
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, models in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for model, codenames in models.items():
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="consultation",
                    content_type__model=model,
                    codename__in=codenames,
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0001_initial"),
        ("accounts", "0002_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
