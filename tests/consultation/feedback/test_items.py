"""Every contribution has one feedback item, kept in step with it through HTTP: posting a
comment, a reply or a discussion post, editing, a moderator's decisions, withdrawal and the
retention purge; the item's rules (one source, the normalised-text hash, what counts in the
analysis); and the data migration that made items for what was written before."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from consultation.feedback.models import FeedbackItem, SourceKind, text_hash
from consultation.imports.models import ImportBatch, ImportedResponse
from consultation.models import Comment, Status
from hub.accounts.models import Region, Sector
from tests.support.consultation_factories import paragraph_ids
from tests.support.questionnaire_factories import answered, questionnaire_on

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]


def form_url(consultation, section, paragraph_id=""):
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"
    return f"{url}?paragraph={paragraph_id}" if paragraph_id else url


def item_of(comment):
    return FeedbackItem.objects.get(comment=comment)


def posted(client, consultation, section, text, key, paragraph_id=""):
    response = client.post(
        form_url(consultation, section, paragraph_id), {"body": text, "key": key}
    )
    assert response.status_code == 302, response.content.decode()
    return Comment.objects.get(idempotency_key=key)


def test_a_comment_becomes_one_item_with_its_place_and_facets(
    client, section, consultation, stakeholder
):
    profile = stakeholder.profile
    profile.sector, profile.region, profile.organisation = (
        Sector.PATIENT_CARER, Region.WALES, "Carers Cymru",
    )  # fmt: skip
    profile.save()
    client.force_login(stakeholder)
    pid = paragraph_ids(section)[0]
    comment = posted(client, consultation, section, "We need **carers'** views, too!", "c1", pid)

    item = item_of(comment)
    assert item.source_kind == SourceKind.COMMENT
    assert (item.consultation, item.section, item.paragraph_id) == (consultation, section, pid)
    assert item.revision_id == comment.revision_id == section.live_revision_id
    assert item.text == "We need **carers'** views, too!"
    assert item.text_hash == text_hash("we need carers views too")
    assert (item.author_sector, item.author_region, item.author_organisation) == (
        "patient_carer", "wales", "Carers Cymru",
    )  # fmt: skip
    assert item.author == stakeholder and item.created_at == comment.created_at
    assert (item.moderation_state, item.in_analysis, item.needs_indexing) == (
        "published", True, True,
    )  # fmt: skip

    # The facets are what the author said then: a later profile change leaves them.
    profile.sector = Sector.INDUSTRY
    profile.save()
    client.post(f"/consultation/comments/{comment.pk}/edit/", {"body": "Carers' views."})
    assert item_of(comment).author_sector == "patient_carer"

    # A second submission of the same form makes no second item.
    client.post(form_url(consultation, section, pid), {"body": "Again", "key": "c1"})
    assert FeedbackItem.objects.count() == 1


def test_replies_and_discussion_posts_become_items(client, topic, stakeholder, other_stakeholder):
    slug = topic.consultation.slug
    client.force_login(stakeholder)
    client.post(
        f"/consultation/{slug}/discussion/{topic.pk}/new/",
        {"title": "Consent for data use", "body": "Should consent be opt-in?", "key": "t"},
    )
    thread = Comment.objects.get()
    client.force_login(other_stakeholder)
    client.post(f"/consultation/comments/{thread.pk}/reply/", {"body": "Yes.", "key": "r"})
    reply = Comment.objects.get(parent=thread)

    post_item, reply_item = item_of(thread), item_of(reply)
    assert post_item.source_kind == SourceKind.POST and reply_item.source_kind == SourceKind.REPLY
    assert post_item.text == "Consent for data use\n\nShould consent be opt-in?"
    assert reply_item.text == "Yes." and reply_item.author == other_stakeholder
    assert post_item.section is None and post_item.consultation == topic.consultation


def test_an_edit_changes_the_item_text_and_hash(client, section, consultation, stakeholder):
    client.force_login(stakeholder)
    comment = posted(client, consultation, section, "First words", "e1")
    FeedbackItem.objects.update(needs_indexing=False)  # as if the search engine had it
    response = client.post(f"/consultation/comments/{comment.pk}/edit/", {"body": "Second words"})
    assert response.status_code == 302
    item = item_of(comment)
    assert item.text == "Second words" and item.text_hash == text_hash("second words")
    assert item.needs_indexing
    assert FeedbackItem.objects.count() == 1


def test_moderation_decisions_follow_the_item(
    client, section, consultation, stakeholder, moderator
):
    consultation.moderation = "pre"
    consultation.save()
    client.force_login(stakeholder)
    spam = posted(client, consultation, section, "Buy cheap pills", "s1")
    fair = posted(client, consultation, section, "A fair point", "f1")
    assert item_of(spam).moderation_state == Status.PENDING and item_of(spam).in_analysis

    client.force_login(moderator)
    url = "/consultation/moderation/items/{}/"
    client.post(url.format(spam.pk), {"action": "reject", "reason": "Advertising"})
    client.post(url.format(fair.pk), {"action": "approve"})
    rejected, approved = item_of(spam), item_of(fair)
    assert (rejected.moderation_state, rejected.in_analysis) == ("rejected", False)
    assert (approved.moderation_state, approved.in_analysis) == ("published", True)

    client.post(url.format(fair.pk), {"action": "hide", "reason": "Names a patient"})
    hidden = item_of(fair)
    assert (hidden.moderation_state, hidden.in_analysis) == ("hidden", True)

    # A rejection overturned on review counts again.
    client.post(url.format(spam.pk), {"action": "approve"})
    assert item_of(spam).in_analysis


def test_withdrawal_and_the_retention_purge_follow_the_item(
    client, section, consultation, stakeholder, settings
):
    settings.CONSULTATION_WITHDRAWN_RETENTION_DAYS = 30
    client.force_login(stakeholder)
    comment = posted(client, consultation, section, "I take this back later", "w1")
    assert client.post(comment.withdraw_url).status_code == 302
    item = item_of(comment)
    assert (item.moderation_state, item.in_analysis) == ("withdrawn", False)
    assert item.text == "I take this back later"  # kept, like the comment, until the purge

    Comment.objects.filter(pk=comment.pk).update(
        withdrawn_at=timezone.now() - datetime.timedelta(days=31)
    )
    call_command("purge_withdrawn", stdout=io.StringIO())
    item = item_of(comment)
    assert (item.text, item.text_hash, item.in_analysis) == ("", text_hash(""), False)


@pytest.mark.parametrize(
    ("fields", "allowed"),
    [
        ({"source_kind": "comment"}, True),
        ({"source_kind": "comment", "answer_source_id": 7}, False),
        ({"source_kind": "answer", "answer_source_id": 7}, False),  # the comment as well
        ({"source_kind": "imported"}, False),
    ],
)
def test_an_item_points_at_exactly_one_source(
    client, section, consultation, stakeholder, fields, allowed
):
    client.force_login(stakeholder)
    comment = posted(client, consultation, section, "One source", "o1")
    FeedbackItem.objects.all().delete()
    item = FeedbackItem(
        consultation=consultation, comment=comment, text="x", text_hash=text_hash("x"),
        created_at=timezone.now(), moderation_state="published", **fields,
    )  # fmt: skip
    if allowed:
        item.save()
        return
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()


def test_an_answer_or_import_can_be_an_item_without_a_comment(consultation, stakeholder):
    # The sources are real now: a questionnaire's answer (of a draft, which has no item
    # yet) and an imported response (consultation.imports).
    draft = answered(questionnaire_on(consultation), stakeholder, text="Typed", submit=False)
    answer = draft.answers.exclude(text="").get()
    batch = ImportBatch.objects.create(
        consultation=consultation, channel="csv", file_format="csv", file_name="f.csv",
        file_size=1,
    )  # fmt: skip
    response = ImportedResponse.objects.create(
        batch=batch, consultation=consultation, key="id:1", row_number=2, content_hash="0" * 64
    )
    for kind, source in (
        ("answer", {"answer_source": answer}),
        ("imported", {"import_source": response}),
    ):
        FeedbackItem.objects.create(
            consultation=consultation, source_kind=kind, text="From a form",
            text_hash=text_hash("From a form"), created_at=timezone.now(),
            moderation_state="published", **source,
        )  # fmt: skip
    assert FeedbackItem.objects.filter(comment__isnull=True).count() == 2


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("Yes, I agree!", "yes i  agree", True),
        ("Café\u00a0SOCIAL care.", "café social care", True),
        ("ﬁne", "fine", True),  # NFKC
        ("I agree", "I disagree", False),
        ("", "   ", True),
    ],
)
def test_the_text_hash_ignores_case_spacing_and_punctuation(one, other, same):
    assert (text_hash(one) == text_hash(other)) is same
