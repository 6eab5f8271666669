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
from django.utils.http import urlencode


class TypeaheadSelect(forms.Widget):
    template_name = "core/widgets/typeahead.html"

    def __init__(self, picker: str, attrs: dict[str, Any] | None = None, queryset: Any = None) -> None:
        super().__init__(attrs)
        self.picker = picker
        self.queryset = queryset  # where the chosen row's label is read, for fields without choices
        self.near = ""  # a jurisdiction path whose rows are offered first (``near_first``)
        self.choices: Any = []
        # The chosen rows' labels by id, read once for many widgets (a formset's rows); else one query.
        self.labels: dict[str, str] | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> TypeaheadSelect:
        obj = super().__deepcopy__(memo)
        obj.choices = self.choices
        obj.queryset = self.queryset
        obj.near = self.near
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
        url = reverse("pick", kwargs={"kind": self.picker})
        widget["url"] = f"{url}?{urlencode({'near': self.near})}" if self.near else url
        widget["required"] = widget["attrs"].pop("required", False) or self.is_required
        return context

    def use_required_attribute(self, initial: Any) -> bool:
        return False  # the hidden input cannot be required; the text box says aria-required

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


def near_first(form: forms.BaseForm, path: str) -> None:
    """Every picker of ``form`` offers the rows of the jurisdiction ``path`` (and below) first, e.g.
    a committee's own district's people before the rest of what the user may see."""
    for field in form.fields.values():
        if isinstance(field.widget, TypeaheadSelect):
            field.widget.near = path


class TypeaheadSelectMultiple(TypeaheadSelect):
    """Several picks of one picker: a type-ahead box per chosen row plus ``extra`` empty ones, all
    under the field's name (so the form receives the list). The chosen rows are read in one query.

    Use it on a ``ModelMultipleChoiceField`` whose queryset is the picker's."""

    template_name = "core/widgets/typeahead_multiple.html"
    allow_multiple_selected = True

    def __init__(self, picker: str, attrs: dict[str, Any] | None = None, queryset: Any = None, extra: int = 3) -> None:
        super().__init__(picker, attrs, queryset)
        self.extra = extra
        #: The field's label, which names the second and later boxes ("Parties, choice 2") for screen
        #: readers; the first box has the field's own <label>. Set by ``StyledFormMixin``.
        self.field_label: object = ""

    def __deepcopy__(self, memo: dict[int, Any]) -> TypeaheadSelectMultiple:
        obj = super().__deepcopy__(memo)
        assert isinstance(obj, TypeaheadSelectMultiple)
        obj.extra = self.extra
        obj.field_label = self.field_label
        return obj

    def format_value(self, value: Any) -> list[str]:  # type: ignore[override]
        if value is None or value == "":
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(getattr(v, "pk", v)) for v in values if v not in (None, "")]

    def _labels(self, values: list[str]) -> dict[str, str]:
        from core import pickers

        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            queryset = self.queryset
        if not values or queryset is None:
            return {}
        picker = pickers.get(self.picker)
        label = picker.label if picker is not None else str
        try:
            return {str(row.pk): label(row) for row in queryset.filter(pk__in=values)}
        except (ValueError, TypeError):
            return {}

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = forms.Widget.get_context(self, name, value, attrs)
        widget = context["widget"]
        values = widget["value"]
        labels = self._labels(values)
        base_id = widget["attrs"].get("id") or f"id_{name}"
        url = reverse("pick", kwargs={"kind": self.picker})
        boxes = []
        for n, v in enumerate([*values, *[""] * self.extra]):
            attrs_n = {k: val for k, val in widget["attrs"].items() if k not in ("id", "required")}
            attrs_n["id"] = base_id if n == 0 else f"{base_id}_{n}"
            boxes.append({"name": name, "value": v, "label": labels.get(v, ""), "url": url, "attrs": attrs_n})
        widget["boxes"] = boxes
        widget["field_label"] = self.field_label
        widget["required"] = widget["attrs"].pop("required", False) or self.is_required
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getter = getattr(data, "getlist", None)
        values = getter(name) if getter else data.get(name)
        if values is None:
            return None
        if not isinstance(values, list | tuple):
            values = [values]
        return [v for v in values if v not in (None, "")]
