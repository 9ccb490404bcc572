"""Who may answer a questionnaire and see its summary: the consultation's rules, asked of
the questionnaire. Views and services ask these; services ask again inside their
transaction."""

from consultation import rules as consultation_rules
from hub.accounts.rules import can_moderate


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


def can_see_summary(user, questionnaire, now=None):
    """The working group and moderators with a second factor always; everyone once it is
    published and the consultation has closed."""
    return questionnaire.summary_is_public(now) or can_moderate(user)
