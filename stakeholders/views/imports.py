"""CSV/XLSX import: upload, preview, confirm or discard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import request_user
from stakeholders import importing, permissions, selectors, services
from stakeholders.forms import (
    ImportForm,
)
from stakeholders.models import ImportBatch
from stakeholders.views._common import (
    _save,
)


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not permissions.can_import(user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = _save(
            form,
            lambda: services.import_batch_preview(
                actor=user, kind=form.cleaned_data["kind"], filename=upload.name, data=upload.read()
            ),
        )
        if batch is not None:
            return redirect(batch)
    return render(
        request,
        "stakeholders/import_upload.html",
        {
            "form": form,
            "columns": {kind: importing.columns_for(kind) for kind in ImportBatch.Kind.values},
            "recent": selectors.import_batch_list_for_user(user)[:10],
        },
    )


PREVIEW_ROWS = 50


ERRORS_SHOWN = 300


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the rows and their errors; POST: import them all, in one transaction, or nothing."""
    user = request_user(request)
    batch = selectors.import_batch_get_for_user(user, pk)
    if request.method == "POST" and batch.status == ImportBatch.Status.PENDING and not batch.errors:
        try:
            batch = services.import_batch_commit(actor=user, batch=batch)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(batch)
        if batch.status == ImportBatch.Status.COMMITTED:
            messages.success(request, _("%(n)d rows imported.") % {"n": batch.created_count})
            target = (
                "stakeholders:organisation-list"
                if batch.kind == ImportBatch.Kind.ORGANISATIONS
                else "stakeholders:person-list"
            )
            return redirect(target)
        messages.error(request, _("The registry changed since the preview: nothing was imported. See the errors."))
        return redirect(batch)
    columns = [c.name for c in importing.columns_for(batch.kind)]
    return render(
        request,
        "stakeholders/import_preview.html",
        {
            "batch": batch,
            "columns": columns,
            "sample": [
                [row["values"].get(c, "") for c in columns] + [row["line"]] for row in batch.rows[:PREVIEW_ROWS]
            ],
            "errors": batch.errors[:ERRORS_SHOWN],
            "more_errors": max(0, len(batch.errors) - ERRORS_SHOWN),
            "more_rows": max(0, batch.row_count - PREVIEW_ROWS),
        },
    )


@login_required
@require_POST
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    batch = selectors.import_batch_get_for_user(user, pk)
    services.import_batch_discard(actor=user, batch=batch)
    messages.info(request, _("The upload was discarded; nothing was imported."))
    return redirect("stakeholders:import")
