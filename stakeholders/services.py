"""Writes to the registry. Each function checks the actor, validates, writes and audits atomically."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.functions import Concat, Substr
from django.db.models import F, Value
from guardian.shortcuts import assign_perm, remove_perm

from core.models import User
from core.permissions import require
from core.services import audit_record, changed_fields
from stakeholders import permissions
from stakeholders.models import (
    Jurisdiction,
    JurisdictionRole,
    Organisation,
    OrganisationMembership,
    Sector,
)

JURISDICTION_FIELDS = ("name", "code", "level", "parent", "population")
SECTOR_FIELDS = ("name", "code", "is_security", "description")
ORGANISATION_FIELDS = (
    "name", "acronym", "kind", "sector", "jurisdiction", "parent", "description", "email", "phone", "website",
    "address", "is_active",
)


def _assign(instance: Any, data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, list[Any]]:
    data = {k: v for k, v in data.items() if k in fields}
    changes = changed_fields(instance, data) if instance.pk else {}
    for name, value in data.items():
        setattr(instance, name, value)
    return changes


# --- Jurisdictions ----------------------------------------------------------------------------

@transaction.atomic
def jurisdiction_create(*, actor: User, **data: Any) -> Jurisdiction:
    require(permissions.can_add_jurisdiction_under(actor, data.get("parent")),
            "You may not add a jurisdiction there.")
    jurisdiction = Jurisdiction()
    _assign(jurisdiction, data, JURISDICTION_FIELDS)
    jurisdiction.full_clean(exclude=["path", "depth"])
    jurisdiction.path = "/pending/"
    jurisdiction.save()
    parent = jurisdiction.parent
    jurisdiction.path = f"{parent.path if parent else '/'}{jurisdiction.pk}/"
    jurisdiction.depth = parent.depth + 1 if parent else 0
    jurisdiction.save(update_fields=["path", "depth"])
    audit_record(actor=actor, action="jurisdiction.create", target=jurisdiction)
    return jurisdiction


@transaction.atomic
def jurisdiction_update(*, actor: User, jurisdiction: Jurisdiction, **data: Any) -> Jurisdiction:
    require(permissions.can_change_jurisdiction(actor, jurisdiction), "You may not change this jurisdiction.")
    new_parent = data.get("parent", jurisdiction.parent)
    if new_parent != jurisdiction.parent:
        require(permissions.can_add_jurisdiction_under(actor, new_parent), "You may not move it there.")
    old_path = jurisdiction.path
    changes = _assign(jurisdiction, data, JURISDICTION_FIELDS)
    jurisdiction.full_clean(exclude=["path", "depth"])
    parent = jurisdiction.parent
    new_path = f"{parent.path if parent else '/'}{jurisdiction.pk}/"
    jurisdiction.save()
    if new_path != old_path:
        depth_delta = (parent.depth + 1 if parent else 0) - jurisdiction.depth
        # Re-root the whole subtree in one statement.
        Jurisdiction.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_delta,
        )
        jurisdiction.refresh_from_db(fields=["path", "depth"])
    if changes:
        audit_record(actor=actor, action="jurisdiction.update", target=jurisdiction, changes=changes)
    return jurisdiction


@transaction.atomic
def jurisdiction_role_grant(*, actor: User, user: User, jurisdiction: Jurisdiction, role: str,
                            reason: str = "") -> JurisdictionRole:
    require(permissions.can_add_jurisdiction_under(actor, jurisdiction) or actor.is_platform_admin,
            "You may not grant roles in this jurisdiction.")
    granted, _ = JurisdictionRole.objects.get_or_create(user=user, jurisdiction=jurisdiction, role=role)
    audit_record(actor=actor, action="role.grant", target=user,
                 changes={"role": role, "jurisdiction": jurisdiction.code}, reason=reason)
    permissions.scopes_forget(user)
    return granted


@transaction.atomic
def jurisdiction_role_revoke(*, actor: User, role: JurisdictionRole, reason: str = "") -> None:
    require(permissions.can_add_jurisdiction_under(actor, role.jurisdiction) or actor.is_platform_admin,
            "You may not revoke roles in this jurisdiction.")
    audit_record(actor=actor, action="role.revoke", target=role.user,
                 changes={"role": role.role, "jurisdiction": role.jurisdiction.code}, reason=reason)
    role.delete()


# --- Sectors -----------------------------------------------------------------------------------

@transaction.atomic
def sector_create(*, actor: User, **data: Any) -> Sector:
    require(permissions.can_manage_sectors(actor), "Only a platform admin may add sectors.")
    sector = Sector()
    _assign(sector, data, SECTOR_FIELDS)
    sector.full_clean()
    sector.save()
    audit_record(actor=actor, action="sector.create", target=sector)
    return sector


@transaction.atomic
def sector_update(*, actor: User, sector: Sector, **data: Any) -> Sector:
    require(permissions.can_manage_sectors(actor), "Only a platform admin may change sectors.")
    changes = _assign(sector, data, SECTOR_FIELDS)
    sector.full_clean()
    sector.save()
    audit_record(actor=actor, action="sector.update", target=sector, changes=changes)
    return sector


# --- Organisations -----------------------------------------------------------------------------

def _require_jurisdiction_in_scope(actor: User, jurisdiction: Jurisdiction | None) -> None:
    from django.core.exceptions import ValidationError

    if jurisdiction is not None and not permissions.jurisdictions_manageable(actor).filter(pk=jurisdiction.pk).exists():
        raise ValidationError({"jurisdiction": "You may only register organisations in your own jurisdictions."})


@transaction.atomic
def organisation_create(*, actor: User, **data: Any) -> Organisation:
    require(permissions.can_add_organisation(actor), "You may not register organisations.")
    organisation = Organisation()
    _assign(organisation, data, ORGANISATION_FIELDS)
    _require_jurisdiction_in_scope(actor, data.get("jurisdiction"))
    organisation.full_clean()
    organisation.save()
    audit_record(actor=actor, action="organisation.create", target=organisation)
    return organisation


@transaction.atomic
def organisation_update(*, actor: User, organisation: Organisation, **data: Any) -> Organisation:
    require(permissions.can_change_organisation(actor, organisation), "You may not change this organisation.")
    if "jurisdiction" in data and data["jurisdiction"] != organisation.jurisdiction:
        _require_jurisdiction_in_scope(actor, data["jurisdiction"])
    changes = _assign(organisation, data, ORGANISATION_FIELDS)
    organisation.full_clean()
    organisation.save()
    if changes:
        audit_record(actor=actor, action="organisation.update", target=organisation, changes=changes)
    return organisation


@transaction.atomic
def organisation_membership_set(*, actor: User, organisation: Organisation, user: User, role: str,
                                reason: str = "") -> OrganisationMembership:
    require(permissions.can_change_organisation(actor, organisation), "You may not manage this organisation.")
    membership, _ = OrganisationMembership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    audit_record(actor=actor, action="membership.set", target=organisation,
                 changes={"user": user.email, "role": role}, reason=reason)
    permissions.scopes_forget(user)
    return membership


@transaction.atomic
def organisation_grant(*, actor: User, organisation: Organisation, grantee: User | Group, perm: str,
                       reason: str) -> None:
    """Grant one object permission (``view_organisation``/``change_organisation``) and record why."""
    require(permissions.can_change_organisation(actor, organisation), "You may not grant access to this organisation.")
    assign_perm(f"stakeholders.{perm}", grantee, organisation)
    audit_record(actor=actor, action="organisation.grant", target=organisation,
                 changes={"grantee": str(grantee), "perm": perm}, reason=reason)


@transaction.atomic
def organisation_revoke(*, actor: User, organisation: Organisation, grantee: User | Group, perm: str,
                        reason: str) -> None:
    require(permissions.can_change_organisation(actor, organisation), "You may not revoke access to this organisation.")
    remove_perm(f"stakeholders.{perm}", grantee, organisation)
    audit_record(actor=actor, action="organisation.revoke", target=organisation,
                 changes={"grantee": str(grantee), "perm": perm}, reason=reason)
