"""Writes to the registry. Each function checks the actor, validates, writes and audits atomically."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from core import grants
from core.models import User
from core.permissions import forget, require
from core.services import audit_record, changed_fields
from stakeholders import importing, permissions
from stakeholders.models import (
    ImportBatch,
    Jurisdiction,
    JurisdictionRole,
    Organisation,
    OrganisationGrant,
    OrganisationMembership,
    Partnership,
    Person,
    Position,
    ResourceOffer,
    Sector,
    StakeholderMapping,
)

JURISDICTION_FIELDS = ("name", "code", "level", "parent", "population")
SECTOR_FIELDS = ("name", "code", "is_security", "description")
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


def _assign(instance: Any, data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, list[Any]]:
    data = {k: v for k, v in data.items() if k in fields}
    changes = changed_fields(instance, data) if instance.pk else {}
    for name, value in data.items():
        setattr(instance, name, value)
    return changes


# --- Jurisdictions ----------------------------------------------------------------------------


@transaction.atomic
def jurisdiction_create(*, actor: User, **data: Any) -> Jurisdiction:
    require(permissions.can_add_jurisdiction_under(actor, data.get("parent")), "You may not add a jurisdiction there.")
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
def jurisdiction_role_grant(
    *, actor: User, user: User, jurisdiction: Jurisdiction, role: str, reason: str = ""
) -> JurisdictionRole:
    require(permissions.can_grant_roles_in(actor, jurisdiction), "You may not grant roles in this jurisdiction.")
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
    require(permissions.can_grant_roles_in(actor, role.jurisdiction), "You may not revoke roles in this jurisdiction.")
    audit_record(
        actor=actor,
        action="role.revoke",
        target=role.user,
        changes={"role": role.role, "jurisdiction": role.jurisdiction.code},
        reason=reason,
    )
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
def organisation_membership_set(
    *, actor: User, organisation: Organisation, user: User, role: str, reason: str = ""
) -> OrganisationMembership:
    require(permissions.can_change_organisation(actor, organisation), "You may not manage this organisation.")
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
        permissions.can_change_organisation(actor, organisation), _("You may not grant access to this organisation.")
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
        permissions.can_change_organisation(actor, grant.target), _("You may not revoke access to this organisation.")
    )
    revoked = grants.grant_revoke(actor=actor, grant=grant, reason=reason)
    forget(actor)
    assert isinstance(revoked, OrganisationGrant)
    return revoked


# --- People ------------------------------------------------------------------------------------

PERSON_FIELDS = (
    "full_name",
    "pronouns",
    "email",
    "phone",
    "languages",
    "expertise",
    "jurisdiction",
    "contact_consent_at",
    "gender",
    "is_youth",
    "demographics_consent_at",
    "user",
)
PERSONAL_DATA_FIELDS = {"email", "phone", "gender", "is_youth", "user"}
POSITION_FIELDS = ("title", "start_date", "end_date")


def _masked(changes: dict[str, list[Any]]) -> dict[str, Any]:
    """Audit records say *that* personal data changed, never what it is."""
    return {k: ("(changed)" if k in PERSONAL_DATA_FIELDS else v) for k, v in changes.items()}


def require_visible_organisation(actor: User, organisation: Organisation | None, field: str) -> None:
    """Input naming an organisation the actor may not see is refused as if it did not exist."""
    if organisation is not None and not permissions.organisations_visible(actor).filter(pk=organisation.pk).exists():
        raise ValidationError({field: _("Select a valid choice. That choice is not one of the available choices.")})


def _check_person_scope(
    actor: User, data: dict[str, Any], organisation: Organisation | None, person: Person | None = None
) -> None:
    scopes = permissions.scopes_for(actor)
    if scopes.is_platform_admin:
        return
    if "user" in data and data["user"] != (person.user if person else None):
        require(bool(scopes.coordinator_paths), _("Only coordinators and platform admins link a person to a login."))
    jurisdiction = data.get("jurisdiction")
    if jurisdiction is not None and (person is None or jurisdiction != person.jurisdiction):
        in_scope = permissions.jurisdictions_manageable(actor).filter(pk=jurisdiction.pk).exists()
        own_org = organisation is not None and organisation.jurisdiction_id == jurisdiction.pk
        if not (in_scope or own_org):
            raise ValidationError({"jurisdiction": _("You may only register people in your own jurisdictions.")})


@transaction.atomic
def person_create(
    *, actor: User, organisation: Organisation | None = None, title: str = "", start_date: Any = None, **data: Any
) -> Person:
    """Register a person, with a first position when ``organisation`` is given. Organisation admins
    register people of their own organisation (the position is then required)."""
    require(permissions.can_add_person(actor), _("You may not register people."))
    scopes = permissions.scopes_for(actor)
    if not (scopes.is_platform_admin or scopes.coordinator_paths):
        if organisation is None or organisation.pk not in scopes.admin_organisation_ids:
            raise ValidationError({"organisation": _("Register the person with a position in your organisation.")})
        data.setdefault("jurisdiction", organisation.jurisdiction)
    if organisation is not None:
        require_visible_organisation(actor, organisation, "organisation")
        require(
            permissions.can_manage_position_in(actor, organisation),
            _("You may not add positions in this organisation."),
        )
        if data.get("jurisdiction") is None:
            data["jurisdiction"] = organisation.jurisdiction
    _check_person_scope(actor, data, organisation)
    person = Person()
    _assign(person, data, PERSON_FIELDS)
    person.full_clean()
    person.save()
    if organisation is not None:
        position = Position(person=person, organisation=organisation, title=title, start_date=start_date)
        position.full_clean()
        position.save()
    audit_record(actor=actor, action="person.create", target=person)
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, **data: Any) -> Person:
    require(permissions.can_change_person(actor, person), _("You may not change this person's record."))
    _check_person_scope(actor, data, None, person)
    changes = _assign(person, data, PERSON_FIELDS)
    person.full_clean()
    person.save()
    if changes:
        audit_record(actor=actor, action="person.update", target=person, changes=_masked(changes))
    return person


@transaction.atomic
def person_contact_consent_withdraw(*, actor: User, person: Person, reason: str = "") -> Person:
    """Consent withdrawn: the contact details are erased with it, not merely hidden."""
    require(permissions.can_change_person(actor, person), _("You may not change this person's record."))
    person.email = ""
    person.phone = ""
    person.contact_consent_at = None
    person.save(update_fields=["email", "phone", "contact_consent_at", "updated_at"])
    audit_record(actor=actor, action="person.consent_withdraw", target=person, reason=reason)
    return person


def _related_records(person: Person, *, with_text: bool) -> dict[str, list[dict[str, Any]]]:
    """Whatever other apps hold that points at the person (committee memberships...), found through
    the model's reverse relations so that a new app's data is never forgotten in the export.

    The registry cannot tell who may read those records (a confidential meeting's decision, a
    committee in another jurisdiction), so their text is given to the person themself only;
    anyone else exporting on their behalf sees which records exist (model and id), not what they say.
    """
    out: dict[str, list[dict[str, Any]]] = {}
    for relation in Person._meta.related_objects:
        name = relation.get_accessor_name()
        if not name or name == "positions":
            continue
        if relation.one_to_one:
            related = getattr(person, name, None)
            objects = [related] if related is not None else []
        else:
            objects = list(getattr(person, name).all()[:1000])
        if objects:
            out[name] = [
                {"model": o._meta.label, "id": o.pk, **({"text": str(o)} if with_text else {})} for o in objects
            ]
    return out


@transaction.atomic
def person_data_export(*, actor: User, person: Person) -> dict[str, Any]:
    """Everything held about a person (a subject access request), for those who may see their contact
    details and for the person themself. Audited."""
    from core.selectors import audit_list_for

    require(
        permissions.can_see_person_contact(actor, person), _("You may not download what is held about this person.")
    )
    audit_record(actor=actor, action="person.export", target=person)

    def when(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "exported_at": timezone.now().isoformat(),
        "exported_by": str(actor),
        "purpose": "Registry of the local prevention network: who is who, so that partners can coordinate. "
        "Contact details are held with the person's consent; gender and age group only with a "
        "separate consent, for composition analytics.",
        "person": {
            "id": person.pk,
            "full_name": person.full_name,
            "pronouns": person.pronouns,
            "email": person.email,
            "phone": person.phone,
            "languages": person.languages,
            "expertise": person.expertise,
            "registered_in": person.jurisdiction.name if person.jurisdiction else None,
            "login": person.user.email if person.user else None,
            "contact_consent_at": when(person.contact_consent_at),
            "gender": person.get_gender_display() if person.gender else None,
            "is_youth": person.is_youth,
            "demographics_consent_at": when(person.demographics_consent_at),
            "created_at": when(person.created_at),
            "updated_at": when(person.updated_at),
        },
        "positions": [
            {"organisation": p.organisation.name, "title": p.title, "from": when(p.start_date), "to": when(p.end_date)}
            for p in person.positions.select_related("organisation").order_by("start_date", "id")
        ],
        "other_records": _related_records(person, with_text=person.user_id is not None and person.user_id == actor.pk),
        "history": [
            {"at": when(e.created_at), "action": e.action, "fields_changed": sorted(e.changes) if e.changes else []}
            for e in audit_list_for(person).order_by("created_at", "id")
        ],
    }


@transaction.atomic
def position_create(
    *, actor: User, person: Person, organisation: Organisation, title: str, start_date: Any = None, end_date: Any = None
) -> Position:
    if not permissions.people_visible(actor).filter(pk=person.pk).exists():
        raise ValidationError({"person": _("Select a valid choice. That choice is not one of the available choices.")})
    require_visible_organisation(actor, organisation, "organisation")
    require(
        permissions.can_manage_position_in(actor, organisation), _("You may not add positions in this organisation.")
    )
    position = Position(person=person, organisation=organisation, title=title, start_date=start_date, end_date=end_date)
    position.full_clean()
    position.save()
    audit_record(
        actor=actor,
        action="position.create",
        target=person,
        changes={"organisation": organisation.name, "title": title},
    )
    return position


@transaction.atomic
def position_update(*, actor: User, position: Position, **data: Any) -> Position:
    require(
        permissions.can_manage_position_in(actor, position.organisation),
        _("You may not change positions in this organisation."),
    )
    changes = _assign(position, data, POSITION_FIELDS)
    position.full_clean()
    position.save()
    if changes:
        audit_record(
            actor=actor,
            action="position.update",
            target=position.person,
            changes={"organisation": position.organisation.name, **changes},
        )
    return position


# --- Partnerships ------------------------------------------------------------------------------

PARTNERSHIP_FIELDS = ("organisation", "partner", "kind", "start_date", "end_date", "notes")


@transaction.atomic
def partnership_create(*, actor: User, **data: Any) -> Partnership:
    organisation, partner = data.get("organisation"), data.get("partner")
    require_visible_organisation(actor, organisation, "organisation")
    require_visible_organisation(actor, partner, "partner")
    require(
        organisation is None or partner is None or permissions.can_add_partnership(actor, organisation, partner),
        _("You may record partnerships only for organisations you manage."),
    )
    partnership = Partnership()
    _assign(partnership, data, PARTNERSHIP_FIELDS)
    partnership.full_clean()
    partnership.save()
    audit_record(actor=actor, action="partnership.create", target=partnership)
    return partnership


@transaction.atomic
def partnership_update(*, actor: User, partnership: Partnership, **data: Any) -> Partnership:
    require(permissions.can_change_partnership(actor, partnership), _("You may not change this partnership."))
    for name in ("organisation", "partner"):
        if name in data and data[name] != getattr(partnership, name):
            require_visible_organisation(actor, data[name], name)
    changes = _assign(partnership, data, PARTNERSHIP_FIELDS)
    require(
        permissions.can_add_partnership(actor, partnership.organisation, partnership.partner),
        _("You may record partnerships only for organisations you manage."),
    )
    partnership.full_clean()
    partnership.save()
    if changes:
        audit_record(actor=actor, action="partnership.update", target=partnership, changes=changes)
    return partnership


# --- Stakeholder mapping -----------------------------------------------------------------------

MAPPING_FIELDS = (
    "jurisdiction",
    "organisation",
    "influence",
    "interest",
    "engagement_level",
    "prevention_primary",
    "prevention_secondary",
    "prevention_tertiary",
    "services_offered",
    "notes",
)


@transaction.atomic
def mapping_create(*, actor: User, **data: Any) -> StakeholderMapping:
    jurisdiction = data.get("jurisdiction")
    require(
        jurisdiction is not None and permissions.can_map_in(actor, jurisdiction),
        _("You may map stakeholders only in your own jurisdictions."),
    )
    require_visible_organisation(actor, data.get("organisation"), "organisation")
    mapping = StakeholderMapping()
    _assign(mapping, data, MAPPING_FIELDS)
    mapping.full_clean()
    mapping.save()
    audit_record(actor=actor, action="mapping.create", target=mapping)
    return mapping


@transaction.atomic
def mapping_update(*, actor: User, mapping: StakeholderMapping, **data: Any) -> StakeholderMapping:
    require(permissions.can_change_mapping(actor, mapping), _("You may not change this stakeholder map."))
    if "jurisdiction" in data and data["jurisdiction"] != mapping.jurisdiction:
        require(
            permissions.can_map_in(actor, data["jurisdiction"]),
            _("You may map stakeholders only in your own jurisdictions."),
        )
    if "organisation" in data and data["organisation"] != mapping.organisation:
        require_visible_organisation(actor, data["organisation"], "organisation")
    changes = _assign(mapping, data, MAPPING_FIELDS)
    mapping.full_clean()
    mapping.save()
    if changes:
        audit_record(actor=actor, action="mapping.update", target=mapping, changes=changes)
    return mapping


# --- Resource offers ---------------------------------------------------------------------------

OFFER_FIELDS = (
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
)


@transaction.atomic
def offer_create(*, actor: User, **data: Any) -> ResourceOffer:
    organisation, jurisdiction = data.get("organisation"), data.get("jurisdiction")
    require_visible_organisation(actor, organisation, "organisation")
    if organisation is not None and jurisdiction is None:
        data["jurisdiction"] = jurisdiction = organisation.jurisdiction
    require(
        organisation is None or jurisdiction is None or permissions.can_add_offer(actor, organisation, jurisdiction),
        _("You may record offers only from your own organisation or to your own jurisdictions."),
    )
    offer = ResourceOffer()
    _assign(offer, data, OFFER_FIELDS)
    offer.full_clean()
    offer.save()
    audit_record(actor=actor, action="offer.create", target=offer)
    return offer


@transaction.atomic
def offer_update(*, actor: User, offer: ResourceOffer, **data: Any) -> ResourceOffer:
    require(permissions.can_change_offer(actor, offer), _("You may not change this offer."))
    if "organisation" in data and data["organisation"] != offer.organisation:
        require_visible_organisation(actor, data["organisation"], "organisation")
    changes = _assign(offer, data, OFFER_FIELDS)
    if {"organisation", "jurisdiction"} & set(changes):
        require(
            permissions.can_add_offer(actor, offer.organisation, offer.jurisdiction),
            _("You may record offers only from your own organisation or to your own jurisdictions."),
        )
    offer.full_clean()
    offer.save()
    if changes:
        audit_record(actor=actor, action="offer.update", target=offer, changes=changes)
    return offer


# --- Import ------------------------------------------------------------------------------------

PENDING_IMPORTS_KEPT_FOR = timedelta(days=1)


@transaction.atomic
def import_batch_preview(*, actor: User, kind: str, filename: str, data: bytes) -> ImportBatch:
    """Read an upload and check every row; nothing is imported yet. The parsed rows are kept
    server-side in an :class:`ImportBatch` owned by ``actor`` until confirmed or discarded."""
    require(permissions.can_import(actor), _("Only coordinators and platform admins may import."))
    if kind not in ImportBatch.Kind.values:
        raise ValidationError({"kind": _("Choose organisations or people.")})
    import_batches_purge_stale(owner=actor)
    parsed = importing.parse_upload(kind, filename, data)
    errors = parsed.errors
    if not errors:
        errors = importing.prepare_rows(kind, parsed.rows, actor).errors
    return ImportBatch.objects.create(
        owner=actor,
        kind=kind,
        filename=filename[:255],
        encoding=parsed.encoding,
        rows=parsed.rows,
        errors=errors,
        notices=parsed.notices,
        row_count=len(parsed.rows),
    )


def import_batches_purge_stale(*, owner: User | None = None) -> int:
    """Delete uploads left waiting for confirmation longer than a day (their rows are personal data)."""
    stale = ImportBatch.objects.filter(
        status=ImportBatch.Status.PENDING, created_at__lt=timezone.now() - PENDING_IMPORTS_KEPT_FOR
    )
    if owner is not None:
        stale = stale.filter(owner=owner)
    deleted, _ = stale.delete()
    return deleted


@transaction.atomic
def import_batch_commit(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Write every row of a previewed upload in this one transaction, or none of them.

    The rows are checked again (the registry may have changed since the preview); if any row fails,
    nothing is written and the batch keeps the new errors, still waiting for a corrected file.
    """
    require(
        permissions.can_import(actor) and batch.owner_id == actor.pk,
        _("Only the person who uploaded the file may import it."),
    )
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PENDING:
        raise ValidationError(_("This file has already been imported or discarded."))
    if batch.errors:
        raise ValidationError(_("Correct the errors and upload the file again: nothing was imported."))
    prepared = importing.prepare_rows(batch.kind, batch.rows, actor)
    if prepared.errors:
        batch.errors = prepared.errors
        batch.save(update_fields=["errors"])
        return batch
    if batch.kind == ImportBatch.Kind.ORGANISATIONS:
        created = len(Organisation.objects.bulk_create(prepared.organisations, batch_size=1000))
    else:
        people = Person.objects.bulk_create([pair[0] for pair in prepared.people], batch_size=1000)
        positions = []
        for person, (_unsaved, position) in zip(people, prepared.people, strict=True):
            position.person = person
            positions.append(position)
        Position.objects.bulk_create(positions, batch_size=1000)
        created = len(people)
    batch.status = ImportBatch.Status.COMMITTED
    batch.committed_at = timezone.now()
    batch.created_count = created
    batch.rows = []  # the registry now holds them; the raw upload is not kept
    batch.save(update_fields=["status", "committed_at", "created_count", "rows"])
    audit_record(
        actor=actor,
        action="import.commit",
        target=batch,
        changes={"kind": batch.kind, "file": batch.filename, "created": created},
    )
    return batch


@transaction.atomic
def import_batch_discard(*, actor: User, batch: ImportBatch) -> None:
    require(batch.owner_id == actor.pk, _("Only the person who uploaded the file may discard it."))
    if batch.status == ImportBatch.Status.PENDING:
        batch.status = ImportBatch.Status.DISCARDED
        batch.rows = []
        batch.save(update_fields=["status", "rows"])


# --- Access: roles and memberships given to people by e-mail ------------------------------------


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
    user, _created = user_get_or_invite(actor=actor, email=email, full_name=full_name, base_url=base_url)
    return jurisdiction_role_grant(actor=actor, user=user, jurisdiction=jurisdiction, role=role, reason=reason)


@transaction.atomic
def organisation_member_invite(
    *, actor: User, organisation: Organisation, email: str, role: str, reason: str, base_url: str, full_name: str = ""
) -> OrganisationMembership:
    from core.services import user_get_or_invite

    require(permissions.can_change_organisation(actor, organisation), "You may not manage this organisation.")
    _require_reason(reason)
    user, _created = user_get_or_invite(actor=actor, email=email, full_name=full_name, base_url=base_url)
    return organisation_membership_set(actor=actor, organisation=organisation, user=user, role=role, reason=reason)


@transaction.atomic
def organisation_membership_remove(*, actor: User, membership: OrganisationMembership, reason: str) -> None:
    require(
        permissions.can_change_organisation(actor, membership.organisation), "You may not manage this organisation."
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
