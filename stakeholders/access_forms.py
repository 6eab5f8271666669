"""Forms for giving people access: roles over a jurisdiction, membership of an organisation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from stakeholders.models import JurisdictionRole, OrganisationMembership


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
