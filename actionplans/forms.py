from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actionplans.models import (
    Action,
    ActionPartner,
    ActionPlan,
    EvaluationCheckpoint,
    Framework,
    FundingAllocation,
    Indicator,
    Lesson,
    Objective,
    ProgressUpdate,
)
from core.forms import ServiceValidatedMixin, StyledFormMixin, VisibleChoicesMixin
from core.models import GranteeKind, User
from core.widgets import TypeaheadSelect
from stakeholders.models import Jurisdiction, Organisation


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


# --- writing plans, objectives, actions, indicators, funding and evaluation ----------------------
#
# Model forms whose writes go through the services (``ServiceValidatedMixin``: the model's own
# validation runs once, in the service), every foreign key narrowed to what the user may see
# (``VisibleChoicesMixin``) and further to the plan in hand. ``version`` is the row version the
# editor read: a stale one gets the conflict message with what changed.


class _Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class _WriteForm(VisibleChoicesMixin, ServiceValidatedMixin, StyledFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk and "version" not in self.initial:
            self.initial["version"] = getattr(self.instance, "version", None)
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput) and not isinstance(field.widget, DateInput):
                field.widget = DateInput(attrs=field.widget.attrs)

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in self._meta.fields and k != "version"}  # type: ignore[operator]


class PlanForm(_WriteForm):
    class Meta:
        model = ActionPlan
        fields = [
            "title",
            "summary",
            "jurisdiction",
            "owning_committee",
            "framework",
            "parent",
            "period_start",
            "period_end",
            "rag_amber_below",
            "rag_red_below",
            "local_only",
            "iati_identifier",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}), "owning_committee": TypeaheadSelect("committees")}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        from core.permissions import subtree_q
        from stakeholders.models import Jurisdiction
        from stakeholders.permissions import scopes_for

        scopes = scopes_for(user)
        if not scopes.is_platform_admin:
            places = Jurisdiction.objects.filter(subtree_q("path", scopes.coordinator_paths))
            self.fields["jurisdiction"].queryset = self.fields["jurisdiction"].queryset.filter(  # type: ignore[attr-defined]
                pk__in=places.values("pk")
            )
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=self.instance.pk)  # type: ignore[attr-defined]
        from actionplans.selectors import framework_current_q

        # The current version of each framework; a plan under an older version keeps it on offer.
        framework = self.fields["framework"]
        keep = Q(pk=self.instance.framework_id) if self.instance.framework_id else Q(pk__in=[])
        framework.queryset = framework.queryset.filter(framework_current_q() | keep)  # type: ignore[attr-defined]
        framework.help_text = _("The current version of each framework is offered; see all of them under Frameworks.")


class PlanStatusForm(StyledFormMixin, _Versioned):
    status = forms.ChoiceField(label=_("New status"), choices=())
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices  # type: ignore[attr-defined]


class PlanApproveForm(StyledFormMixin, _Versioned):
    note = forms.CharField(
        label=_("Note on this version"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ObjectiveForm(_WriteForm):
    class Meta:
        model = Objective
        fields = ["code", "title", "description", "pillars", "weight", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "pillars": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, user: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        pillars = self.fields["pillars"]
        pillars.queryset = pillars.queryset.filter(framework_id=plan.framework_id)  # type: ignore[attr-defined]
        pillars.help_text = _("The pillars of the plan's framework this objective serves.")
        pillars.widget.attrs["class"] = "list-unstyled"

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["pillars"] = list(data.get("pillars") or [])
        return data


class ActionForm(_WriteForm):
    class Meta:
        model = Action
        fields = [
            "objective",
            "title",
            "description",
            "kind",
            "lead_organisation",
            "owner",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "status",
            "weight",
            "rag_override",
            "rag_override_reason",
            "budget",
            "currency",
            "local_only",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "rag_override_reason": forms.Textarea(attrs={"rows": 2}),
            "lead_organisation": TypeaheadSelect("organisations"),
            "owner": TypeaheadSelect("people"),
        }

    def __init__(self, *args: Any, user: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        objective = self.fields["objective"]
        objective.queryset = objective.queryset.filter(plan=plan)  # type: ignore[attr-defined]
        if "rag_override" in self.fields:
            self.fields["rag_override"].help_text = _("Leave empty to let the RAG status follow progress and time.")
        if not self.instance.pk:
            for name in ("actual_start", "actual_end", "rag_override", "rag_override_reason"):
                self.fields.pop(name, None)


class PartnerForm(VisibleChoicesMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ActionPartner
        fields = ["organisation", "role"]
        widgets = {"organisation": TypeaheadSelect("organisations")}


PartnerFormSet = forms.formset_factory(PartnerForm, extra=2, can_delete=True, max_num=50, validate_max=True)


def partner_formset(data: Any = None, *, user: Any, initial: list[dict[str, Any]] | None = None) -> Any:
    """The partner rows; each organisation is a type-ahead picker, so a row reads only its chosen
    organisation (never a list of them all), and the chosen ones are read once for every row."""
    from core import pickers

    formset = PartnerFormSet(data, prefix="partners", initial=initial, form_kwargs={"user": user})
    rows = [*formset.forms, formset.empty_form]
    chosen = {str(v) for form in rows if (v := form["organisation"].value()) not in (None, "")}
    field = rows[0].fields["organisation"]
    assert isinstance(field, forms.ModelChoiceField)
    picker = pickers.get("organisations")
    label = picker.label if picker is not None else str
    try:
        labels = {str(o.pk): label(o) for o in field.queryset.filter(pk__in=chosen)} if chosen else {}  # type: ignore[union-attr]
    except (ValueError, TypeError):
        labels = {}
    for form in rows:
        widget = form.fields["organisation"].widget
        assert isinstance(widget, TypeaheadSelect)
        widget.labels = labels
    return formset


def partners_from(formset: Any) -> list[tuple[Any, str]]:
    return [
        (f.cleaned_data["organisation"], f.cleaned_data["role"])
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("organisation")
    ]


class IndicatorForm(_WriteForm):
    class Meta:
        model = Indicator
        fields = [
            "objective",
            "action",
            "code",
            "name",
            "measure",
            "unit",
            "direction",
            "cumulative",
            "aggregation",
            "baseline_date",
            "baseline_value",
            "means_of_verification",
            "parent",
            "weight",
            "local_only",
        ]
        widgets = {"means_of_verification": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, user: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        for name in ("objective", "action"):
            self.fields[name].queryset = self.fields[name].queryset.filter(plan=plan)  # type: ignore[attr-defined]
        parent = self.fields["parent"]
        parent.queryset = (  # type: ignore[attr-defined]
            parent.queryset.filter(plan_id=plan.parent_id) if plan.parent_id else parent.queryset.none()  # type: ignore[attr-defined]
        )
        parent.help_text = _(
            "An indicator of the parent plan with the same measure; leave empty if it does not roll up."
        )


class TargetForm(StyledFormMixin, forms.Form):
    period_start = forms.DateField(label=_("Period from"), widget=DateInput)
    period_end = forms.DateField(label=_("Period to"), widget=DateInput)
    value = forms.CharField(label=_("Target"), max_length=300)


TargetFormSet = forms.formset_factory(TargetForm, extra=2, max_num=40, validate_max=True)


def target_formset(data: Any = None, *, initial: list[dict[str, Any]] | None = None) -> Any:
    return TargetFormSet(data, prefix="targets", initial=initial)


class AllocationForm(_WriteForm):
    class Meta:
        model = FundingAllocation
        fields = [
            "title",
            "action",
            "funder",
            "recipient",
            "amount",
            "currency",
            "status",
            "next_tranche_needs_accepted_report",
            "local_only",
        ]
        widgets = {"funder": TypeaheadSelect("organisations"), "recipient": TypeaheadSelect("organisations")}

    def __init__(self, *args: Any, user: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        action = self.fields["action"]
        action.queryset = action.queryset.filter(plan=plan)  # type: ignore[attr-defined]


class TrancheForm(StyledFormMixin, forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0)
    planned_on = forms.DateField(label=_("Planned for"), widget=DateInput)


class DisburseForm(StyledFormMixin, forms.Form):
    disbursed_on = forms.DateField(label=_("Disbursed on"), widget=DateInput)


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class EvaluationForm(_WriteForm):
    class Meta:
        model = EvaluationCheckpoint
        fields = [
            "kind",
            "due_on",
            "held_on",
            "relevance",
            "coherence",
            "effectiveness",
            "efficiency",
            "impact",
            "sustainability",
            "report",
            "report_link",
            "management_response",
        ]
        widgets = {
            "report": forms.Textarea(attrs={"rows": 5}),
            "management_response": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        for name in EvaluationCheckpoint.CRITERIA:
            self.fields[name].help_text = _("1 unsatisfactory … 4 highly satisfactory; empty if not rated.")


class LessonForm(_WriteForm):
    class Meta:
        model = Lesson
        fields = ["text", "checkpoint"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        checkpoint = self.fields["checkpoint"]
        checkpoint.queryset = checkpoint.queryset.filter(plan=plan)  # type: ignore[attr-defined]


class LessonActionForm(ActionForm):
    class Meta(ActionForm.Meta):
        fields = ["objective", "title", "kind", "lead_organisation", "owner", "planned_start", "planned_end"]


class ShareForm(StyledFormMixin, forms.Form):
    """Share one action with an organisation, a committee or a person (by their sign-in e-mail)."""

    grantee_kind = forms.ChoiceField(label=_("Share with"), choices=GranteeKind.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        widget=TypeaheadSelect("grantee-organisations"),
    )
    committee = forms.ModelChoiceField(
        label=_("Committee"),
        required=False,
        queryset=Organisation.objects.none(),
        widget=TypeaheadSelect("grantee-committees"),
    )
    person = forms.EmailField(label=_("Person (their sign-in e-mail)"), required=False)
    permission = forms.ChoiceField(
        label=_("Access"),
        choices=[("view", _("Read the action")), ("report", _("Read it and report progress on it"))],
        initial="report",
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    expires_at = forms.DateTimeField(
        label=_("Access until"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from core.grants import grantees_visible

        self.fields["organisation"].queryset = grantees_visible(user, GranteeKind.ORGANISATION)  # type: ignore[attr-defined]
        self.fields["committee"].queryset = grantees_visible(user, GranteeKind.COMMITTEE)  # type: ignore[attr-defined]

    def grantee(self) -> tuple[str, int | None]:
        kind = self.cleaned_data["grantee_kind"]
        if kind == GranteeKind.ORGANISATION:
            org = self.cleaned_data.get("organisation")
            return kind, org.pk if org else None
        if kind == GranteeKind.COMMITTEE:
            committee = self.cleaned_data.get("committee")
            return kind, committee.pk if committee else None
        email = (self.cleaned_data.get("person") or "").lower()
        found = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
        return kind, found.pk if found else None


# --- frameworks ---------------------------------------------------------------------------------


class FrameworkForm(StyledFormMixin, forms.Form):
    """Adopt a framework: its name, the jurisdiction that adopts it (where the user may), the date."""

    name = forms.CharField(label=_("Name"), max_length=200)
    jurisdiction = forms.ModelChoiceField(
        label=_("Jurisdiction"),
        queryset=Jurisdiction.objects.none(),
        widget=TypeaheadSelect("framework-jurisdictions"),
        help_text=_("The jurisdiction that adopts the framework: yours or one below it."),
    )
    adopted_on = forms.DateField(label=_("Adopted on"), required=False, widget=DateInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from actionplans.permissions import framework_jurisdictions

        self.fields["jurisdiction"].queryset = framework_jurisdictions(user)  # type: ignore[attr-defined]


class FrameworkVersionForm(StyledFormMixin, forms.Form):
    """A new version (revise) or a correction of a version no plan follows: the date it was adopted."""

    adopted_on = forms.DateField(label=_("Adopted on"), required=False, widget=DateInput)


class FrameworkEditForm(FrameworkVersionForm):
    """A correction of a version: ``etag`` is what the editor read (its date and pillars), so a
    correction saved by someone else in between is not overwritten (the page answers 409)."""

    etag = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class PillarForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=200)


PillarFormSet = forms.formset_factory(PillarForm, extra=3, can_delete=True, max_num=60, validate_max=True)
NewPillarFormSet = forms.formset_factory(PillarForm, extra=8, can_delete=True, max_num=60, validate_max=True)


def pillar_formset(data: Any = None, *, framework: Framework | None = None) -> Any:
    """The pillars as rows of code and name, in order; a version's own pillars to start from."""
    initial = (
        [{"code": p.code, "name": p.name} for p in framework.pillars.order_by("order", "code")]
        if framework is not None
        else None
    )
    formset_class = NewPillarFormSet if framework is None else PillarFormSet
    return formset_class(data, prefix="pillars", initial=initial)


def pillars_from(formset: Any) -> list[tuple[str, str]]:
    return [
        (f.cleaned_data["code"], f.cleaned_data["name"])
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]
