"""Writing to the audit log (hub.core.models.AuditEntry): the one way entries are made.

Call inside the transaction of the change being recorded, so the entry and the change are
written together or not at all."""

from hub.core.models import AuditEntry


def audit_entry(*, actor, action, target=None, subject=None, reason="", data=None):
    """An entry not written yet, for `audit_record_many`."""
    entry = AuditEntry(actor=actor, action=action, subject=subject, reason=reason, data=data or {})
    if target is not None:
        entry.target = target
    return entry


def audit_record(*, actor, action, target=None, subject=None, reason="", data=None):
    """Record that `actor` (None: the system) did `action` to `target` (any saved object, or
    None), concerning `subject` (a person), with the `reason` given and any other `data`
    that explains it (JSON). Returns the entry."""
    entry = audit_entry(
        actor=actor, action=action, target=target, subject=subject, reason=reason, data=data
    )
    entry.save(force_insert=True)
    return entry


def audit_record_many(entries):
    """Write many entries made by `audit_entry` in one query (a retention run, a bulk
    action). Returns them."""
    return AuditEntry.objects.bulk_create(list(entries))
