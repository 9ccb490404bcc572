from django.apps import AppConfig


class SynthesisConfig(AppConfig):
    name = "consultation.synthesis"
    label = "synthesis"
    verbose_name = "Synthesis"
    default_auto_field = "django.db.models.BigAutoField"
