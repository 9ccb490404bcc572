"""The synthesis app's models, one module per concern: the codebook and codes
(`codebook`), stored theme suggestions (`suggestions`), campaign groups and imports of codes
(`campaigns`), and what the working group makes public (`outcomes`)."""

from consultation.synthesis.models.campaigns import (
    CampaignGroup,
    CampaignMembership,
    CampaignState,
    CodeImport,
)
from consultation.synthesis.models.codebook import (
    AnalystNote,
    CodeSource,
    Coding,
    CodingAction,
    Colour,
    ItemReview,
    RemovedCoding,
    Stance,
    Theme,
)
from consultation.synthesis.models.outcomes import PinnedQuote, SynthesisResponse
from consultation.synthesis.models.suggestions import ThemeKeyPhrases, ThemeSuggestion

__all__ = [
    "AnalystNote",
    "CampaignGroup",
    "CampaignMembership",
    "CampaignState",
    "CodeImport",
    "CodeSource",
    "Coding",
    "CodingAction",
    "Colour",
    "ItemReview",
    "PinnedQuote",
    "RemovedCoding",
    "Stance",
    "SynthesisResponse",
    "Theme",
    "ThemeKeyPhrases",
    "ThemeSuggestion",
]
