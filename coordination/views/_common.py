"""Pages of the coordination app: thin views over the selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)
