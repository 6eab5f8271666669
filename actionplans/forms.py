from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actionplans.models import Indicator, ProgressUpdate
from core.forms import StyledFormMixin


class DateInput(forms.DateInput):
    input_type = "date"


class ProgressUpdateForm(StyledFormMixin, forms.Form):
    """A report on an action (progress and narrative) or an indicator period (its value), with
    evidence. Only the fields that fit the subject are shown."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    period_start = forms.DateField(label=_("Period from"), widget=DateInput)
    period_end = forms.DateField(label=_("Period to"), widget=DateInput)
    progress = forms.IntegerField(label=_("Progress (%)"), required=False, min_value=0, max_value=100)
    value = forms.DecimalField(label=_("Value"), required=False, max_digits=16, decimal_places=4)
    numerator = forms.DecimalField(label=_("Numerator"), required=False, max_digits=16, decimal_places=4)
    denominator = forms.DecimalField(label=_("Denominator"), required=False, max_digits=16, decimal_places=4)
    text_value = forms.CharField(label=_("Result in words"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    narrative = forms.CharField(
        label=_("What was done in the period"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    evidence_link = forms.URLField(label=_("Link to evidence"), required=False, assume_scheme="https")
    file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, image, Word, Excel, PowerPoint, OpenDocument text, CSV or plain text; up to 10 MB."),
    )
    submit = forms.BooleanField(label=_("Submit for review now"), required=False, initial=True)

    def __init__(self, *args: Any, indicator: Indicator | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if indicator is None:
            for name in ("value", "numerator", "denominator", "text_value"):
                del self.fields[name]
        else:
            del self.fields["progress"]
            keep = {
                Indicator.Measure.NUMBER: ("value",),
                Indicator.Measure.PERCENTAGE: ("numerator", "denominator"),
                Indicator.Measure.QUALITATIVE: ("text_value",),
            }[Indicator.Measure(indicator.measure)]
            for name in ("value", "numerator", "denominator", "text_value"):
                if name not in keep:
                    del self.fields[name]
            if indicator.unit and "value" in self.fields:
                self.fields["value"].label = _("Value (%(unit)s)") % {"unit": indicator.unit}

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("version", "file", "submit")}
        for name in ("narrative", "text_value", "evidence_link"):
            if name in data and data[name] is None:
                data[name] = ""
        return data


class ReviewForm(StyledFormMixin, forms.Form):
    ACCEPT, RETURN = "accept", "return"

    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ACCEPT, _("Accept: the values count and the period is locked")), (RETURN, _("Return with a note"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the reporters"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the update."),
    )


class EvidenceForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Evidence file"))


class VersionDiffForm(forms.Form):
    a = forms.IntegerField(min_value=1)
    b = forms.IntegerField(min_value=1)


STATUS_CHOICES = [("", _("Any status")), *ProgressUpdate.Status.choices]
