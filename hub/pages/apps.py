from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "hub.pages"
    label = "pages"
    verbose_name = "Public site"

    def ready(self):
        from hub.pages import signals

        signals.connect()
