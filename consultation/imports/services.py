"""Writing imports: a batch made from an upload, its check, its import (all or nothing, with
its feedback items in the same transaction) and undoing it as a whole. Keyword-only
arguments; each re-checks the batch's state inside its own transaction."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from consultation.feedback import sync
from consultation.feedback.models import FeedbackItem
from consultation.feedback.signals import announce_items
from consultation.imports import reading
from consultation.imports.models import BatchStatus, FileFormat, ImportBatch, ImportedResponse
from consultation.synthesis import grouping, imported_codes
from hub.core.audit import audit_record
from hub.core.bulk import insert_rows

PROGRESS_EVERY = reading.CHUNK


class NotAllowed(Exception):
    """The batch is not in a state that allows this."""


def source_of(batch):
    return reading.Source(name=batch.file_name, data=bytes(batch.content))


def batch_create(*, consultation, user, file_name, file_format, content, mapping=None):
    """A batch for an uploaded file (its bytes kept until it is imported), to be checked."""
    file_format = FileFormat(file_format)
    return ImportBatch.objects.create(
        consultation=consultation,
        created_by=user,
        channel=file_format.channel,
        file_format=file_format,
        file_name=file_name[:255],
        file_size=len(content),
        content=content,
        mapping=mapping or {},
        status=BatchStatus.CHECKING,
    )


def _progress(batch):
    def record(rows):
        ImportBatch.objects.filter(pk=batch.pk).update(rows_processed=rows)

    return record


def _store_report(batch, report, status):
    for name, value in report.counts().items():
        setattr(batch, name, value)
    batch.report = report.as_json()
    if report.mapping:
        batch.mapping = report.mapping
    batch.status = status
    batch.save()


def batch_check(*, batch, source=None):
    """Check the batch's file (counts, preview, problems) and mark it ready or rejected."""
    report = reading.check(
        consultation=batch.consultation,
        source=source or source_of(batch),
        file_format=batch.file_format,
        mapping=batch.mapping or None,
        progress=_progress(batch),
    )
    _store_report(batch, report, BatchStatus.READY if report.ok else BatchStatus.REJECTED)
    return report


def batch_remap(*, batch, mapping):
    """Choose the CSV columns again; the batch is to be checked again."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status not in (BatchStatus.READY, BatchStatus.REJECTED):
            raise NotAllowed("This file is no longer waiting to be imported.")
        batch.mapping = mapping
        batch.status = BatchStatus.CHECKING
        batch.rows_processed = 0
        batch.save(update_fields=["mapping", "status", "rows_processed"])
    return batch


def batch_start(*, batch):
    """Mark a checked batch as being imported (once: a second request finds it started)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != BatchStatus.READY:
            raise NotAllowed("This file has already been imported, or is not ready.")
        batch.status = BatchStatus.IMPORTING
        batch.rows_processed = 0
        batch.save(update_fields=["status", "rows_processed"])
    return batch


def batch_import(*, batch, actor, source=None, progress=None):
    """Store every new response of the batch's file and its feedback item, in one
    transaction: a problem anywhere (or a response another import stored meanwhile under
    the same key) stores nothing and leaves the batch rejected with the reason. A themes
    column's names become imported codes of the items in the same transaction (missing
    themes are made); the items are placed into campaign groups once it commits."""
    source = source or source_of(batch)
    progress = progress or _progress(batch)
    try:
        with transaction.atomic():
            created, codes = 0, {}
            for chunk in reading.new_records(
                consultation=batch.consultation,
                source=source,
                file_format=batch.file_format,
                mapping=batch.mapping or None,
                progress=progress,
            ):
                created += _store_responses(batch, chunk, codes)
            actions = imported_codes.apply_imported(
                actor=actor,
                consultation=batch.consultation,
                codes=codes,
                search=imported_codes.batch_search(batch),
            )
            batch.responses_created = created
            batch.status = BatchStatus.IMPORTED
            batch.imported_at = timezone.now()
            batch.content = b""
            batch.save()
            audit_record(
                actor=actor,
                action="import",
                target=batch,
                data={
                    "file": batch.file_name,
                    "channel": batch.channel,
                    "responses": created,
                    "consultation": batch.consultation_id,
                    "codes": sum(action.changed_count for action in actions),
                },
            )
            announce_items(consultation_id=batch.consultation_id)
    except reading.Rejected as rejected:
        _reject(batch, rejected.problem.as_dict())
    except IntegrityError:
        _reject(
            batch,
            {
                "row": None,
                "column": "",
                "reason": "Another import stored some of these responses meanwhile: "
                "check the file again.",
            },
        )
    return batch


def _store_responses(batch, records, codes):
    """INSERT the responses of `records` and their feedback items (one prepared statement
    each, hub.core.bulk: far cheaper than bulk_create for a large file), and add the theme
    names of those that have some to `codes` ({item id: names}). Returns how many."""
    responses = [
        {"batch_id": batch.pk, "consultation_id": batch.consultation_id, **record.model_fields()}
        for record in records
    ]
    insert_rows(ImportedResponse, responses)
    ids = dict(
        ImportedResponse.objects.filter(
            consultation_id=batch.consultation_id, key__in=[r["key"] for r in responses]
        ).values_list("key", "pk")
    )
    for response in responses:
        response["id"] = ids[response["key"]]
    sync.imported_responses_created(batch=batch, responses=responses)
    themed = {ids[record.key]: record.themes for record in records if record.themes}
    if themed:
        items = FeedbackItem.objects.filter(import_source__in=list(themed)).values_list(
            "import_source_id", "pk"
        )
        for response_id, item_id in items:
            codes[item_id] = themed[response_id]
    return len(responses)


def _reject(batch, problem):
    batch.refresh_from_db()
    batch.status = BatchStatus.REJECTED
    batch.error_count = max(batch.error_count, 1)
    batch.report = {**batch.report, "errors": [problem]}
    batch.save(update_fields=["status", "error_count", "report"])


def batch_undo(*, batch, actor):
    """Remove every response of an imported batch and their feedback items, and say so in
    the audit log. Returns how many responses were removed."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != BatchStatus.IMPORTED:
            raise NotAllowed("Only an imported file can be undone.")
        responses = ImportedResponse.objects.filter(batch=batch)
        # Their codes go with the items; the actions that wrote them are marked undone.
        imported_codes.actions_of_batch(batch).update(undone_at=timezone.now(), undone_by=actor)
        sync.imported_responses_deleted(responses)
        responses.delete()
        grouping.refresh_groups(consultation=batch.consultation)
        batch.status = BatchStatus.UNDONE
        batch.undone_at = timezone.now()
        batch.undone_by = actor
        batch.save(update_fields=["status", "undone_at", "undone_by"])
        audit_record(
            actor=actor,
            action="import_undo",
            target=batch,
            data={
                "file": batch.file_name,
                "responses": batch.responses_created,
                "consultation": batch.consultation_id,
            },
        )
    return batch.responses_created
