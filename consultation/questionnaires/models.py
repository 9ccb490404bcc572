"""What a questionnaire stores: the questionnaire (a snippet attached to one consultation,
its questions in a StreamField), each person's response (a draft until submitted, with
who they were when they answered) and their answers, keyed by the question's stable id.

Free-text answers keep the words as typed (cleaned, `text`), rendered escaped; a closed
question's answer is the ids of the options chosen (one row each, so the summary counts
them in the database)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from wagtail.fields import StreamField

from consultation.questionnaires import structure
from consultation.questionnaires.blocks import QuestionPageBlock
from hub.accounts.facets import AuthorFacets


class Questionnaire(models.Model):
    consultation = models.OneToOneField(
        "consultation.Consultation",
        on_delete=models.PROTECT,
        related_name="questionnaire",
        help_text="People answer while this consultation is open.",
    )
    title = models.CharField(max_length=200)
    introduction = models.TextField(
        blank=True, help_text="What the questionnaire is for and how long it takes."
    )
    pages = StreamField(
        [("page", QuestionPageBlock())],
        min_num=1,
        help_text="Each page is saved when people go on to the next one.",
    )
    allow_changes = models.BooleanField(
        "People can change their answers after submitting",
        default=True,
        help_text="Until the consultation closes.",
    )
    publish_summary = models.BooleanField(
        "Publish the summary of closed questions",
        default=False,
        help_text="Shown on the public site once the consultation has closed.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultation:questionnaires:start", kwargs={"slug": self.consultation.slug})

    def summary_is_public(self, now=None):
        """The public sees the summary once the consultation has closed and an editor chose
        to publish it."""
        return self.publish_summary and self.consultation.state(now) == "closed"

    def clean(self):
        """Answers stay attached: a question or option that someone answered cannot be
        removed (reword it instead), and changing a question's kind counts as removing it."""
        super().clean()
        if self.pk is None:
            return
        stored = Questionnaire.objects.filter(pk=self.pk).first()
        if stored is None:
            return
        before = structure.question_map(stored)
        now = structure.question_map(self)
        answered = set(
            Answer.objects.filter(response__questionnaire=self)
            .values_list("question_id", flat=True)
            .distinct()
        )
        chosen = set(
            AnswerChoice.objects.filter(answer__response__questionnaire=self)
            .values_list("answer__question_id", "choice_id")
            .distinct()
        )
        problems = []
        for question_id in sorted(answered):
            old = before.get(question_id)
            if old is None:
                continue
            new = now.get(question_id)
            if new is None or new.kind != old.kind:
                problems.append(
                    f"People have answered “{old.text}”, so it cannot be removed or change "
                    "kind. Reword it instead."
                )
                continue
            for choice_id, label in old.choices:
                if (question_id, choice_id) in chosen and choice_id not in new.choice_labels:
                    problems.append(
                        f"People chose “{label}” in “{old.text}”, so it cannot be removed. "
                        "Reword it instead."
                    )
        if problems:
            # Errors of the whole form: Wagtail shows them at the top of the editor, each
            # one, where a StreamField's own error shows only the first.
            raise ValidationError(problems)


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Not submitted yet"
    SUBMITTED = "submitted", "Submitted"


class RespondentType(models.TextChoices):
    INDIVIDUAL = "individual", "As an individual"
    ORGANISATION = "organisation", "On behalf of an organisation"


class OrganisationType(models.TextChoices):
    NHS = "nhs", "NHS organisation"
    SOCIAL_CARE = "social_care", "Social care provider"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    COMPANY = "company", "Company"
    ACADEMIA = "academia", "University or research organisation"
    CHARITY = "charity", "Charity or voluntary organisation"
    PATIENT_GROUP = "patient_group", "Patient or carer group"
    PROFESSIONAL_BODY = "professional_body", "Professional body or trade union"
    GOVERNMENT = "government", "Government or public body"
    OTHER = "other", "Other"


class Response(AuthorFacets):
    """One person's response to one questionnaire: a draft that every page saves to, then
    submitted once. The author facets are who they were when they last answered."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="responses"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="questionnaire_responses",
    )
    status = models.CharField(
        max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    respondent_type = models.CharField(
        "Responding", max_length=12, choices=RespondentType.choices, blank=True
    )
    organisation_name = models.CharField(max_length=200, blank=True)
    organisation_type = models.CharField(
        max_length=20, choices=OrganisationType.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Answers changed after submitting that no receipt has confirmed yet.
    changed_since_receipt = models.BooleanField(default=False)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "respondent"], name="questionnaire_one_response_each"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ResponseStatus.SUBMITTED)
                | models.Q(submitted_at__isnull=False),
                name="questionnaire_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(respondent_type=RespondentType.ORGANISATION)
                | (~models.Q(organisation_name="") & ~models.Q(organisation_type="")),
                name="questionnaire_organisation_named",
            ),
        ]

    def __str__(self):
        return f"Response to {self.questionnaire}"

    @property
    def is_submitted(self):
        return self.status == ResponseStatus.SUBMITTED

    @property
    def for_organisation(self):
        return self.respondent_type == RespondentType.ORGANISATION


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question_id = models.CharField(max_length=36, help_text="The question block's stable id.")
    text = models.TextField(blank=True, help_text="A free-text answer, as typed (cleaned).")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question_id"], name="questionnaire_one_answer_per_question"
            )
        ]

    def __str__(self):
        return f"Answer to {self.question_id}"


class AnswerChoice(models.Model):
    """An option chosen in a closed question (one row each, several for multiple choice)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="choices")
    choice_id = models.CharField(max_length=36, help_text="The option's stable id.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "choice_id"], name="questionnaire_choice_once_per_answer"
            )
        ]

    def __str__(self):
        return self.choice_id
