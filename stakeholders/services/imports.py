"""CSV/XLSX imports: preview, then commit all rows or none."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from core.permissions import require
from core.services import audit_record
from stakeholders import importing, permissions
from stakeholders.directory import directory_refresh
from stakeholders.models import (
    ImportBatch,
    Organisation,
    Person,
    Position,
)

PENDING_IMPORTS_KEPT_FOR = timedelta(days=1)


@transaction.atomic
def import_batch_preview(*, actor: User, kind: str, filename: str, data: bytes) -> ImportBatch:
    """Read an upload and check every row; nothing is imported yet. The parsed rows are kept
    server-side in an :class:`ImportBatch` owned by ``actor`` until confirmed or discarded."""
    require(permissions.can_import(actor), _("Only coordinators and platform admins may import."))
    if kind not in ImportBatch.Kind.values:
        raise ValidationError({"kind": _("Choose organisations or people.")})
    import_batches_purge_stale(owner=actor)
    parsed = importing.parse_upload(kind, filename, data)
    errors = parsed.errors
    if not errors:
        errors = importing.prepare_rows(kind, parsed.rows, actor).errors
    return ImportBatch.objects.create(
        owner=actor,
        kind=kind,
        filename=filename[:255],
        encoding=parsed.encoding,
        rows=parsed.rows,
        errors=errors,
        notices=parsed.notices,
        row_count=len(parsed.rows),
    )


def import_batches_purge_stale(*, owner: User | None = None) -> int:
    """Delete uploads left waiting for confirmation longer than a day (their rows are personal data)."""
    stale = ImportBatch.objects.filter(
        status=ImportBatch.Status.PENDING, created_at__lt=timezone.now() - PENDING_IMPORTS_KEPT_FOR
    )
    if owner is not None:
        stale = stale.filter(owner=owner)
    deleted, _ = stale.delete()
    return deleted


@transaction.atomic
def import_batch_commit(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Write every row of a previewed upload in this one transaction, or none of them.

    The rows are checked again (the registry may have changed since the preview); if any row fails,
    nothing is written and the batch keeps the new errors, still waiting for a corrected file.
    """
    require(
        permissions.can_import(actor) and batch.owner_id == actor.pk,
        _("Only the person who uploaded the file may import it."),
    )
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PENDING:
        raise ValidationError(_("This file has already been imported or discarded."))
    if batch.errors:
        raise ValidationError(_("Correct the errors and upload the file again: nothing was imported."))
    prepared = importing.prepare_rows(batch.kind, batch.rows, actor)
    if prepared.errors:
        batch.errors = prepared.errors
        batch.save(update_fields=["errors"])
        return batch
    if batch.kind == ImportBatch.Kind.ORGANISATIONS:
        created = len(Organisation.objects.bulk_create(prepared.organisations, batch_size=1000))
    else:
        people = Person.objects.bulk_create([pair[0] for pair in prepared.people], batch_size=1000)
        positions = []
        for person, (_unsaved, position) in zip(people, prepared.people, strict=True):
            position.person = person
            positions.append(position)
        Position.objects.bulk_create(positions, batch_size=1000)
        directory_refresh([person.pk for person in people])  # bulk_create sends no signals
        created = len(people)
    batch.status = ImportBatch.Status.COMMITTED
    batch.committed_at = timezone.now()
    batch.created_count = created
    batch.rows = []  # the registry now holds them; the raw upload is not kept
    batch.save(update_fields=["status", "committed_at", "created_count", "rows"])
    audit_record(
        actor=actor,
        action="import.commit",
        target=batch,
        changes={"kind": batch.kind, "file": batch.filename, "created": created},
    )
    return batch


@transaction.atomic
def import_batch_discard(*, actor: User, batch: ImportBatch) -> None:
    require(batch.owner_id == actor.pk, _("Only the person who uploaded the file may discard it."))
    if batch.status == ImportBatch.Status.PENDING:
        batch.status = ImportBatch.Status.DISCARDED
        batch.rows = []
        batch.save(update_fields=["status", "rows"])
