"""The type-ahead picker's widget (see ``core.pickers``): a WAI-ARIA combobox whose chosen id travels
in a hidden input. Only the chosen row is read (one query, by primary key); the choices are never
listed, so the page costs the same for five people as for fifty thousand.

Use it on a ``ModelChoiceField`` whose queryset is the picker's::

    person = forms.ModelChoiceField(queryset=..., widget=TypeaheadSelect(picker="people"))

The behaviour is ``static/js/typeahead.js`` (loaded on every page, no inline script).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse


class TypeaheadSelect(forms.Widget):
    template_name = "core/widgets/typeahead.html"

    def __init__(self, picker: str, attrs: dict[str, Any] | None = None, queryset: Any = None) -> None:
        super().__init__(attrs)
        self.picker = picker
        self.queryset = queryset  # where the chosen row's label is read, for fields without choices
        self.choices: Any = []
        # The chosen rows' labels by id, read once for many widgets (a formset's rows); else one query.
        self.labels: dict[str, str] | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> TypeaheadSelect:
        obj = super().__deepcopy__(memo)
        obj.choices = self.choices
        obj.queryset = self.queryset
        obj.labels = self.labels
        return obj

    def format_value(self, value: Any) -> str:
        if value is None or value == "":
            return ""
        return str(getattr(value, "pk", value))

    def chosen_label(self, value: str) -> str:
        """The label of the chosen row, when the user may see it (else nothing: a tampered id shows
        no name and fails validation)."""
        from core import pickers

        if self.labels is not None:
            return self.labels.get(value, "") if value else ""
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            queryset = self.queryset
        if not value or queryset is None:
            return ""
        try:
            row = queryset.filter(pk=value).first()
        except (ValueError, TypeError):
            return ""
        picker = pickers.get(self.picker)
        if row is None:
            return ""
        return picker.label(row) if picker is not None else str(row)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["label"] = self.chosen_label(widget["value"])
        widget["url"] = reverse("pick", kwargs={"kind": self.picker})
        widget["required"] = widget["attrs"].pop("required", False) or self.is_required
        return context

    def use_required_attribute(self, initial: Any) -> bool:
        return False  # the hidden input cannot be required; the text box says aria-required

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)
