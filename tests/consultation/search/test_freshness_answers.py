"""The database search counts questionnaire answers from the process's arrays, which the
change log keeps fresh: what each item carries there is what the database says
(extra_facets.answer_rows, the Elasticsearch documents' source) after every write that
changes it (an answer changed, added or removed, through the questionnaire's pages or the
services; a response deleted or taken back to a draft; the respondent's new comment; an
import of responses), never after a write that rolled back; and a search asks the same
queries, none of them of the questionnaire tables, however many items carry answers."""

import collections

import numpy as np
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from consultation.feedback.models import FeedbackItem
from consultation.questionnaires import services
from consultation.questionnaires.models import Response, ResponseStatus
from consultation.questionnaires.structure import questions_of
from consultation.search import run
from consultation.search.backends import extra_facets, item_arrays, item_changes
from consultation.search.types import FeedbackQuery
from tests.support.consultation_factories import comment_on
from tests.support.factories import ProfileFactory
from tests.support.permissions import import_batch
from tests.support.questionnaire_factories import answered, questionnaire_on

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]

BASE = "/consultation/draft/questionnaire/"


@pytest.fixture(autouse=True)
def _database_backend(settings):
    settings.ELASTICSEARCH_URL = None


@pytest.fixture
def questionnaire(consultation, section):
    return questionnaire_on(consultation, section=section)


@pytest.fixture
def questions(questionnaire):
    return questions_of(questionnaire)


def option(question, label):
    return f"{question.id}:" + next(pk for pk, text in question.choices if text == label)


def comments_by(person, section, consultation, count=2):
    return [comment_on(section, consultation=consultation, author=person) for _ in range(count)]


def held():
    """{item id: set of answer values} as the process's arrays hold them now."""
    arrays = item_arrays.current(connection)
    positions, rows = arrays.answers_of(np.arange(len(arrays.ids)))
    carried = collections.defaultdict(set)
    for position, number in zip(positions, rows[:, 1], strict=True):
        carried[int(arrays.ids[position])].add(arrays.answer_values[number - 1])
    return dict(carried)


def in_database():
    """{item id: set of answer values} as the database says (the Elasticsearch source)."""
    carried = collections.defaultdict(set)
    for item, value in extra_facets.answer_rows(
        list(FeedbackItem.objects.values_list("pk", flat=True))
    ):
        carried[item].add(value)
    return dict(carried)


def counts(**filters):
    results = run(FeedbackQuery(page_size=100, filters=tuple(filters.items())))
    return {count.value: count.count for count in results.facet("answer").values}


def database_counts():
    found = collections.Counter(value for values in in_database().values() for value in values)
    return dict(found)


def agrees():
    """The arrays, and a search's counts, say what the database says."""
    assert held() == in_database()
    assert counts() == database_counts()


@pytest.fixture
def people(questionnaire, section, consultation):
    """Two respondents who submitted different answers, each with two comments, and one
    with a draft and a comment (which carries nothing)."""
    first, second, drafter = (ProfileFactory().user for _ in range(3))
    answered(questionnaire, first, clear="Yes", areas=("Data", "Skills"), safety="agree")
    answered(questionnaire, second, clear="No", areas=("Funding",), safety="", text="")
    answered(questionnaire, drafter, clear="Not sure", submit=False)
    for person in (first, second, drafter):
        comments_by(person, section, consultation)
    return first, second, drafter


def test_the_arrays_carry_what_the_database_says(people, questions):
    single, multiple, _scale, _free = questions
    agrees()
    found = counts()
    # Each respondent's two comments, and the first's free-text answer item, carry them.
    assert found[option(single, "Yes")] == 3
    assert found[option(single, "No")] == 2
    assert option(single, "Not sure") not in found  # a draft carries nothing
    ticked = counts(answer=(option(multiple, "Funding"),))
    assert ticked[option(multiple, "Funding")] == 2
    answer_item = FeedbackItem.objects.get(source_kind="answer")
    assert held()[answer_item.pk] >= {option(single, "Yes"), option(multiple, "Skills")}


def test_every_write_that_changes_answers_is_in_the_very_next_search(
    people, questionnaire, questions, section, consultation
):
    first, second, drafter = people
    single, multiple, scale, _free = questions
    agrees()  # the arrays are loaded now; every change below comes through the log

    def save(person, question, labels):
        choices = {text: pk for pk, text in question.choices}
        services.answers_save(
            respondent=person,
            questionnaire=questionnaire,
            answers={question.id: [choices.get(label, label) for label in labels]},
        )
        agrees()

    save(first, single, ["No"])  # an answer changed
    assert counts()[option(single, "No")] == 5
    save(first, multiple, ["Data", "Skills", "Funding"])  # an option added
    assert counts()[option(multiple, "Funding")] == 5
    save(first, scale, [])  # an answer taken back
    assert not any(value.startswith(f"{scale.id}:") for value in counts())
    save(second, scale, ["disagree"])  # an answer added
    assert counts()[f"{scale.id}:disagree"] == 2

    comment_on(section, consultation=consultation, author=second)  # a new comment carries
    agrees()
    assert counts()[f"{scale.id}:disagree"] == 3

    services.response_submit(respondent=drafter, questionnaire=questionnaire)  # a draft sent
    agrees()
    assert counts()[option(single, "Not sure")] == 3  # two comments and the answer's item

    Response.objects.filter(respondent=drafter).update(status=ResponseStatus.DRAFT)  # directly
    agrees()
    assert counts()[option(single, "Not sure")] == 1  # only the answer's own item now

    Response.objects.filter(respondent=second).delete()  # a response withdrawn
    agrees()
    assert f"{scale.id}:disagree" not in counts()

    import_batch(consultation, imported=True)  # imported items arrive, carrying nothing
    agrees()


def test_an_answer_changed_through_the_questionnaires_pages_is_in_the_next_search(
    client, people, questions
):
    first, *_ = people
    single, multiple, *_ = questions
    agrees()
    client.force_login(first)
    choices = {text: pk for pk, text in single.choices}
    page = {f"q-{single.id}": choices["Not sure"], f"q-{multiple.id}": [], "action": "continue"}
    page[f"q-{multiple.id}"] = [pk for pk, text in multiple.choices if text == "Data"]
    assert client.post(BASE + "pages/1/", page).status_code == 302
    agrees()
    assert counts()[option(single, "Not sure")] == 3
    assert option(multiple, "Skills") not in counts()


def test_an_answer_changed_in_a_transaction_rolled_back_is_never_counted(
    people, questionnaire, questions
):
    first, *_ = people
    single, *_ = questions
    before = counts()
    no = next(pk for pk, text in single.choices if text == "No")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.answers_save(
            respondent=first, questionnaire=questionnaire, answers={single.id: [no]}
        )
        assert counts()[option(single, "No")] == 5  # this transaction sees its change
        raise RuntimeError("undo it all")
    assert counts() == before
    agrees()


def test_a_search_asks_the_same_queries_however_many_items_carry_answers(
    people, section, consultation
):
    first, second, _drafter = people

    def queries():
        counts()  # brings the arrays up to date
        ticked = tuple(database_counts())[:1]
        with CaptureQueriesContext(connection) as captured:
            counts(answer=ticked)
        sql = [query["sql"] for query in captured.captured_queries]
        # The questionnaires are read for the answers' labels, never the answers.
        read = ("questionnaires_answer", "questionnaires_response")
        assert not [q for q in sql if any(table in q for table in read)], sql
        return len(sql)

    few = queries()
    for person in (first, second):
        comments_by(person, section, consultation, count=10)
    assert queries() == few


def test_every_trigger_that_logs_answers_is_there_after_the_migrations():
    """A later migration that makes SQLite copy a questionnaire table drops its triggers:
    this says so, rather than a search quietly counting old answers."""
    expected = {
        statement.split('"')[1]
        for statement in item_changes.answers_create_sql(connection.vendor)
        if "CREATE TRIGGER" in statement
    }
    assert len(expected) >= 8
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        assert expected <= {name for (name,) in cursor.fetchall()}
