"""Receivers of allauth's signals: turning an authenticator off ends the account's other
sessions, through accounts' services. (Turning one on is handled by the activation view,
hub.accounts.views, in the request: allauth announces it only after the commit.)"""

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_removed
from django.dispatch import receiver

from hub.accounts import services


@receiver(authenticator_removed)
def _on_authenticator_removed(sender, request, user, authenticator, **kwargs):
    # Recovery codes go with the authenticator app they back up: one change, not two.
    if authenticator.type != Authenticator.Type.RECOVERY_CODES:
        services.second_factor_changed(request=request, user=user)
