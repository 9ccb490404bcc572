from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "consultation.questionnaires"
    label = "questionnaires"
    verbose_name = "Questionnaires"
    default_auto_field = "django.db.models.BigAutoField"
