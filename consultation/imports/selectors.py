"""Reading imports for the pages: the latest batches, one batch with its flagged responses."""

from django.core.paginator import Paginator

from consultation.imports.models import ImportBatch

BATCHES_PER_PAGE = 25
FLAGGED_SHOWN = 50


def batch_page(page_number):
    """A page of batches, newest first, without their stored files."""
    batches = ImportBatch.objects.defer("content").select_related("consultation", "created_by")
    return Paginator(batches, BATCHES_PER_PAGE).get_page(page_number)


def batch_get(batch_id):
    return (
        ImportBatch.objects.defer("content")
        .select_related("consultation", "created_by", "undone_by")
        .filter(pk=batch_id)
        .first()
    )


def flagged_responses(batch):
    """The first responses whose content is in an attachment (to show, with their files)."""
    return list(
        batch.responses.filter(content_in_attachment=True).order_by("row_number")[:FLAGGED_SHOWN]
    )
