"""Who may answer a questionnaire and change an answer: the consultation's rules, asked of
the questionnaire (who sees the summary: `Questionnaire.summary_is_public`, and the staff
gate for the working group's page). Views and services ask these; services ask again inside their
transaction."""

from consultation import rules as consultation_rules


def can_answer(user, questionnaire, now=None):
    """Answer (start, save a page, submit): the same as commenting, a participant who is not
    blocked while the consultation is open."""
    return consultation_rules.can_contribute(user, questionnaire.consultation, now)


def can_change(user, response, now=None):
    """Change the answers of `response`: one's own, while one may answer, and once
    submitted only where the questionnaire lets people change their answers."""
    return (
        response.respondent_id == user.pk
        and can_answer(user, response.questionnaire, now)
        and (not response.is_submitted or response.questionnaire.allow_changes)
    )
