"""Organisations, their memberships and the explicit grants on them."""

from __future__ import annotations

from datetime import datetime
from typing import Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import grants
from core.models import User
from core.permissions import forget, require, require_visible
from core.services import assign_fields, audit_record
from stakeholders import permissions
from stakeholders.models import (
    Jurisdiction,
    Organisation,
    OrganisationGrant,
    OrganisationMembership,
    Person,
    PersonGrant,
)
from stakeholders.services.fields import OrganisationData

ORGANISATION_FIELDS = (
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
)


def _require_jurisdiction_in_scope(actor: User, jurisdiction: Jurisdiction | None) -> None:
    if jurisdiction is not None and not permissions.jurisdictions_manageable(actor).filter(pk=jurisdiction.pk).exists():
        raise ValidationError({"jurisdiction": _("You may only register organisations in your own jurisdictions.")})


@transaction.atomic
def organisation_create(*, actor: User, **data: Unpack[OrganisationData]) -> Organisation:
    require(permissions.can_add_organisation(actor), _("You may not register organisations."))
    require_visible(actor, sector=data.get("sector"), jurisdiction=data.get("jurisdiction"), parent=data.get("parent"))
    organisation = Organisation()
    assign_fields(organisation, data, ORGANISATION_FIELDS)
    _require_jurisdiction_in_scope(actor, data.get("jurisdiction"))
    organisation.full_clean()
    organisation.save()
    audit_record(actor=actor, action="organisation.create", target=organisation)
    return organisation


@transaction.atomic
def organisation_update(*, actor: User, organisation: Organisation, **data: Unpack[OrganisationData]) -> Organisation:
    require(permissions.can_change_organisation(actor, organisation), _("You may not change this organisation."))
    if "parent" in data and data["parent"] != organisation.parent:
        require_visible(actor, parent=data["parent"])
    require_visible(actor, sector=data.get("sector"))
    if "jurisdiction" in data and data["jurisdiction"] != organisation.jurisdiction:
        _require_jurisdiction_in_scope(actor, data["jurisdiction"])
    changes = assign_fields(organisation, data, ORGANISATION_FIELDS)
    organisation.full_clean()
    organisation.save()
    if changes:
        audit_record(actor=actor, action="organisation.update", target=organisation, changes=changes)
    return organisation


@transaction.atomic
def organisation_membership_set(
    *, actor: User, organisation: Organisation, user: User, role: str, reason: str = ""
) -> OrganisationMembership:
    require(permissions.can_change_organisation(actor, organisation), _("You may not manage this organisation."))
    membership, _created = OrganisationMembership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    audit_record(
        actor=actor,
        action="membership.set",
        target=organisation,
        changes={"user": user.email, "role": role},
        reason=reason,
    )
    permissions.scopes_forget(user)
    return membership


@transaction.atomic
def organisation_grant(
    *,
    actor: User,
    organisation: Organisation,
    permission: str,
    grantee_kind: str,
    grantee_id: int,
    reason: str,
    expires_at: datetime | None = None,
) -> OrganisationGrant:
    """Grant ``view`` or ``change`` on one organisation to a user, an organisation (its current
    members) or a committee (its current members), with why and until when; audited."""
    require(
        permissions.can_grant_on_organisation(actor, organisation),
        _("You may not grant access to this organisation."),
    )
    if permission not in OrganisationGrant.PERMISSIONS:
        raise ValidationError({"permission": _("Choose view or change.")})
    grant = grants.grant_create(
        actor=actor,
        grant_model=OrganisationGrant,
        target=organisation,
        permission=permission,
        grantee_kind=grantee_kind,
        grantee_id=grantee_id,
        reason=reason,
        expires_at=expires_at,
    )
    forget(actor)
    return grant


@transaction.atomic
def organisation_revoke(*, actor: User, grant: OrganisationGrant, reason: str) -> OrganisationGrant:
    """Withdraw a grant; it stops counting on the grantee's next request."""
    require(
        permissions.can_grant_on_organisation(actor, grant.target),
        _("You may not revoke access to this organisation."),
    )
    revoked = grants.grant_revoke(actor=actor, grant=grant, reason=reason)
    forget(actor)
    assert isinstance(revoked, OrganisationGrant)
    return revoked


def require_visible_organisation(actor: User, organisation: Organisation | None, field: str) -> None:
    """Input naming an organisation the actor may not see is refused as if it did not exist."""
    require_visible(actor, "view", **{field: organisation})


@transaction.atomic
def person_grant(
    *,
    actor: User,
    person: Person,
    grantee_kind: str,
    grantee_id: int,
    reason: str,
    permission: str = PersonGrant.VIEW,
    expires_at: datetime | None = None,
) -> PersonGrant:
    """Let a user, an organisation or a committee (their current members) see one directory entry
    (never its contact details), with why and until when; by those who may change the record."""
    require(permissions.can_change_person(actor, person), _("You may not grant access to this person."))
    if permission not in PersonGrant.PERMISSIONS:
        raise ValidationError({"permission": _("Choose view.")})
    grant = grants.grant_create(
        actor=actor,
        grant_model=PersonGrant,
        target=person,
        permission=permission,
        grantee_kind=grantee_kind,
        grantee_id=grantee_id,
        reason=reason,
        expires_at=expires_at,
    )
    forget(actor)
    return grant


@transaction.atomic
def person_revoke(*, actor: User, grant: PersonGrant, reason: str) -> PersonGrant:
    require(permissions.can_change_person(actor, grant.target), _("You may not revoke access to this person."))
    revoked = grants.grant_revoke(actor=actor, grant=grant, reason=reason)
    forget(actor)
    assert isinstance(revoked, PersonGrant)
    return revoked
