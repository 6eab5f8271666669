"""Jurisdictions (the tree and its materialised paths) and the roles held over them."""

from __future__ import annotations

from typing import Unpack

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from core.models import User
from core.permissions import require
from core.services import assign_fields, audit_record
from stakeholders import permissions
from stakeholders.models import (
    Jurisdiction,
    JurisdictionRole,
)
from stakeholders.services.fields import JurisdictionData

JURISDICTION_FIELDS = ("name", "code", "level", "parent", "population")


@transaction.atomic
def jurisdiction_create(*, actor: User, **data: Unpack[JurisdictionData]) -> Jurisdiction:
    require(
        permissions.can_add_jurisdiction_under(actor, data.get("parent")), _("You may not add a jurisdiction there.")
    )
    jurisdiction = Jurisdiction()
    assign_fields(jurisdiction, data, JURISDICTION_FIELDS)
    jurisdiction.full_clean(exclude=["path", "depth"])
    jurisdiction.path = "/pending/"
    jurisdiction.save()
    parent = jurisdiction.parent
    jurisdiction.path = f"{parent.path if parent else '/'}{jurisdiction.pk}/"
    jurisdiction.depth = parent.depth + 1 if parent else 0
    jurisdiction.save(update_fields=["path", "depth"])
    audit_record(actor=actor, action="jurisdiction.create", target=jurisdiction)
    permissions.scopes_forget(actor)  # the roles hold the ids of the actor's subtrees
    return jurisdiction


@transaction.atomic
def jurisdiction_update(*, actor: User, jurisdiction: Jurisdiction, **data: Unpack[JurisdictionData]) -> Jurisdiction:
    require(permissions.can_change_jurisdiction(actor, jurisdiction), _("You may not change this jurisdiction."))
    new_parent = data.get("parent", jurisdiction.parent)
    if new_parent != jurisdiction.parent:
        require(permissions.can_add_jurisdiction_under(actor, new_parent), _("You may not move it there."))
    old_path = jurisdiction.path
    changes = assign_fields(jurisdiction, data, JURISDICTION_FIELDS)
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
def jurisdiction_role_grant(
    *, actor: User, user: User, jurisdiction: Jurisdiction, role: str, reason: str = ""
) -> JurisdictionRole:
    require(permissions.can_grant_roles_in(actor, jurisdiction), _("You may not grant roles in this jurisdiction."))
    granted, _created = JurisdictionRole.objects.get_or_create(user=user, jurisdiction=jurisdiction, role=role)
    audit_record(
        actor=actor,
        action="role.grant",
        target=user,
        changes={"role": role, "jurisdiction": jurisdiction.code},
        reason=reason,
    )
    permissions.scopes_forget(user)
    return granted


@transaction.atomic
def jurisdiction_role_revoke(*, actor: User, role: JurisdictionRole, reason: str = "") -> None:
    require(
        permissions.can_grant_roles_in(actor, role.jurisdiction), _("You may not revoke roles in this jurisdiction.")
    )
    audit_record(
        actor=actor,
        action="role.revoke",
        target=role.user,
        changes={"role": role.role, "jurisdiction": role.jurisdiction.code},
        reason=reason,
    )
    role.delete()
