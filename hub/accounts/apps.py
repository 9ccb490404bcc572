from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hub.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from hub.accounts import (
            signals,  # noqa: F401 - connects the receivers
            user_facts,
        )
        from hub.accounts.models import Profile, User
        from hub.core.page_cache import site_changed

        # Public pages show people's public names beside their words (and "A former
        # participant" once an account is gone): a change to either ends their cached copies.
        def names_changed(**kwargs):
            site_changed()

        for signal in (post_save, post_delete):
            signal.connect(names_changed, sender=Profile, weak=False)
        post_delete.connect(names_changed, sender=User, weak=False)
        # Groups, permissions, a verified email: kept per person until one changes.
        user_facts.connect_receivers()
