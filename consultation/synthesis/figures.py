"""The one writer of the version of a consultation's synthesis figures
(synthesis.FiguresVersion): the services that write codes and stances call
`figures_changed` in their own transaction, so that counts kept by the dashboard
(consultation.selectors.dashboard) are never read again once what they counted changed.
Items need no call: the dashboard reads the item change log's position beside the token."""

import secrets

from consultation.synthesis.models import FiguresVersion

TOKEN_BITS = 62


def figures_changed(*, consultation_ids):
    """Give each consultation of `consultation_ids` a new random token (one statement: an
    insert that updates the row already there)."""
    rows = [
        FiguresVersion(consultation_id=pk, token=secrets.randbits(TOKEN_BITS))
        for pk in sorted(set(consultation_ids))
    ]
    FiguresVersion.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["consultation"], update_fields=["token"]
    )
