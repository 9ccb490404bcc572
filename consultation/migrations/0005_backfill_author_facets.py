"""Fill the author facets of comments written before they were recorded, from the
authors' profiles as they are now (the best record there is). Comments whose author has
no profile or no account any more keep them blank."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    Comment = apps.get_model("consultation", "Comment")
    Profile = apps.get_model("accounts", "Profile")
    profile = Profile.objects.filter(user_id=OuterRef("author_id"))
    Comment.objects.filter(author__profile__isnull=False, author_sector="").update(
        author_sector=Subquery(profile.values("sector")[:1]),
        author_region=Subquery(profile.values("region")[:1]),
        author_organisation=Subquery(profile.values("organisation")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_groups"),
        ("consultation", "0004_comment_author_facets_open_flags"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
