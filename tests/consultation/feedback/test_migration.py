"""The data migration gives every comment, reply and discussion post written before feedback
items existed its item, made as the services make them."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from consultation.feedback.models import FeedbackItem, text_hash
from consultation.search import run
from consultation.search.types import FeedbackQuery


def _migrate(targets):
    """Migrate to `targets`; the models as the applied migrations leave them."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor._create_project_state(with_applied_migrations=True).apps


@pytest.mark.django_db(transaction=True)
def test_existing_comments_and_posts_get_their_items(settings):
    settings.ELASTICSEARCH_URL = None
    apps = _migrate([("feedback", None)])
    User = apps.get_model("accounts", "User")
    Consultation = apps.get_model("consultation", "Consultation")
    Topic = apps.get_model("consultation", "Topic")
    Comment = apps.get_model("consultation", "Comment")
    now = timezone.now()
    author = User.objects.create(email="author@example.org")
    consultation = Consultation.objects.create(
        title="Old", slug="old", opens_at=now, closes_at=now + datetime.timedelta(days=1)
    )
    topic = Topic.objects.create(consultation=consultation, title="Topic")
    words = {"author": author, "consultation": consultation, "kind": "post", "topic": topic}
    post = Comment.objects.create(
        **words, title="A thread", text="Opening words", body="<p>Opening words</p>",
        created_at=now, author_sector="charity", author_region="wales",
        author_is_organisation=True,
    )  # fmt: skip
    reply = Comment.objects.create(
        **words, text="A reply", body="<p>A reply</p>", parent=post, root=post, depth=1,
        created_at=now, status="rejected",
    )  # fmt: skip
    gone = Comment.objects.create(
        **words, body="", status="withdrawn", created_at=now, purged_at=now
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    items = {item.comment_id: item for item in FeedbackItem.objects.all()}
    assert set(items) == {post.pk, reply.pk, gone.pk}
    first = items[post.pk]
    assert (first.source_kind, first.text, first.text_hash) == (
        "post", "A thread\n\nOpening words", text_hash("a thread opening words"),
    )  # fmt: skip
    assert (first.author_sector, first.author_region, first.respondent_type) == (
        "charity", "wales", "organisation",
    )  # fmt: skip
    assert (first.consultation_id, first.created_at, first.in_analysis) == (
        consultation.pk, now, True,
    )  # fmt: skip
    assert (items[reply.pk].source_kind, items[reply.pk].in_analysis) == ("reply", False)
    assert (items[gone.pk].text, items[gone.pk].in_analysis) == ("", False)

    # The search index and the facet values cover the items made by the migration.
    results = run(FeedbackQuery(text="opening", filters={"sector": ["charity"]}))
    assert [hit.item_id for hit in results.hits] == [first.pk]
    assert results.facet("respondent_type").values[0].value == "organisation"
    assert run(FeedbackQuery(filters={"in_analysis": ["false"]})).total == 2
