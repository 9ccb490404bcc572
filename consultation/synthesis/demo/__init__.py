"""The demo's synthesis: what the working group has made of the demo consultation's
feedback so far. Loaded after the feedback, questionnaire answers and imports it reads
(INSTALLED_APPS order); each part is its own module, loaded in the order below, and each
is idempotent."""

from consultation.synthesis.demo import campaigns, codebook, responses, suggestions

PARTS = (codebook, campaigns, suggestions, responses)


def load(stdout):
    for part in PARTS:
        part.load(stdout)
