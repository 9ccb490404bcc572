"""The working group's exports through HTTP and the command line: every feedback item or
questionnaire response of a consultation as CSV and JSON Lines, full or anonymised, parsed
back; formula cells neutralised; names, email addresses and individuals' organisations
left out of anonymised exports; only the Working group; every export in the audit log;
queries per chunk, not per row."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from consultation.feedback import export
from consultation.imports import services as import_services
from consultation.models import AuditAction
from hub.accounts.models import Region, Sector
from hub.core.models import AuditEntry
from tests.support import factories
from tests.support.consultation_factories import comment_on, paragraph_ids
from tests.support.markup import id_problems
from tests.support.questionnaire_factories import answered, questionnaire_on

pytestmark = [pytest.mark.django_db, pytest.mark.shared_site_tree]
EXPORTS = "/synthesis/exports/"
HOSTILE_NAME = '=HYPERLINK("http://evil.example","Eve <script>alert(1)</script>")'
HOSTILE_EMAIL = "=eve+x@evil.example"


def person(organisation, sector=Sector.CLINICIAN):
    return factories.ProfileFactory(
        sector=sector, region=Region.LONDON, organisation=organisation
    ).user


@pytest.fixture
def wg_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def items(section, consultation):
    """Two comments (one a formula) by an individual who works at "Example Trust", and
    an imported response with a hostile private name and email address."""
    author = person("Example Trust")
    pid = paragraph_ids(section)[0]
    comments = [
        comment_on(section, consultation=consultation, author=author, text=text, paragraph_id=pid)
        for text in ("Nurses first.", "=1+2 @SUM(A1)")
    ]
    content = (
        "Response,Name,Email\n"
        f'"A letter, imported.","{HOSTILE_NAME.replace(chr(34), chr(34) * 2)}",'
        f'"{HOSTILE_EMAIL.replace(chr(34), chr(34) * 2)}"\n'
    ).encode()
    batch = import_services.batch_create(
        consultation=consultation,
        user=None,
        file_name="letters.csv",
        file_format="csv",
        content=content,
    )
    import_services.batch_check(batch=batch)
    import_services.batch_import(batch=import_services.batch_start(batch=batch), actor=None)
    return {"comments": comments, "batch": batch}


def csv_rows(body):
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def jsonl_rows(body):
    assert body.endswith("\n")
    return [json.loads(line) for line in body.splitlines()]


def get_body(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    assert response.streaming
    assert response["Cache-Control"] == "no-store"
    return response, b"".join(response.streaming_content).decode("utf-8")


def items_url(consultation, what="items"):
    return f"{EXPORTS}{consultation.slug}/{what}/"


def test_the_exports_page_links_every_export_of_each_consultation(wg_client, consultation, items):
    html = wg_client.get(EXPORTS).content.decode()
    assert consultation.title in html
    assert "3 feedback items" in html
    assert f"{items_url(consultation)}?format=jsonl&amp;anonymised=1" in html
    assert "No questionnaire" in html
    assert id_problems(html) == []


def test_a_full_csv_export_holds_every_item_with_private_columns_and_no_formulas(
    wg_client, consultation, items, analyst
):
    response, body = get_body(wg_client, items_url(consultation), format="csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="draft-items.csv"' in response["Content-Disposition"]
    rows = csv_rows(body)
    assert list(rows[0]) == list(export.COLUMNS)
    assert len(rows) == 3
    by_text = {row["text"]: row for row in rows}
    assert "'=1+2 @SUM(A1)" in by_text
    letter = by_text["A letter, imported."]
    assert letter["respondent_name"] == "'" + HOSTILE_NAME
    assert letter["respondent_email"] == "'" + HOSTILE_EMAIL
    assert letter["channel"] == "CSV file"
    assert letter["import_batch"] == str(items["batch"].pk)
    typed = by_text["Nurses first."]
    assert (typed["channel"], typed["import_batch"], typed["organisation"]) == (
        "This website", "", "Example Trust",
    )  # fmt: skip
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == analyst
    assert entry.data == {
        "what": "items",
        "consultation": "draft",
        "format": "csv",
        "anonymised": False,
        "count": 3,
    }
    log = wg_client.get("/consultation/moderation/log/")
    assert log.status_code == 200 and "Feedback downloaded" in log.content.decode()


def test_an_anonymised_jsonl_export_drops_names_emails_and_individuals_organisations(
    wg_client, consultation, items
):
    response, body = get_body(wg_client, items_url(consultation), format="jsonl", anonymised="1")
    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    assert 'filename="draft-items-anonymised.jsonl"' in response["Content-Disposition"]
    rows = jsonl_rows(body)
    assert len(rows) == 3
    assert list(rows[0]) == [c for c in export.COLUMNS if c not in export.PRIVATE_COLUMNS]
    assert all(row["organisation"] == "" for row in rows)
    assert "=1+2 @SUM(A1)" in {row["text"] for row in rows}  # JSON is never run
    for secret in ("evil.example", "Eve", "Example Trust"):
        assert secret not in body
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.data["anonymised"] is True and entry.data["format"] == "jsonl"


def test_an_anonymised_export_keeps_the_name_of_an_organisation_that_responded(
    wg_client, section, consultation
):
    comment = comment_on(section, consultation=consultation, author=person("Big Charity"))
    comment.feedback_item.author_is_organisation = True
    comment.feedback_item.save(update_fields=["author_is_organisation"])
    _, body = get_body(wg_client, items_url(consultation), anonymised="1")
    assert csv_rows(body)[0]["organisation"] == "Big Charity"


@pytest.fixture
def responses(consultation, section, stakeholder, other_stakeholder):
    questionnaire = questionnaire_on(consultation, section=section)
    stakeholder.profile.organisation = "Employer Ltd"
    stakeholder.profile.save()
    answered(questionnaire, stakeholder, areas=("Data", "Skills"), text="=cmd|' /C calc'!A0")
    answered(
        questionnaire,
        other_stakeholder,
        clear="No",
        safety="dont_know",
        text="Fine.",
        respondent_type="organisation",
        organisation_name="Patients Together",
        organisation_type="patient_group",
    )
    factories_user = person("Drafts Inc")
    answered(questionnaire, factories_user, submit=False)  # a draft: never exported
    return questionnaire


def test_responses_as_csv_have_a_column_per_question_and_choices_by_label(
    wg_client, consultation, responses
):
    _, body = get_body(wg_client, items_url(consultation, "responses"))
    rows = csv_rows(body)
    assert len(rows) == 2
    columns = list(rows[0])
    questions = [c for c in columns if c.startswith("Q")]
    assert len(questions) == 4 and questions[0].startswith("Q1. ")
    by_type = {row["respondent_type"]: row for row in rows}
    individual, organisation = by_type["Individual"], by_type["Organisation"]
    assert individual[questions[0]] == "Yes"
    assert individual[questions[1]] == "Data; Skills"
    assert individual[questions[2]] == "Agree"
    assert individual[questions[3]] == "'=cmd|' /C calc'!A0"
    assert individual["organisation"] == "Employer Ltd"
    assert organisation[questions[2]] == "Don't know"
    assert organisation["organisation_name"] == "Patients Together"
    assert organisation["organisation_type"] == "Patient or carer group"
    assert "Drafts Inc" not in body
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert (entry.data["what"], entry.data["count"]) == ("responses", 2)


def test_responses_as_anonymised_jsonl_nest_the_answers(wg_client, consultation, responses):
    _, body = get_body(
        wg_client, items_url(consultation, "responses"), format="jsonl", anonymised="1"
    )
    rows = {row["respondent_type"]: row for row in jsonl_rows(body)}
    individual = rows["Individual"]
    assert [answer["number"] for answer in individual["answers"]] == [1, 2, 3, 4]
    assert individual["answers"][1]["answer"] == ["Data", "Skills"]
    assert individual["organisation"] == "" and "Employer Ltd" not in body
    assert rows["Organisation"]["organisation_name"] == "Patients Together"


def test_a_consultation_without_a_questionnaire_has_no_responses_to_export(wg_client, consultation):
    assert wg_client.get(items_url(consultation, "responses")).status_code == 404
    assert wg_client.get(items_url(consultation, "nothing")).status_code == 404
    assert wg_client.get(f"{EXPORTS}no-such/items/").status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_search_download_comes_as_anonymised_json_lines(wg_client, items):
    _, body = get_body(wg_client, "/synthesis/download/", format="jsonl", anonymised="1")
    rows = jsonl_rows(body)
    assert len(rows) == 3
    assert "respondent_email" not in rows[0] and "evil.example" not in body
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.data["format"] == "jsonl" and entry.data["anonymised"] is True


def test_moderators_and_stakeholders_may_not_export(client, consultation, items, moderator):
    for user in (moderator, factories.ProfileFactory().user):
        client.force_login(user)
        for url in (EXPORTS, items_url(consultation)):
            assert client.get(url).status_code == 403
    client.logout()
    assert client.get(items_url(consultation)).status_code == 302
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("what", ["items", "responses"])
def test_an_export_reads_a_chunk_at_a_time(
    wg_client, section, consultation, responses, what, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(export, "CHUNK_SIZE", 10)
    author = person("")
    for n in range(30):
        comment_on(section, consultation=consultation, author=author, text=f"Row {n}")
    for n in range(28):
        answered(responses, person(f"Org {n}"), text=f"Answer {n}")
    response = wg_client.get(items_url(consultation, what), {"format": "jsonl"})
    # 60 items (30 comments, 30 free-text answers): 7 reads of ids and 6 chunks of rows;
    # 30 responses: 4 reads of ids, and responses, answers and options for each of 3
    # chunks. Never a query per row.
    with django_assert_max_num_queries(13):
        body = b"".join(response.streaming_content).decode("utf-8")
    assert len(jsonl_rows(body)) == (60 if what == "items" else 30)


def test_the_command_writes_the_same_export_to_stdout_or_a_file(consultation, items, tmp_path):
    out = io.StringIO()
    call_command("export_feedback", "draft", "--format", "jsonl", "--anonymised", stdout=out)
    rows = jsonl_rows(out.getvalue())
    assert len(rows) == 3 and "evil.example" not in out.getvalue()
    path = tmp_path / "items.csv"
    call_command("export_feedback", "draft", "--output", str(path), stderr=io.StringIO())
    rows = csv_rows(path.read_text(encoding="utf-8"))
    assert {row["respondent_email"] for row in rows} == {"", "'" + HOSTILE_EMAIL}
    entries = AuditEntry.objects.filter(action=AuditAction.EXPORT).order_by("pk")
    assert [(e.actor, e.data["format"], e.data["anonymised"]) for e in entries] == [
        (None, "jsonl", True),
        (None, "csv", False),
    ]


def test_the_command_refuses_an_unknown_consultation_or_a_missing_questionnaire(consultation):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No consultation"):
        call_command("export_feedback", "nope", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no questionnaire"):
        call_command("export_feedback", "draft", "--responses", stdout=io.StringIO())


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"format": "xlsx"}, "There is no format"),
        ({"format": "<script>"}, "There is no format"),
        ({"anonymised": "yes please"}, "anonymised=1"),
        ({"anonymised": "2"}, "anonymised=1"),
    ],
)
def test_a_bad_format_or_anonymised_value_is_refused_and_nothing_is_exported(
    wg_client, consultation, items, params, message
):
    for url in (items_url(consultation), "/synthesis/download/"):
        response = wg_client.get(url, params)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("value", ["1", "true", "YES", "on"])
def test_every_way_of_saying_anonymised_anonymises(wg_client, consultation, items, value):
    _, body = get_body(wg_client, items_url(consultation), anonymised=value)
    assert "evil.example" not in body and "respondent_email" not in body
