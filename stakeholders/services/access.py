"""Roles and memberships given to people by e-mail, with a reason."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import User
from core.permissions import require
from core.services import audit_record
from stakeholders import permissions
from stakeholders.models import (
    Jurisdiction,
    JurisdictionRole,
    Organisation,
    OrganisationMembership,
)
from stakeholders.services.jurisdictions import jurisdiction_role_grant
from stakeholders.services.organisations import organisation_membership_set


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why: the reason is recorded in the audit trail.")})


@transaction.atomic
def jurisdiction_access_grant(
    *, actor: User, jurisdiction: Jurisdiction, email: str, role: str, reason: str, base_url: str, full_name: str = ""
) -> JurisdictionRole:
    """Give ``email`` a role over ``jurisdiction``, opening (and inviting) an account if needed."""
    from core.services import user_get_or_invite

    require(permissions.can_grant_roles_in(actor, jurisdiction), _("You may not grant roles in this jurisdiction."))
    _require_reason(reason)
    user, _created = user_get_or_invite(
        actor=actor,
        email=email,
        full_name=full_name,
        base_url=base_url,
        time_zone=jurisdiction.effective_time_zone(),
    )
    return jurisdiction_role_grant(actor=actor, user=user, jurisdiction=jurisdiction, role=role, reason=reason)


@transaction.atomic
def organisation_member_invite(
    *, actor: User, organisation: Organisation, email: str, role: str, reason: str, base_url: str, full_name: str = ""
) -> OrganisationMembership:
    from core.services import user_get_or_invite

    require(permissions.can_change_organisation(actor, organisation), _("You may not manage this organisation."))
    _require_reason(reason)
    user, _created = user_get_or_invite(
        actor=actor,
        email=email,
        full_name=full_name,
        base_url=base_url,
        time_zone=organisation.jurisdiction.effective_time_zone(),
    )
    return organisation_membership_set(actor=actor, organisation=organisation, user=user, role=role, reason=reason)


@transaction.atomic
def organisation_membership_remove(*, actor: User, membership: OrganisationMembership, reason: str) -> None:
    require(
        permissions.can_change_organisation(actor, membership.organisation), _("You may not manage this organisation.")
    )
    _require_reason(reason)
    audit_record(
        actor=actor,
        action="membership.remove",
        target=membership.organisation,
        changes={"user": membership.user.email, "role": membership.role},
        reason=reason,
    )
    permissions.scopes_forget(membership.user)
    membership.delete()
