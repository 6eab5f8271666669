"""Forms of information sharing: they parse input; the services decide and validate the rest."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.permissions import committees_visible
from core.forms import StyledFormMixin
from core.models import GranteeKind, User
from core.widgets import TypeaheadSelect, TypeaheadSelectMultiple
from infosharing import selectors
from infosharing.models import TLP, AgreementParty, SharingAgreement, Template
from stakeholders.models import Organisation
from stakeholders.permissions import organisations_visible

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ItemSearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    label = forms.ChoiceField(label=_("Label"), required=False, choices=[("", _("Any label")), *TLP.choices])


class ItemForm(StyledFormMixin, forms.Form):
    """A new item. The template's fields are added as ``value_<name>`` fields."""

    title = forms.CharField(label=_("Title"), max_length=200)
    organisation = forms.ModelChoiceField(label=_("On behalf of"), queryset=Organisation.objects.none())
    label = forms.ChoiceField(
        label=_("TLP label"),
        required=False,
        choices=[("", _("Unlabelled (cannot be shared)")), *TLP.choices],
        help_text=_(
            "RED: named people only. AMBER+STRICT: recipient organisations only. AMBER: recipient "
            "organisations and the agreement's clients. GREEN: the agreement's community. CLEAR: everyone signed in."
        ),
    )
    category = forms.CharField(label=_("Category"), max_length=100)
    agreement = forms.ModelChoiceField(
        label=_("Agreement cited"), required=False, queryset=SharingAgreement.objects.none()
    )
    facts = forms.CharField(
        label=_("Facts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was observed or reported, without opinion."),
    )
    opinion = forms.CharField(
        label=_("Opinion and assessment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your assessment, kept apart from the facts."),
    )
    retention_until = forms.DateField(
        label=_("Keep until"),
        required=False,
        widget=DATE,
        help_text=_("Empty: the agreement's retention period from today."),
    )
    review_on = forms.DateField(label=_("Review on"), required=False, widget=DATE)
    file = forms.FileField(label=_("Attachment"), required=False, help_text=_("PDF, PNG, JPEG, plain text or CSV."))

    def __init__(self, *args: Any, user: User, template: Template | None, **kwargs: Any) -> None:
        self.template = template
        super().__init__(*args, **kwargs)
        roles = selectors.perms.roles_of(user)
        org_ids = sorted(roles.organisation_ids) if roles else []
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=org_ids)  # type: ignore[attr-defined]
        self.fields["agreement"].queryset = selectors.agreements_visible_to(user)  # type: ignore[attr-defined]
        for f in template.fields if template else []:
            self.fields[f"value_{f['name']}"] = _template_field(f)
        for name in self.fields:
            if name.startswith("value_"):
                w = self.fields[name].widget
                css = (
                    "form-check-input"
                    if isinstance(w, forms.CheckboxInput)
                    else ("form-select" if isinstance(w, forms.Select) else "form-control")
                )
                w.attrs["class"] = css

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("value_"):
                out[name[6:]] = value.isoformat() if hasattr(value, "isoformat") else value
        return out


def _template_field(f: dict[str, Any]) -> forms.Field:
    """A form field for a template field: the browser gets a matching input; the service validates."""
    common: dict[str, Any] = {"label": f["label"], "required": False, "help_text": f.get("help", "")}
    t = f["type"]
    if t == Template.FieldType.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if t == Template.FieldType.INTEGER:
        return forms.CharField(widget=forms.NumberInput(attrs={"step": 1}), **common)
    if t == Template.FieldType.DECIMAL:
        return forms.CharField(widget=forms.NumberInput(attrs={"step": "any"}), **common)
    if t == Template.FieldType.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if t == Template.FieldType.BOOLEAN:
        return forms.BooleanField(**common)
    if t == Template.FieldType.CHOICE:
        return forms.ChoiceField(choices=[("", "---"), *[(c, c) for c in f.get("choices", [])]], **common)
    return forms.CharField(**common)


class ShareForm(StyledFormMixin, forms.Form):
    grantee_kind = forms.ChoiceField(label=_("Share with"), choices=GranteeKind.choices)
    organisation = forms.ModelChoiceField(label=_("Organisation"), required=False, queryset=Organisation.objects.none())
    committee = forms.ModelChoiceField(label=_("Committee"), required=False, queryset=Organisation.objects.none())
    person = forms.EmailField(label=_("Person (their sign-in e-mail)"), required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    expires_at = forms.DateTimeField(
        label=_("Access until"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    read_only = forms.BooleanField(label=_("Read only (no downloads or exports)"), required=False)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, item: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agreement = item.agreement
        party_ids = list(agreement.parties.values_list("organisation_id", flat=True)) if agreement else []
        orgs = organisations_visible(user).filter(pk__in=[*party_ids, item.organisation_id])
        self.fields["organisation"].queryset = orgs  # type: ignore[attr-defined]
        committees = committees_visible(user)
        if agreement is not None:
            self.fields["committee"].queryset = agreement.client_committees.all()  # type: ignore[attr-defined]
        else:
            self.fields["committee"].queryset = committees.none()  # type: ignore[attr-defined]

    def grantee(self) -> tuple[str, int | None]:
        kind = self.cleaned_data["grantee_kind"]
        if kind == GranteeKind.ORGANISATION:
            org = self.cleaned_data.get("organisation")
            return kind, org.pk if org else None
        if kind == GranteeKind.COMMITTEE:
            c = self.cleaned_data.get("committee")
            return kind, c.pk if c else None
        email = (self.cleaned_data.get("person") or "").lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
        return kind, user.pk if user else None


class RelabelForm(StyledFormMixin, forms.Form):
    label = forms.ChoiceField(label=_("New label"), choices=TLP.choices)
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class RevokeForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class AccessRequestForm(StyledFormMixin, forms.Form):
    reference = forms.CharField(label=_("Item reference"), max_length=20, help_text=_("For example IS-1A2B3C4D5E."))
    reason = forms.CharField(label=_("Why you need it"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class DecideForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("decline", _("Decline"))], widget=forms.HiddenInput
    )
    days = forms.IntegerField(
        label=_("For how many days (empty: until revoked)"), required=False, min_value=1, max_value=365
    )
    read_only = forms.BooleanField(label=_("Read only"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class AgreementForm(StyledFormMixin, forms.ModelForm):
    categories_text = forms.CharField(
        label=_("Categories of information"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One per line.")
    )
    party_organisations = forms.ModelMultipleChoiceField(
        label=_("Parties"), queryset=Organisation.objects.none(), widget=TypeaheadSelectMultiple("organisations")
    )

    class Meta:
        model = SharingAgreement
        fields = [
            "title",
            "purpose",
            "summary",
            "lawful_basis",
            "special_category",
            "criminal_offence",
            "special_condition",
            "impact_assessment",
            "retention_days",
            "disposal",
            "security_measures",
            "rights_handling",
            "primary_user_roles",
            "max_tlp",
            "client_committees",
            "training_required",
            "release_approval_required",
            "review_interval_months",
            "next_review",
            "ends_on",
        ]
        widgets = {"next_review": DATE, "ends_on": DATE, "client_committees": TypeaheadSelectMultiple("committees")}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party_organisations"].queryset = organisations_visible(user)  # type: ignore[attr-defined]
        self.fields["client_committees"].queryset = committees_visible(user)  # type: ignore[attr-defined]
        self.fields["client_committees"].required = False

    def _post_clean(self) -> None:
        return None  # the service validates the agreement

    def categories(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data.get("categories_text", "").splitlines() if c.strip()]

    def parties(self) -> list[tuple[Organisation, str]]:
        return [(o, AgreementParty.Role.BOTH) for o in self.cleaned_data.get("party_organisations", [])]


class SignForm(StyledFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Party"), queryset=Organisation.objects.none())
    name = forms.CharField(label=_("Signatory"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)

    def __init__(self, *args: Any, agreement: SharingAgreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = agreement.parties.values_list("organisation_id", flat=True)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=ids)  # type: ignore[attr-defined]


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class TemplateForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    fields_json = forms.CharField(
        label=_("Fields"),
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace"}),
        help_text=_(
            'A list of fields, for example [{"name": "location", "label": "Location", "type": "text", '
            '"required": true, "help": "Ward or street"}]. Types: text, long_text, integer, decimal, date, '
            'boolean, choice (with "choices").'
        ),
    )

    def clean_fields_json(self) -> Any:
        try:
            return json.loads(self.cleaned_data["fields_json"])
        except ValueError:
            raise forms.ValidationError(_("The fields are not valid JSON.")) from None


class TrainingForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(label=_("Person (sign-in e-mail)"))
    course = forms.CharField(label=_("Course"), max_length=200)
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE)


class OversightForm(StyledFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        widget=TypeaheadSelect("organisations"),
    )
    email = forms.EmailField(label=_("or person (sign-in e-mail)"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_visible(user)  # type: ignore[attr-defined]


class AgreementEditForm(AgreementForm):
    """The agreement's terms, as they stand, with the version read (a change made meanwhile is
    refused), a reason (required once it is in force) and the confirmation that a material change
    sends it back to the parties for signature."""

    version = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=2000,
        help_text=_("Required once the agreement is in force; kept in the audit trail."),
    )
    resign = forms.BooleanField(
        label=_(
            "I understand: a change to the purpose, information, parties or primary users returns the "
            "agreement to draft until every party signs again."
        ),
        required=False,
    )

    def __init__(self, *args: Any, user: User, instance: SharingAgreement, **kwargs: Any) -> None:
        initial = {
            "categories_text": "\n".join(instance.categories),
            "party_organisations": list(instance.parties.values_list("organisation_id", flat=True)),
            "version": instance.updated_at.isoformat(),
            **kwargs.pop("initial", {}),
        }
        super().__init__(*args, user=user, instance=instance, initial=initial, **kwargs)
        party_ids = list(instance.parties.values_list("organisation_id", flat=True))
        self.fields["party_organisations"].queryset = (  # type: ignore[attr-defined]
            organisations_visible(user) | Organisation.objects.filter(pk__in=party_ids)
        ).distinct()
        committee_ids = list(instance.client_committees.values_list("pk", flat=True))
        from coordination.models import Committee

        self.fields["client_committees"].queryset = (  # type: ignore[attr-defined]
            committees_visible(user) | Committee.objects.filter(pk__in=committee_ids)
        ).distinct()
        self.fields["client_committees"].required = False

    def parties(self) -> list[tuple[Organisation, str]]:
        roles = dict(self.instance.parties.values_list("organisation_id", "role"))
        return [
            (o, roles.get(o.pk, AgreementParty.Role.BOTH)) for o in self.cleaned_data.get("party_organisations", [])
        ]

    def changes(self) -> dict[str, Any]:
        d = self.cleaned_data
        out = {name: d[name] for name in self._meta.fields if name in d}  # type: ignore[union-attr]
        out["categories"] = self.categories()
        out["parties"] = self.parties()
        out["client_committees"] = list(d.get("client_committees") or [])
        return out


class TemplateHeadForm(StyledFormMixin, forms.Form):
    """A template's name and description (its fields come in ``TemplateFieldFormSet``)."""

    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(label=_("In use (offered for new items)"), required=False, initial=True)
    version = forms.CharField(required=False, widget=forms.HiddenInput)


class TemplateFieldForm(StyledFormMixin, forms.Form):
    """One field of a template: its name, label, type, whether required, help, and choices."""

    name = forms.CharField(
        label=_("Name"), max_length=60, help_text=_("Letters, digits and underscores, for example ward_name.")
    )
    label = forms.CharField(label=_("Label"), max_length=120, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=Template.FieldType.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    help = forms.CharField(label=_("Help"), max_length=500, required=False)
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For “One of a list”: one choice per line."),
    )

    def has_changed(self) -> bool:
        """A row with nothing typed in is no field (its type list always has a value)."""
        if not self.is_bound:
            return False
        return any((self.data.get(self.add_prefix(n)) or "").strip() for n in ("name", "label", "help", "choices_text"))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name.isidentifier():
            raise forms.ValidationError(_("Use letters, digits and underscores only, not starting with a digit."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choices = [c.strip() for c in (data.get("choices_text") or "").splitlines() if c.strip()]
        if data.get("type") == Template.FieldType.CHOICE:
            if not choices:
                self.add_error("choices_text", _("List at least one choice, one per line."))
            elif len(set(choices)) != len(choices):
                self.add_error("choices_text", _("Each choice is listed once."))
        elif choices:
            self.add_error("choices_text", _("Only a “One of a list” field has choices."))
        data["choices"] = choices
        return data

    def definition(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "label": d.get("label") or "",
            "type": d["type"],
            "required": d.get("required", False),
            "help": d.get("help") or "",
            "choices": d.get("choices", []),
        }


if TYPE_CHECKING:
    _Rows = forms.BaseFormSet[TemplateFieldForm]
else:
    _Rows = forms.BaseFormSet


class TemplateFieldRows(_Rows):
    def clean(self) -> None:
        if any(self.errors):
            return
        names = [f.cleaned_data["name"] for f in self.kept()]
        if not names:
            raise forms.ValidationError(_("A template has at least one field."))
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise forms.ValidationError(_("Two fields are named %(name)s.") % {"name": twice[0]})

    def kept(self) -> list[TemplateFieldForm]:
        return [
            f
            for f in self.forms
            if f.has_changed() and f.is_valid() and not (self.can_delete and f.cleaned_data.get("DELETE"))
        ]

    def definitions(self) -> list[dict[str, Any]]:
        return [f.definition() for f in self.kept()]


TemplateFieldFormSet: type[TemplateFieldRows] = forms.formset_factory(  # type: ignore[assignment]
    TemplateFieldForm, formset=TemplateFieldRows, extra=2, can_delete=True, max_num=50, validate_max=True
)


def template_field_initial(template: Template) -> list[dict[str, Any]]:
    return [
        {
            "name": f["name"],
            "label": f.get("label", ""),
            "type": f["type"],
            "required": f.get("required", False),
            "help": f.get("help", ""),
            "choices_text": "\n".join(f.get("choices", [])),
        }
        for f in template.fields
    ]
