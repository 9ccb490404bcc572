"""Reading accounts data for pages."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator


@dataclass(frozen=True)
class AccountSecurity:
    """What the profile page shows about signing in: the address, whether it is verified,
    how many addresses there are and whether an authenticator app is set up."""

    primary_email: str
    email_verified: bool
    email_count: int
    has_totp: bool
    unused_recovery_codes: int | None


def account_security_for(user):
    addresses = list(EmailAddress.objects.filter(user=user).order_by("-primary", "email"))
    authenticators = {a.type: a for a in Authenticator.objects.filter(user=user)}
    primary = addresses[0] if addresses else None
    recovery = authenticators.get(Authenticator.Type.RECOVERY_CODES)
    return AccountSecurity(
        primary_email=primary.email if primary else user.email,
        email_verified=bool(primary and primary.verified),
        email_count=len(addresses),
        has_totp=Authenticator.Type.TOTP in authenticators,
        unused_recovery_codes=len(recovery.wrap().get_unused_codes()) if recovery else None,
    )
