"""Questionnaires: the consultation's questions (single and multiple choice, an agreement
scale, free text), answered by signed-in stakeholders over several visits, with a receipt,
and the summary of the closed questions for the working group and, once published, the
public. Editors build a questionnaire in the Wagtail admin (a snippet; its questions are
StreamField blocks, so each keeps its id through edits)."""
