"""Helpers every registry page uses: the form page, service errors onto the form, export names."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from core.forms import apply_service_errors


def _form_page(request: HttpRequest, form: Any, title: str, cancel_url: str = "", **extra: Any) -> HttpResponse:
    return render(request, "stakeholders/form.html", {"form": form, "title": title, "cancel_url": cancel_url, **extra})


FORM_FIELD_FOR = {"contact_consent_at": "contact_consent_date"}


def _save(form: Any, call: Any) -> Any:
    """Run a service with the form's data; its field errors (400-like) land on the form."""
    try:
        return call()
    except ValidationError as exc:
        apply_service_errors(form, exc, FORM_FIELD_FOR)
        return None


def _export_name(stem: str, extension: str) -> str:
    return f"roundtable-{stem}-{timezone.localdate():%Y%m%d}.{extension}"


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)  # keyset pages (core.pagination)
    return query.urlencode()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _int_param(request: HttpRequest, name: str, low: int = 1, high: int = 5) -> int | None:
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return None
    return value if low <= value <= high else None
