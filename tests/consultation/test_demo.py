"""The consultation demo: an open consultation with a realistic spread of comments,
replies and reactions from stakeholders of several sectors, loaded once (the module's
`loaded_demo`, from an empty database) and loaded again to change nothing."""

import io

import pytest
from django.core.management import call_command

from consultation.feedback.models import FeedbackItem
from consultation.models import Comment, Consultation, Flag, Reaction, Topic
from consultation.synthesis.models import CampaignGroup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loaded_demo")]


def counts():
    models = (Consultation, Topic, Comment, Reaction, Flag, FeedbackItem)
    return tuple(model.objects.count() for model in models)


def test_demo_consultation_loads_once_and_reads_well(client):
    first = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first

    consultation = Consultation.objects.get(slug="draft-strategy")
    assert consultation.is_open()
    comments = Comment.objects.filter(consultation=consultation)
    assert comments.filter(kind="comment", parent__isnull=True).count() >= 20
    assert comments.filter(parent__isnull=False, kind="comment").count() >= 8
    assert comments.filter(depth=2).exists()  # a reply to a reply
    assert comments.filter(kind="post", parent__isnull=True).count() >= 3
    assert Reaction.objects.filter(value="agree").count() >= 30
    assert Reaction.objects.filter(value="disagree").exists()
    sectors = set(comments.values_list("author__profile__sector", flat=True))
    assert len(sectors) >= 7
    assert Flag.objects.filter(resolved_at__isnull=True).exists()
    # Every demo contribution is a feedback item, as the services make them; so are the
    # questionnaire's free-text answers and the imported responses.
    from_comments = FeedbackItem.objects.filter(comment__isnull=False)
    assert set(from_comments.values_list("comment_id", flat=True)) == set(
        comments.values_list("pk", flat=True)
    )
    assert FeedbackItem.objects.filter(source_kind="answer").exists()
    assert FeedbackItem.objects.filter(source_kind="imported").exists()
    # The demo's campaign letter is a campaign group; loading again kept it as it was.
    group = CampaignGroup.objects.get(consultation=consultation)
    assert group.number == 1 and group.size >= 5
    assert group.memberships.count() == group.size

    home = client.get("/").content.decode()
    assert consultation.title in home and "Closes in" in home
    introduction = consultation.sections.get(slug="introduction")
    page = client.get(introduction.url).content.decode()
    assert "made on <a href=" in page and "version 1" in page
    monitoring = consultation.sections.get(slug="ambition-1-monitoring-at-home")
    page = client.get(monitoring.url).content.decode()
    assert "Comments on text no longer in this version" in page
