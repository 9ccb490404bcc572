from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hub.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from hub.accounts import signals  # noqa: F401 - connects the receivers
