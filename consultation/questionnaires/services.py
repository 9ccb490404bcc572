"""Writing responses: who one is responding as, saving a page of answers, submitting.

Every function re-checks the rules inside its transaction with the response locked
(select_for_update), checks every answer before it writes any (a page is saved whole or
not at all), and refreshes the respondent's facets (`AuthorFacets`: who they were when
they answered). One response per person and questionnaire is the database's rule (a
unique constraint), so two first saves at once make one response; a second submit finds
the response submitted and changes nothing, so it sends no second receipt.

Free-text answers are kept as typed (`text`, cleaned by formatting.clean_text). Once a
response is submitted, each free-text answer with words is a feedback item (written by
consultation.feedback.sync in the same transaction, and kept in step while the response
may still be changed), searched and coded like a comment; a draft has none."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from consultation.feedback import sync as feedback_sync
from consultation.formatting import clean_title
from consultation.notifications import services as notifications
from consultation.questionnaires import answers as answer_rules
from consultation.questionnaires import rules, structure
from consultation.questionnaires.models import (
    Answer,
    AnswerChoice,
    OrganisationType,
    RespondentType,
    Response,
    ResponseStatus,
)


class NotAllowed(Exception):
    """The person may not answer or change this response now (closed, blocked, submitted
    where changes are not allowed...)."""


class InvalidAnswers(Exception):
    """Some answers are not acceptable: `problems` maps a question id (or a field name) to
    what is wrong. Nothing was stored."""

    def __init__(self, problems):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class Incomplete(Exception):
    """The response lacks what submitting needs: `missing` lists the questions (and
    "respondent" when who they respond as is not chosen yet)."""

    def __init__(self, missing):
        super().__init__(f"{len(missing)} answers are missing")
        self.missing = missing


def _locked_response(*, respondent, questionnaire, now, create=True):
    """The person's response, locked for this transaction; a new draft if they have none
    (the unique constraint decides between two first saves at once)."""
    found = (
        Response.objects.select_for_update()
        .filter(questionnaire=questionnaire, respondent=respondent)
        .first()
    )
    if found is not None or not create:
        if found is not None:
            found.questionnaire = questionnaire  # the rules read its consultation
        return found
    try:
        with transaction.atomic():
            Response.objects.create(
                questionnaire=questionnaire,
                respondent=respondent,
                created_at=now,
                updated_at=now,
                **Response.facets_of(respondent),
            )
    except IntegrityError:
        pass
    response = Response.objects.select_for_update().get(
        questionnaire=questionnaire, respondent=respondent
    )
    response.questionnaire = questionnaire
    return response


def _refresh_facets(response, respondent):
    """Who they are now, as they respond: their profile's sector and region, and the
    organisation they name when responding for one."""
    facets = Response.facets_of(respondent, for_organisation=response.for_organisation)
    if response.for_organisation:
        facets["author_organisation"] = response.organisation_name
    for name, value in facets.items():
        setattr(response, name, value)


def _items_in_step(response):
    """The feedback items of the response's free-text answers, as it now stands (none
    while it is a draft): search and synthesis read them like comments."""
    sections = {
        question.id: page.section.pk if page.section else None
        for page in structure.pages_of(response.questionnaire)
        for question in page.questions
    }
    feedback_sync.response_answers_changed(response, sections)


def _check_may_change(respondent, response, now):
    if not rules.can_change(respondent, response, now):
        if response.is_submitted and rules.can_answer(respondent, response.questionnaire, now):
            raise NotAllowed("You have submitted your response. It can no longer be changed.")
        raise NotAllowed("You cannot answer this questionnaire now.")


def respondent_save(
    *,
    respondent,
    questionnaire,
    respondent_type,
    organisation_name="",
    organisation_type="",
    now=None,
):
    """Say whether one responds as an individual or for an organisation (its name and
    type)."""
    now = now or timezone.now()
    problems = {}
    if respondent_type not in RespondentType.values:
        problems["respondent_type"] = (
            "Select whether you are responding as an individual or for an organisation."
        )
    name = clean_title(organisation_name)[:200]
    if respondent_type == RespondentType.ORGANISATION:
        if not name:
            problems["organisation_name"] = "Enter the name of your organisation."
        if organisation_type not in OrganisationType.values:
            problems["organisation_type"] = "Select the type of organisation."
    else:
        name, organisation_type = "", ""
    if problems:
        raise InvalidAnswers(problems)
    with transaction.atomic():
        response = _locked_response(respondent=respondent, questionnaire=questionnaire, now=now)
        _check_may_change(respondent, response, now)
        before = (response.respondent_type, response.organisation_name, response.organisation_type)
        response.respondent_type = respondent_type
        response.organisation_name = name
        response.organisation_type = organisation_type
        _refresh_facets(response, respondent)
        response.updated_at = now
        if response.is_submitted and before != (respondent_type, name, organisation_type):
            response.changed_since_receipt = True
        response.save()
        if response.is_submitted:
            _items_in_step(response)
    return response


def answers_save(*, respondent, questionnaire, answers, now=None):
    """Store the answers to some questions (a page): `answers` maps question ids to the
    values posted for them (lists of strings). An empty value takes an answer back.
    All are checked first; one bad answer stores none. Returns the response."""
    now = now or timezone.now()
    questions = structure.question_map(questionnaire)
    problems, cleaned = {}, {}
    for question_id, values in answers.items():
        question = questions.get(question_id)
        if question is None:
            problems[question_id] = "That question is not part of this questionnaire."
            continue
        try:
            cleaned[question_id] = answer_rules.normalise(question, values)
        except answer_rules.Problem as problem:
            problems[question_id] = str(problem)
    if problems:
        raise InvalidAnswers(problems)
    with transaction.atomic():
        response = _locked_response(respondent=respondent, questionnaire=questionnaire, now=now)
        _check_may_change(respondent, response, now)
        changed = _store(response, questions, cleaned, now)
        _refresh_facets(response, respondent)
        response.updated_at = now
        if changed and response.is_submitted:
            response.changed_since_receipt = True
        response.save()
        if changed and response.is_submitted:
            _items_in_step(response)
    return response


def _store(response, questions, cleaned, now):
    """Write the cleaned answers in place (an answer keeps its row while it is changed);
    whether anything changed."""
    existing = {
        answer.question_id: answer
        for answer in response.answers.filter(question_id__in=cleaned).prefetch_related("choices")
    }
    changed = False
    for question_id, value in cleaned.items():
        answer = existing.get(question_id)
        if value is None:
            if answer is not None:
                feedback_sync.answer_deleted(answer)
                answer.delete()
                changed = True
            continue
        is_text = questions[question_id].kind == structure.Kind.FREE_TEXT
        text = value if is_text else ""
        chosen = set() if is_text else set(value)
        if answer is None:
            answer = Answer.objects.create(
                response=response, question_id=question_id, text=text, updated_at=now
            )
            before = set()
        else:
            before = {choice.choice_id for choice in answer.choices.all()}
            if answer.text == text and before == chosen:
                continue
            answer.text = text
            answer.updated_at = now
            answer.save(update_fields=["text", "updated_at"])
        if before - chosen:
            answer.choices.filter(choice_id__in=before - chosen).delete()
        AnswerChoice.objects.bulk_create(
            AnswerChoice(answer=answer, choice_id=choice_id) for choice_id in chosen - before
        )
        changed = True
    return changed


def missing_for_submit(questionnaire, response, answered_ids):
    """What submitting still needs: "respondent" if who they respond as is not chosen, and
    each required question without an answer."""
    missing = [] if response is not None and response.respondent_type else ["respondent"]
    missing += [
        question
        for question in structure.questions_of(questionnaire)
        if question.required and question.id not in answered_ids
    ]
    return missing


def response_submit(*, respondent, questionnaire, now=None, send_receipt=True):
    """Submit one's response; after changing a submitted response, confirm the changes.
    Returns (response, sent): `sent` is whether this call submitted (or confirmed changes)
    and so sends a receipt. Submitting again with nothing changed (a double click, a
    second tab) does nothing. The demo passes `send_receipt=False`."""
    now = now or timezone.now()
    with transaction.atomic():
        response = _locked_response(
            respondent=respondent, questionnaire=questionnaire, now=now, create=False
        )
        if response is None:
            raise Incomplete(missing_for_submit(questionnaire, None, set()))
        if response.is_submitted and not response.changed_since_receipt:
            return response, False
        if not rules.can_answer(respondent, questionnaire, now):
            raise NotAllowed("You cannot submit a response to this questionnaire now.")
        answered = set(response.answers.values_list("question_id", flat=True))
        missing = missing_for_submit(questionnaire, response, answered)
        if missing:
            raise Incomplete(missing)
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = response.submitted_at or now
        response.changed_since_receipt = False
        response.updated_at = now
        _refresh_facets(response, respondent)
        response.save()
        _items_in_step(response)
        if send_receipt:
            notifications.notify_questionnaire_receipt(response)
    return response, True
