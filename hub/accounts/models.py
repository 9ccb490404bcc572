"""People: the user (signs in by email) and the profile a stakeholder completes after sign-up."""

import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailUserManager(UserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account. The email address is the sign-in name."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    second_factor_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When an authenticator was last turned on or off for this account.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = EmailUserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.public_name

    # Django signs out every session whose stored hash no longer matches the account's; the
    # hash follows the password, and here also the last change of a second factor, so that
    # turning one on or off ends the account's other sessions (services.second_factor_changed
    # keeps the session that made the change).
    def get_session_auth_hash(self):
        return self._with_second_factor(super().get_session_auth_hash())

    def get_session_auth_fallback_hash(self):
        for fallback in super().get_session_auth_fallback_hash():
            yield self._with_second_factor(fallback)

    def _with_second_factor(self, password_hash):
        if self.second_factor_changed_at is None:
            return password_hash
        changed = self.second_factor_changed_at.isoformat()
        return hashlib.sha256(f"{password_hash}:{changed}".encode()).hexdigest()

    @property
    def public_name(self):
        """The name shown next to what this person writes: never their email address."""
        profile = getattr(self, "profile", None)
        if profile and profile.show_name and profile.display_name:
            return profile.display_name
        return "A participant"


class Sector(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    NURSE_AHP = "nurse_ahp", "Nurse or allied health professional"
    PATIENT_CARER = "patient_carer", "Patient or carer"
    SOCIAL_CARE = "social_care", "Social care"
    NHS_MANAGER = "nhs_manager", "NHS manager"
    INDUSTRY = "industry", "Industry"
    ACADEMIA = "academia", "Academia"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    CHARITY = "charity", "Charity"
    GOVERNMENT = "government", "Government"
    OTHER = "other", "Other"


class Region(models.TextChoices):
    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"
    OUTSIDE_UK = "outside_uk", "Outside the UK"


class Profile(models.Model):
    """What a stakeholder tells us about themselves; used to group their input by sector
    and region. The name is shown publicly only with their consent."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=80)
    organisation = models.CharField(max_length=150, blank=True)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    region = models.CharField(max_length=20, choices=Region.choices)
    show_name = models.BooleanField(
        "Show my name next to my comments",
        default=False,
        help_text="If you leave this unticked, your comments show as 'A participant'.",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.display_name

    @property
    def is_complete(self):
        return self.completed_at is not None
