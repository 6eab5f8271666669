"""Explicit grants to people, organisations and committees: one way to write and read them.

A concrete grant model is an app's subclass of ``core.models.ObjectGrant`` with a ``target`` foreign
key. The app's service decides *who may grant* (its permission rule) and calls :func:`grant_create`
or :func:`grant_revoke`, which check the grantee exists and is one the actor may see, write the row
and the audit record. The app's visibility rule folds in :func:`granted_q`.

Grantee kinds map to models registered by the apps that own them (``register_grantee_model``), so
``core`` does not import the registry or coordination.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from core import roles
from core.models import GranteeKind, ObjectGrant, User
from core.permissions import NOT_FOUND_MESSAGE, AnyUser, allows, visible
from core.services import audit_record

G = TypeVar("G", bound=ObjectGrant)

_grantee_models: dict[str, type[models.Model]] = {GranteeKind.USER: User}


def register_grantee_model(kind: str, model: type[models.Model]) -> None:
    _grantee_models[kind] = model


def grantee_model(kind: str) -> type[models.Model]:
    try:
        return _grantee_models[kind]
    except KeyError:
        raise ValidationError({"grantee_kind": _("Unknown kind of grantee.")}) from None


def grantee_object(*, actor: AnyUser, kind: str, grantee_id: int) -> models.Model:
    """The grantee row, if the actor may see it; else the same error as for a missing row.

    Users are not in a visibility rule of their own: a user grantee must be linked to a person
    record the actor may see (``Person.user``), which the registry registers as the USER rule.
    """
    model = grantee_model(kind)
    try:
        obj = model._default_manager.get(pk=grantee_id)
    except (model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise ValidationError({"grantee_id": [str(NOT_FOUND_MESSAGE)]}) from None
    if not allows(actor, obj, "grantee"):
        raise ValidationError({"grantee_id": [str(NOT_FOUND_MESSAGE)]})
    return obj


def grantees_visible(actor: AnyUser, kind: str) -> QuerySet[Any]:
    """Grantees of ``kind`` the actor may name (each kind's "grantee" rule)."""
    return visible(actor, grantee_model(kind), "grantee")


def active_q(prefix: str = "", now: datetime | Now | None = None) -> Q:
    now = now or timezone.now()
    return Q(**{f"{prefix}revoked_at__isnull": True}) & (
        Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": now})
    )


def grants_held(user: AnyUser, grant_model: type[G], permission: str | tuple[str, ...]) -> QuerySet[G]:
    """The active grants of ``permission`` held by the user or an organisation or committee they are
    currently a member of."""
    perms = (permission,) if isinstance(permission, str) else permission
    # Compared with the database's clock, not a moment written into the query: the rules built on
    # this hold no time of their own and are shared across requests (ADR 0015).
    return grant_model._default_manager.filter(active_q(now=Now()), roles.principal_q(user), permission__in=perms)


def granted_q(user: AnyUser, grant_model: type[G], permission: str | tuple[str, ...], field: str = "pk") -> Q:
    """``Q(<field> IN targets granted to the user)``: fold into an app's visibility rule."""
    held = grants_held(user, grant_model, permission)
    return Q(**{f"{field}__in": held.values("target_id")})


@transaction.atomic
def grant_create(
    *,
    actor: User,
    grant_model: type[G],
    target: models.Model,
    permission: str,
    grantee_kind: str,
    grantee_id: int,
    reason: str,
    expires_at: datetime | None = None,
) -> G:
    """Write one grant (the caller's service has checked the actor may grant this on ``target``)."""
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Say why access is given.")]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = [_("The expiry must be in the future.")]
    if errors:
        raise ValidationError(errors)
    grantee = grantee_object(actor=actor, kind=grantee_kind, grantee_id=grantee_id)
    grant = grant_model(
        target=target,
        permission=permission,
        grantee_kind=grantee_kind,
        grantee_id=grantee.pk,
        reason=reason.strip(),
        granted_by=actor,
        expires_at=expires_at,
    )
    grant.full_clean()
    grant.save()
    audit_record(
        actor=actor,
        action="grant.create",
        target=target,
        changes={
            "permission": permission,
            "grantee": f"{grantee_kind}:{grantee.pk}",
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
        reason=reason,
    )
    return grant


@transaction.atomic
def grant_revoke(*, actor: User, grant: ObjectGrant, reason: str) -> ObjectGrant:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why access is withdrawn.")]})
    if grant.revoked_at is not None:
        return grant
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.revoke_reason = reason.strip()
    grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=actor,
        action="grant.revoke",
        target=grant.target,  # type: ignore[attr-defined]
        changes={"permission": grant.permission, "grantee": f"{grant.grantee_kind}:{grant.grantee_id}"},
        reason=reason,
    )
    return grant
