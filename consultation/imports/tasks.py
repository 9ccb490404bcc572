"""The background tasks of the upload page (django-tasks): checking a file and importing it.

Both take the batch's id and read its stored bytes, so a worker on another machine can run
them; each records its progress on the batch (rows done) as it goes, which the batch's page
shows each time it is loaded. On the immediate backend (development, tests) they run
before the request that enqueued them returns."""

from django.contrib.auth import get_user_model
from django_tasks import task

from consultation.imports import services
from consultation.imports.models import BatchStatus, ImportBatch


@task()
def check_batch(batch_id):
    batch = ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.CHECKING).first()
    if batch is None:
        return {"checked": 0}
    report = services.batch_check(batch=batch)
    return {"checked": report.rows_read, "errors": report.error_count}


@task()
def import_batch(batch_id, actor_id):
    """Check the file again against what is stored now (with progress on the page), then
    import it in one transaction."""
    batch = ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.IMPORTING).first()
    if batch is None:
        return {"imported": 0}
    report = services.batch_check(batch=batch)
    if not report.ok:
        return {"imported": 0, "errors": report.error_count}
    batch.status = BatchStatus.IMPORTING
    batch.save(update_fields=["status"])
    actor = get_user_model().objects.filter(pk=actor_id).first()
    batch = services.batch_import(batch=batch, actor=actor)
    return {"imported": batch.responses_created}
