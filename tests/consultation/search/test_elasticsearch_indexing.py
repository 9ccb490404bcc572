"""Nothing lost when Elasticsearch is down: a comment posted while the engine cannot be
reached is saved, its item stays marked for indexing, and the pending run leaves it marked
until an engine accepts it. The engine here is a real unreachable one (a closed local
port), not a mock. The exact bulk actions are checked without a server; the live tests at
the end run only when ELASTICSEARCH_URL is set."""

import io
import os
import socket
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone

from consultation.feedback.models import DeletedItem, FeedbackItem, SourceKind
from consultation.imports import services as imports
from consultation.questionnaires.structure import questions_of
from consultation.search import indexing, tasks
from consultation.search.backends import elasticsearch as engine
from consultation.search.backends import extra_facets
from tests.support import synthesis_factories as coded
from tests.support.consultation_factories import comment_on, paragraph_ids
from tests.support.questionnaire_factories import answered, questionnaire_on

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]
LIVE_URL = os.environ.get("ELASTICSEARCH_URL", "")


def closed_port():
    """A local port nothing listens on: bound, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def engine_down(settings):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port()}"
    cache.delete(tasks.ENGINE_DOWN_KEY)
    return settings.ELASTICSEARCH_URL


def test_a_comment_posted_while_the_engine_is_down_is_saved_and_stays_marked(
    client, engine_down, section, consultation, stakeholder, django_capture_on_commit_callbacks
):
    client.force_login(stakeholder)
    pid = paragraph_ids(section)[0]
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/?paragraph={pid}"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"body": "Robots in every ward", "key": "down-1"})
    assert response.status_code == 302
    assert len(callbacks) >= 1  # the indexing task was enqueued after the commit, and ran
    item = FeedbackItem.objects.get(comment__idempotency_key="down-1")
    assert item.text == "Robots in every ward"
    assert item.needs_indexing is True
    assert cache.get(tasks.ENGINE_DOWN_KEY) is True


def test_the_task_against_an_unreachable_engine_leaves_every_item_marked(
    engine_down, section, consultation
):
    items = [comment_on(section, consultation=consultation).feedback_item for _ in range(3)]
    result = tasks.index_feedback_items.enqueue(item_ids=[item.pk for item in items])
    assert result.return_value == {"sent": 0, "left_marked": 3}
    assert FeedbackItem.objects.filter(needs_indexing=True).count() == 3


def test_the_pending_run_against_an_unreachable_engine_raises_and_keeps_the_marks(
    engine_down, section, consultation
):
    comment_on(section, consultation=consultation)
    with pytest.raises(engine.UNAVAILABLE):
        indexing.index_pending()
    assert tasks.index_pending_feedback.enqueue().return_value == {"accepted": 0}
    assert FeedbackItem.objects.get().needs_indexing is True


def test_without_elasticsearch_nothing_is_enqueued(
    settings, section, consultation, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = ""
    with django_capture_on_commit_callbacks() as callbacks:
        comment_on(section, consultation=consultation)
    # (the campaign grouping's placing of new items is queued; nothing for the engine)
    assert not [c for c in callbacks if "index_after_commit" in c.__qualname__]


def test_an_edit_after_sending_keeps_the_mark(section, consultation):
    """The mark is cleared only where the item still holds what the engine accepted."""
    first, second = (comment_on(section, consultation=consultation) for _ in range(2))
    sent = indexing._documents(FeedbackItem.objects.all())
    FeedbackItem.objects.filter(comment=second).update(text="Changed meanwhile")
    assert indexing._clear_marks(sent) == 1
    assert FeedbackItem.objects.get(comment=first).needs_indexing is False
    assert FeedbackItem.objects.get(comment=second).needs_indexing is True


def test_the_exact_bulk_actions(section, consultation, stakeholder):
    comment = comment_on(section, consultation=consultation, author=stakeholder, text="Hi")
    item = comment.feedback_item
    (values,) = indexing._documents(FeedbackItem.objects.filter(pk=item.pk)).values()
    profile = stakeholder.profile
    assert engine.document_action(values, "hub_feedback") == {
        "_index": "hub_feedback",
        "_id": str(item.pk),
        "_source": {
            "item_id": item.pk,
            "text": "Hi",
            "consultation": str(consultation.pk),
            "section": str(section.pk),
            "paragraph": comment.paragraph_id,
            "theme": ["none"],
            "stance": "none",
            "source_kind": "comment",
            "channel": "website",
            "sector": profile.sector,
            "region": profile.region,
            "organisation": profile.organisation or None,
            "respondent_type": "individual",
            "answer": [],
            "moderation_state": "published",
            "in_analysis": True,
            "created_at": item.created_at,  # the client serialises it
        },
    }
    assert engine.delete_action(41, "hub_feedback") == {
        "_op_type": "delete",
        "_index": "hub_feedback",
        "_id": "41",
    }


def test_documents_carry_themes_stance_channel_and_answers(
    section, consultation, stakeholder, analyst, monkeypatch
):
    """A sub-theme's document carries its parent too; no theme and no stance are "none";
    the respondent's closed answers are on their comment and on their free-text answer."""
    comment = comment_on(section, consultation=consultation, author=stakeholder, text="Hi")
    other = comment_on(section, consultation=consultation, text="Plain")
    workforce = coded.theme(consultation, "Workforce")
    training = coded.theme(consultation, "Training", parent=workforce)
    data = coded.theme(consultation, "Data")
    coded.code(analyst, [comment.feedback_item], training, data)
    coded.set_stance(comment.feedback_item, "opposes")
    questionnaire = questionnaire_on(consultation, section=section)
    answered(questionnaire, stakeholder, clear="No", areas=("Skills",), safety="", text="More")
    single, multiple, _scale, _free = questions_of(questionnaire)
    no = next(pk for pk, label in single.choices if label == "No")
    skills = next(pk for pk, label in multiple.choices if label == "Skills")
    chosen = sorted([f"{single.id}:{no}", f"{multiple.id}:{skills}"])
    answer_item = FeedbackItem.objects.get(source_kind="answer")

    documents = indexing._documents(FeedbackItem.objects.all())
    mine = documents[comment.feedback_item.pk]
    assert mine["theme"] == sorted(str(t.pk) for t in (workforce, training, data))
    assert (mine["stance"], mine["channel"], mine["answer"]) == ("opposes", "website", chosen)
    plain = documents[other.feedback_item.pk]
    assert (plain["theme"], plain["stance"], plain["answer"]) == (["none"], "none", [])
    assert documents[answer_item.pk]["answer"] == chosen
    assert documents[answer_item.pk]["theme"] == ["none"]
    action = engine.document_action(mine, "hub_feedback")
    assert action["_source"]["theme"] == mine["theme"]
    # A batch longer than the id list's limit is read a chunk at a time, to the same end.
    monkeypatch.setattr(extra_facets, "ID_LIST_LIMIT", 1)
    assert indexing._documents(FeedbackItem.objects.all()) == documents


def test_changing_answers_marks_the_respondents_comments(section, consultation, stakeholder):
    """The respondent's comments carry their answers, so a change to the answers sends
    them to the engine again; another person's comments are left as they are."""
    mine = comment_on(section, consultation=consultation, author=stakeholder).feedback_item
    theirs = comment_on(section, consultation=consultation).feedback_item
    questionnaire = questionnaire_on(consultation, section=section)
    FeedbackItem.objects.update(needs_indexing=False)
    answered(questionnaire, stakeholder, clear="Yes", text="")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.needs_indexing, theirs.needs_indexing) == (True, False)


def test_mark_for_indexing_marks_and_sends_after_commit(
    settings, section, consultation, django_capture_on_commit_callbacks
):
    """What synthesis.review calls when a stance or an assignment changes."""
    item = comment_on(section, consultation=consultation).feedback_item
    FeedbackItem.objects.update(needs_indexing=False)
    settings.ELASTICSEARCH_URL = ""
    with django_capture_on_commit_callbacks() as callbacks:
        tasks.mark_for_indexing(FeedbackItem.objects.filter(pk=item.pk))
    assert callbacks == []  # no engine, nothing to send; the mark is set all the same
    assert FeedbackItem.objects.get(pk=item.pk).needs_indexing is True
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port()}"
    with django_capture_on_commit_callbacks() as callbacks:
        tasks.mark_for_indexing(FeedbackItem.objects.filter(pk=item.pk))
    assert len(callbacks) == 1


def test_a_code_applied_after_sending_keeps_the_mark(section, consultation, analyst):
    """A document is compared with its themes too: coded meanwhile, it is sent again."""
    first, second = (comment_on(section, consultation=consultation) for _ in range(2))
    sent = indexing._documents(FeedbackItem.objects.all())
    coded.code(analyst, [second.feedback_item], coded.theme(consultation, "Data"))
    assert indexing._clear_marks(sent) == 1
    assert FeedbackItem.objects.get(comment=first).needs_indexing is False
    assert FeedbackItem.objects.get(comment=second).needs_indexing is True


# -- against a real engine, when there is one ------------------------------------------------

live = pytest.mark.skipif(not LIVE_URL, reason="ELASTICSEARCH_URL is not set")


@pytest.fixture
def live_index(settings):
    settings.ELASTICSEARCH_URL = LIVE_URL
    settings.ELASTICSEARCH_INDEX_PREFIX = f"test_{uuid.uuid4().hex[:10]}"
    client = engine.client()
    engine.create_index(using=client)
    yield client
    engine.delete_index(using=client, name=engine.index_name())


@live
def test_live_items_written_while_down_are_indexed_when_it_returns(
    live_index, settings, section, consultation
):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port()}"
    down = comment_on(section, consultation=consultation, text="Written while down").feedback_item
    settings.ELASTICSEARCH_URL = LIVE_URL
    assert indexing.index_pending(using=live_index) == 1
    down.refresh_from_db()
    assert down.needs_indexing is False
    live_index.indices.refresh(index=engine.index_name())
    assert live_index.get(index=engine.index_name(), id=str(down.pk))["_source"]["text"] == (
        "Written while down"
    )


@live
def test_live_deleted_items_leave_the_index(live_index, section, consultation):
    item = comment_on(section, consultation=consultation).feedback_item
    indexing.index_now(item_ids=[item.pk], using=live_index)
    gone = item.pk
    item.comment.delete()
    assert indexing.index_now(item_ids=[gone], using=live_index) == (1, 1)
    assert not live_index.exists(index=engine.index_name(), id=str(gone))


@live
def test_live_an_item_deleted_while_the_engine_is_down_leaves_the_index_when_it_returns(
    live_index, settings, consultation, section, stakeholder
):
    questionnaire = questionnaire_on(consultation, section=section)
    answered(questionnaire, stakeholder, text="Soon taken back")
    item = FeedbackItem.objects.get(source_kind=SourceKind.ANSWER)
    indexing.index_now(item_ids=[item.pk], using=live_index)
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port()}"
    answered(questionnaire, stakeholder, text="")
    settings.ELASTICSEARCH_URL = LIVE_URL
    indexing.index_pending(using=live_index)
    assert not live_index.exists(index=engine.index_name(), id=str(item.pk))
    assert not DeletedItem.objects.exists()


def test_items_deleted_while_the_engine_is_down_are_remembered_until_it_returns(
    engine_down, consultation, section, stakeholder, django_capture_on_commit_callbacks
):
    """An answer cleared and an import undone delete their items here; their documents
    must go from Elasticsearch too, even if it is down now (DeletedItem rows wait)."""
    questionnaire = questionnaire_on(consultation, section=section)
    answered(questionnaire, stakeholder, text="Soon taken back")
    answer_item = FeedbackItem.objects.get(source_kind=SourceKind.ANSWER).pk
    with django_capture_on_commit_callbacks(execute=True):
        answered(questionnaire, stakeholder, text="")
    assert not FeedbackItem.objects.filter(pk=answer_item).exists()

    batch = imports.batch_create(
        consultation=consultation,
        user=stakeholder,
        file_name="r.csv",
        file_format="csv",
        content=b"ID,Response\nr1,One view.\nr2,Another view.\n",
        mapping={"text": "Response", "external_id": "ID"},
    )
    imports.batch_import(batch=batch, actor=stakeholder)
    imported = set(
        FeedbackItem.objects.filter(source_kind=SourceKind.IMPORTED).values_list("pk", flat=True)
    )
    assert len(imported) == 2
    with django_capture_on_commit_callbacks(execute=True):
        imports.batch_undo(batch=batch, actor=stakeholder)
    assert set(DeletedItem.objects.values_list("item_id", flat=True)) == {answer_item, *imported}
    with pytest.raises(engine.UNAVAILABLE):
        indexing.index_pending()
    assert DeletedItem.objects.count() == 3  # still waiting for the engine


def test_without_elasticsearch_deletions_leave_no_trace(
    settings, consultation, section, stakeholder
):
    settings.ELASTICSEARCH_URL = ""
    questionnaire = questionnaire_on(consultation, section=section)
    answered(questionnaire, stakeholder, text="Soon taken back")
    answered(questionnaire, stakeholder, text="")
    assert not FeedbackItem.objects.filter(source_kind=SourceKind.ANSWER).exists()
    assert not DeletedItem.objects.exists()


def test_reindex_pending_against_an_unreachable_engine_says_so(engine_down, section, consultation):
    comment_on(section, consultation=consultation)
    with pytest.raises(CommandError, match="Elasticsearch could not be reached"):
        call_command("reindex_feedback", "--pending", stdout=io.StringIO())
    assert FeedbackItem.objects.get().needs_indexing is True


def test_reindex_of_elasticsearch_needs_its_url(settings, section, consultation):
    settings.ELASTICSEARCH_URL = ""
    for arguments in (["--pending"], ["--engine", "elasticsearch"]):
        with pytest.raises(CommandError, match="ELASTICSEARCH_URL is not set"):
            call_command("reindex_feedback", *arguments, stdout=io.StringIO())


def test_reindex_of_the_database_alone_leaves_elasticsearch_be(engine_down, section, consultation):
    comment_on(section, consultation=consultation)
    out = io.StringIO()
    call_command("reindex_feedback", "--engine", "database", stdout=out)
    assert "Database search index rebuilt" in out.getvalue()
    assert "Elasticsearch" not in out.getvalue()


def test_on_a_backend_that_can_defer_the_task_tries_again_later(
    engine_down, settings, section, consultation
):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    item = comment_on(section, consultation=consultation).feedback_item
    for attempt, delay in enumerate(tasks.RETRY_DELAYS, start=1):
        default_task_backend.clear()
        outcome = tasks.index_feedback_items.call(item_ids=[item.pk], attempt=attempt)
        assert outcome == {"sent": 0, "retry": attempt + 1}
        (retry,) = default_task_backend.results
        assert retry.kwargs["attempt"] == attempt + 1
        assert retry.task.run_after - timezone.now() > delay - timedelta(seconds=30)
    default_task_backend.clear()
    last = tasks.index_feedback_items.call(item_ids=[item.pk], attempt=len(tasks.RETRY_DELAYS) + 1)
    assert last == {"sent": 0, "left_marked": 1}
    assert default_task_backend.results == []
    item.refresh_from_db()
    assert item.needs_indexing is True
