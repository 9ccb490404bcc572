"""Who was speaking, as they described themselves when they spoke: the author facets every
kind of feedback keeps beside its words (comments now; questionnaire answers and imported
responses later). Synthesis groups input by these, and pages show these, never the
author's current profile: a later profile edit or a deleted account does not rewrite who
said what."""

from django.db import models

from hub.accounts.models import Region, Sector


class AuthorFacets(models.Model):
    author_sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    author_region = models.CharField(max_length=20, choices=Region.choices, blank=True)
    author_organisation = models.CharField(max_length=150, blank=True)
    author_is_organisation = models.BooleanField(
        default=False,
        help_text="Whether they responded on behalf of their organisation, not for themselves.",
    )

    class Meta:
        abstract = True

    @classmethod
    def facets_of(cls, user, *, for_organisation=False):
        """The facets to store with what `user` writes now, from their profile (none for
        someone without one): keyword arguments for the model."""
        profile = getattr(user, "profile", None) if user is not None else None
        if profile is None:
            return {"author_is_organisation": for_organisation}
        return {
            "author_sector": profile.sector,
            "author_region": profile.region,
            "author_organisation": profile.organisation,
            "author_is_organisation": for_organisation,
        }
