"""The synthesis app's models, one module per concern: the codebook and codes
(`codebook`), stored theme suggestions (`suggestions`), campaign groups and imports of codes
(`campaigns`), what the working group makes public (`outcomes`), and the version of a
consultation's synthesis figures (`figures`)."""

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
from consultation.synthesis.models.figures import FiguresVersion
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
    "FiguresVersion",
    "ItemReview",
    "PinnedQuote",
    "RemovedCoding",
    "Stance",
    "SynthesisResponse",
    "Theme",
    "ThemeKeyPhrases",
    "ThemeSuggestion",
]
