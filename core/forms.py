from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class StyledFormMixin:
    """Gives every widget its Bootstrap class and marks invalid fields (visible and announced)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from core.widgets import TypeaheadSelectMultiple

        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, TypeaheadSelectMultiple):
                widget.field_label = field.label or ""  # names its second and later boxes
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in getattr(self, "errors", {}):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"


class VisibleChoicesMixin:
    """Narrows every foreign-key and many-to-many field of a form to the rows ``user`` may see
    (``core.permissions.visible``), so a page offers, and accepts, only visible choices. A form may
    narrow further after ``super().__init__``; it may not widen. Pass ``user=`` to the form."""

    fields: dict[str, forms.Field]
    #: Fields of a filter form whose widget names only the chosen row (a hidden input, a type-ahead
    #: box): narrowed when the request gives them a value, otherwise they offer nothing, so a page
    #: view that filters by nothing builds no permission rule for them.
    narrow_only_given: tuple[str, ...] = ()

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from core.permissions import visible

        self.user = user
        data = getattr(self, "data", None) or {}
        for name, field in self.fields.items():
            if name in self.narrow_only_given and not data.get(self.add_prefix(name)):  # type: ignore[attr-defined]
                field.queryset = field.queryset.none()  # type: ignore[attr-defined]
                continue
            if isinstance(field, forms.ModelChoiceField):
                model = field.queryset.model  # type: ignore[union-attr]
                field.queryset = field.queryset.filter(  # type: ignore[union-attr]
                    pk__in=visible(user, model).values("pk")
                )


class ServiceValidatedMixin:
    """For model forms whose writes go through a service: the model's own validation (``full_clean``)
    runs once, in the service, and its field errors come back onto the form (``apply_service_errors``).
    The instance stays untouched until the service assigns the data, so the audit record sees the change."""

    def _post_clean(self) -> None:
        return None


def apply_service_errors(form: forms.BaseForm, exc: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """A service's ``ValidationError`` onto the form: on the field where the form has it, else at the top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            name = (field_map or {}).get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)
