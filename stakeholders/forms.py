from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from core.permissions import AnyUser
from stakeholders import permissions, selectors
from stakeholders.models import Jurisdiction, Organisation


class JurisdictionForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Jurisdiction
        fields = ["name", "code", "level", "parent", "population"]

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = permissions.jurisdictions_manageable(user)  # type: ignore[attr-defined]
        self.fields["parent"].required = not permissions.scopes_for(user).is_platform_admin


class OrganisationForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Organisation
        fields = [
            "name", "acronym", "kind", "sector", "jurisdiction", "parent", "description", "email", "phone",
            "website", "address", "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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


class DirectoryFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=selectors.sector_list(), required=False)
    jurisdiction = forms.ModelChoiceField(
        label=_("Jurisdiction (and below)"), queryset=Jurisdiction.objects.all(), required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *Organisation.Kind.choices],
                             required=False)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = selectors.jurisdiction_list_visible_to(user)  # type: ignore[attr-defined]
