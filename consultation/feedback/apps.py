from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "consultation.feedback"
    label = "feedback"
    verbose_name = "Feedback items"
    default_auto_field = "django.db.models.BigAutoField"
