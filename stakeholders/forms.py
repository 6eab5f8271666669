from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceValidatedMixin, StyledFormMixin, VisibleChoicesMixin
from core.permissions import AnyUser
from core.widgets import TypeaheadSelect
from stakeholders import importing, permissions, selectors
from stakeholders.models import (
    ImportBatch,
    Jurisdiction,
    JurisdictionRole,
    Organisation,
    OrganisationMembership,
    Partnership,
    Person,
    Position,
    ResourceOffer,
    StakeholderMapping,
)


class JurisdictionForm(VisibleChoicesMixin, ServiceValidatedMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Jurisdiction
        fields = ["name", "code", "level", "parent", "population"]

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["parent"].queryset = permissions.jurisdictions_manageable(user)  # type: ignore[attr-defined]
        self.fields["parent"].required = not permissions.scopes_for(user).is_platform_admin


class OrganisationForm(VisibleChoicesMixin, ServiceValidatedMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "acronym",
            "kind",
            "sector",
            "jurisdiction",
            "parent",
            "description",
            "email",
            "phone",
            "website",
            "address",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        jurisdictions = permissions.jurisdictions_manageable(user)
        if self.instance.pk:
            # Keeping the current jurisdiction is always allowed; moving needs the new one in scope.
            jurisdictions = jurisdictions | Jurisdiction.objects.filter(pk=self.instance.jurisdiction_id)
        self.fields["jurisdiction"].queryset = jurisdictions.distinct()  # type: ignore[attr-defined]
        parents = permissions.organisations_visible(user)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.select_related("jurisdiction")  # type: ignore[attr-defined]
        self.fields["sector"].queryset = selectors.sector_list()  # type: ignore[attr-defined]


class DirectoryFilterForm(VisibleChoicesMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    engaged_in = forms.ModelChoiceField(
        label=_("Engaged in (stakeholder map)"),
        queryset=Jurisdiction.objects.none(),
        required=False,
        widget=forms.HiddenInput(),
    )
    here_only = forms.BooleanField(
        label=_("Only at this level, not in its parts"), required=False, widget=forms.HiddenInput()
    )
    min_engagement = forms.TypedChoiceField(
        label=_("At least"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.HiddenInput(),
        choices=[("", _("Any engagement")), *StakeholderMapping.Engagement.choices],
    )
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=selectors.sector_list(), required=False)
    jurisdiction = forms.ModelChoiceField(
        label=_("Jurisdiction (and below)"), queryset=Jurisdiction.objects.all(), required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *Organisation.Kind.choices], required=False)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["jurisdiction"].queryset = selectors.jurisdiction_list_visible_to(user)  # type: ignore[attr-defined]
        self.fields["engaged_in"].queryset = permissions.mapping_jurisdictions(user)  # type: ignore[attr-defined]


class PersonForm(VisibleChoicesMixin, ServiceValidatedMixin, StyledFormMixin, forms.ModelForm):
    """A person; on creation optionally (for organisation admins necessarily) with a first position."""

    contact_consent_date = forms.DateField(
        label=_("Consent to hold contact details given on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Required when an email or phone number is recorded. Clear it, and the contact details, if "
            "consent is withdrawn."
        ),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=TypeaheadSelect("organisations-changeable"),
    )
    title = forms.CharField(label=_("Position title"), max_length=200, required=False)
    start_date = forms.DateField(
        label=_("In this position since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Person
        fields = ["full_name", "pronouns", "languages", "expertise", "jurisdiction", "email", "phone"]
        widgets = {"expertise": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        scopes = permissions.scopes_for(user)
        jurisdictions = permissions.jurisdictions_manageable(user)
        if self.instance.pk and self.instance.jurisdiction_id:
            jurisdictions = jurisdictions | Jurisdiction.objects.filter(pk=self.instance.jurisdiction_id)
        self.fields["jurisdiction"].queryset = jurisdictions.distinct()  # type: ignore[attr-defined]
        self.fields["jurisdiction"].required = bool(scopes.coordinator_paths) and not scopes.is_platform_admin
        if self.instance.pk:
            for name in ("organisation", "title", "start_date"):
                del self.fields[name]
            if self.instance.contact_consent_at:
                self.initial["contact_consent_date"] = timezone.localtime(self.instance.contact_consent_at).date()
        else:
            self.fields["organisation"].queryset = permissions.organisations_changeable(  # type: ignore[attr-defined]
                user
            ).select_related("jurisdiction")
            if not (scopes.is_platform_admin or scopes.coordinator_paths):
                self.fields["organisation"].required = True
                self.fields["title"].required = True
                del self.fields["jurisdiction"]

    def clean_contact_consent_date(self) -> date | None:
        value: date | None = self.cleaned_data.get("contact_consent_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of consent cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("organisation") and not data.get("title"):
            self.add_error("title", _("Give the title of the position."))
        return data

    def service_data(self) -> dict[str, Any]:
        """The cleaned data in the service's terms (consent as the moment it was given)."""
        data = dict(self.cleaned_data)
        consent = data.pop("contact_consent_date", None)
        current = self.instance.contact_consent_at
        if consent is None:
            data["contact_consent_at"] = None
        elif current is None or timezone.localtime(current).date() != consent:
            data["contact_consent_at"] = timezone.make_aware(datetime.combine(consent, time(12)))
        if self.instance.pk is None and not data.get("organisation"):
            for name in ("organisation", "title", "start_date"):
                data.pop(name, None)
        return data


class PersonFilterForm(VisibleChoicesMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none(), required=False)
    jurisdiction = forms.ModelChoiceField(
        label=_("Jurisdiction (and below)"), queryset=Jurisdiction.objects.all(), required=False
    )

    # A select of every organisation would be huge: the filter arrives from links (organisation
    # pages) as a hidden input, so the visible organisations are needed only to check a given one.
    narrow_only_given = ("organisation",)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["jurisdiction"].queryset = selectors.jurisdiction_list_visible_to(user)  # type: ignore[attr-defined]
        if self.data.get("organisation"):
            self.fields["organisation"].queryset = permissions.organisations_visible(user)  # type: ignore[attr-defined]
        self.fields["organisation"].widget = forms.HiddenInput()


class PositionForm(VisibleChoicesMixin, ServiceValidatedMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Position
        fields = ["organisation", "title", "start_date", "end_date"]
        widgets = {
            "organisation": TypeaheadSelect("organisations-changeable"),
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = permissions.organisations_changeable(  # type: ignore[attr-defined]
                user
            ).select_related("jurisdiction")


class PartnershipForm(VisibleChoicesMixin, ServiceValidatedMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Partnership
        fields = ["organisation", "partner", "kind", "start_date", "end_date", "notes"]
        widgets = {
            "organisation": TypeaheadSelect("organisations"),
            "partner": TypeaheadSelect("organisations"),
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "organisation": _("For a referral pathway: the organisation that refers."),
            "partner": _("For a referral pathway: the organisation referred to."),
        }

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        visible = permissions.organisations_visible(user).select_related("jurisdiction")
        self.fields["organisation"].queryset = visible  # type: ignore[attr-defined]
        self.fields["partner"].queryset = visible  # type: ignore[attr-defined]


class MappingForm(VisibleChoicesMixin, ServiceValidatedMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = StakeholderMapping
        fields = [
            "organisation",
            "influence",
            "interest",
            "engagement_level",
            "prevention_primary",
            "prevention_secondary",
            "prevention_tertiary",
            "services_offered",
            "notes",
        ]
        widgets = {
            "services_offered": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "influence": forms.Select(choices=StakeholderMapping.SCALE),
            "interest": forms.Select(choices=StakeholderMapping.SCALE),
        }

    def __init__(self, *args: Any, user: AnyUser, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        ancestors = [int(p) for p in jurisdiction.path.strip("/").split("/") if p]
        self.fields["organisation"].queryset = (  # type: ignore[attr-defined]
            permissions.organisations_visible(user)
            .filter(selectors.within_q(jurisdiction) | Q(jurisdiction_id__in=ancestors))
            .select_related("jurisdiction")
        )


class OfferForm(VisibleChoicesMixin, ServiceValidatedMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ResourceOffer
        fields = [
            "organisation",
            "jurisdiction",
            "kind",
            "title",
            "description",
            "quantity",
            "unit",
            "value",
            "currency",
            "start_date",
            "end_date",
            "status",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        scopes = permissions.scopes_for(user)
        organisations = permissions.organisations_visible(user)
        if not (scopes.is_platform_admin or scopes.coordinator_paths):
            organisations = organisations.filter(pk__in=scopes.admin_organisation_ids)
        self.fields["organisation"].queryset = organisations.select_related("jurisdiction")  # type: ignore[attr-defined]
        self.fields["jurisdiction"].queryset = selectors.jurisdiction_list_visible_to(user)  # type: ignore[attr-defined]
        self.fields["jurisdiction"].required = False
        self.fields["jurisdiction"].help_text = _("Leave empty for the organisation's own jurisdiction.")

    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or "").strip().upper()


class OfferFilterForm(VisibleChoicesMixin, StyledFormMixin, forms.Form):
    jurisdiction = forms.ModelChoiceField(
        label=_("Jurisdiction (and below)"), queryset=Jurisdiction.objects.all(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ResourceOffer.Status.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *ResourceOffer.Kind.choices]
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["jurisdiction"].queryset = selectors.jurisdiction_list_visible_to(user)  # type: ignore[attr-defined]


class ImportForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("The file lists"), choices=ImportBatch.Kind.choices)
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "The first row names the columns. CSV in UTF-8, UTF-16 or Latin-1, separated by commas or semicolons."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB: split it into several files.")
                % {"mb": importing.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class SearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search organisations and people"), required=False, max_length=100)


class LoginLinkAccountForm(StyledFormMixin, forms.Form):
    """Open an account with the invited e-mail address (the password is checked by the service)."""

    password = forms.CharField(label=_("Choose a password"), widget=forms.PasswordInput, max_length=128)
    password_again = forms.CharField(label=_("The password again"), widget=forms.PasswordInput, max_length=128)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


# --- Access: roles and memberships given by e-mail, with a reason ----------------------------


class _InviteForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        required=False,
        help_text=_("Used when the person has no account yet: one is opened and a link to set a password is sent."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, help_text=_("Recorded in the audit trail with your name.")
    )


class JurisdictionRoleGrantForm(_InviteForm):
    role = forms.ChoiceField(label=_("Role"), choices=JurisdictionRole.Role.choices)
    field_order = ["email", "full_name", "role", "reason"]


class OrganisationMemberInviteForm(_InviteForm):
    role = forms.ChoiceField(label=_("Role"), choices=OrganisationMembership.Role.choices)
    field_order = ["email", "full_name", "role", "reason"]


class RevokeForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
