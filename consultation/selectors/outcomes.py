"""Read side of the working group's responses: drafts and published ones for the
workspace, and what the public sees (the consultation's outcome page, the responses beside
a section), with the counts of themes by sector made safe to publish.

Small cells are suppressed on anything public: a count from 1 to 4 could point at a
handful of people (the one social-care respondent from a small region), so it is shown as
"fewer than 5". Where a theme's row would then have exactly one such cell, the theme's
total would give it away, so the next smallest count of the row is withheld too ("not
shown"). Zero is shown: it says nobody of a sector raised the theme, which points at no one.
"""

from dataclasses import dataclass

from consultation.selectors.dashboard import cross_tab, pinned_quotes, themes_of
from consultation.synthesis.models import SynthesisResponse
from hub.pages import restrictions

SMALL_CELL = 5
FEWER = f"fewer than {SMALL_CELL}"
WITHHELD = "not shown"


def responses_of(consultation):
    """Every response of a consultation, drafts too, for the working group and editors."""
    return list(
        SynthesisResponse.objects.filter(consultation=consultation).select_related(
            "theme__parent", "section", "written_by__profile", "published_by__profile"
        )
    )


def response_get(consultation, response_id):
    return (
        SynthesisResponse.objects.filter(consultation=consultation, pk=response_id)
        .select_related("theme__parent", "section", "consultation")
        .first()
    )


def published_responses(consultation):
    """The published responses the public outcome page shows: not those about a section
    under a view restriction (Wagtail's), whose title and words are for the people the
    restriction lets in; they stay beside the section, on its own page."""
    published = SynthesisResponse.objects.filter(
        consultation=consultation, published_at__isnull=False
    ).select_related("theme__parent", "section")
    return list(restrictions.public(published, "section__path"))


def section_responses(section):
    """The published responses concerning a section (about it, or about a theme whose
    change was made in it), for the section's page."""
    return list(
        SynthesisResponse.objects.filter(section=section, published_at__isnull=False)
        .select_related("theme__parent", "consultation")
        .order_by("published_at", "pk")
    )


def public_cells(counts):
    """What a public table shows for a row of counts: the count, FEWER for a small one, and
    WITHHELD for a count held back so the row's total does not give a small one away."""
    shown = [FEWER if 0 < count < SMALL_CELL else count for count in counts]
    if shown.count(FEWER) == 1:
        rest = [(count, at) for at, count in enumerate(counts) if count >= SMALL_CELL]
        if rest:
            shown[min(rest)[1]] = WITHHELD
    return shown


def public_total(total):
    return FEWER if 0 < total < SMALL_CELL else total


@dataclass
class PublicRow:
    theme: object
    cells: list
    total: object


@dataclass
class Outcome:
    consultation: object
    responses: list
    columns: list
    rows: list
    quotes: dict


def outcome(consultation):
    """The public outcome page: the published responses and, once there is one, the theme
    counts by sector (suppressed) and the pinned quotes. A consultation with nothing
    published shows no counts: the working group decides when its synthesis goes public."""
    responses = published_responses(consultation)
    if not responses:
        return Outcome(consultation, [], [], [], {})
    themes = themes_of(consultation)
    table = cross_tab(consultation, "sectors", themes=themes)
    rows = [
        PublicRow(
            theme=row.theme,
            cells=public_cells([cell.count for cell in row.cells]),
            total=public_total(row.total),
        )
        for row in table.rows
    ]
    return Outcome(
        consultation=consultation,
        responses=responses,
        columns=table.columns,
        rows=rows,
        quotes=pinned_quotes(consultation),
    )
