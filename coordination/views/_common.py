"""Pages of the coordination app: thin views over the selectors and services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from core.forms import apply_service_errors


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


class Outcome:
    """What a service call gave: truthy when it ran, with its result as ``value``."""

    def __init__(self, ok: bool, value: Any = None) -> None:
        self.ok, self.value = ok, value

    def __bool__(self) -> bool:
        return self.ok


def _attempt(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    form: forms.BaseForm | None = None,
    success: str | Callable[[Any], str] | None = None,
) -> Outcome:
    """Run one service call for a page. Its ``ValidationError`` lands on ``form`` (field by field) or,
    without a form, in the messages of the next page; when it runs, ``success`` (a message, or a
    function of the result giving one) is flashed. Truthy when the call ran."""
    try:
        value = call()
    except ValidationError as exc:
        if form is not None:
            apply_service_errors(form, exc)
        else:
            _flash_errors(request, exc)
        return Outcome(False)
    if success is not None:
        messages.success(request, success(value) if callable(success) else success)
    return Outcome(True, value)
