from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "consultation.notifications"
    label = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from consultation.notifications import handlers

        handlers.connect()
