"""People, their consents, what is held about them, and their positions (each a grant)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from core.permissions import require, require_visible
from core.services import assign_fields, audit_record
from stakeholders import permissions
from stakeholders.models import (
    Organisation,
    Person,
    Position,
)
from stakeholders.services.fields import PersonData, PositionData
from stakeholders.services.organisations import require_visible_organisation

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


def _require_login_free(user: User | None, person: Person | None) -> None:
    """One record per login, said without naming the record that holds it."""
    if user is None:
        return
    taken = Person.objects.filter(user=user)
    if person is not None and person.pk:
        taken = taken.exclude(pk=person.pk)
    if taken.exists():
        raise ValidationError({"user": _("This login cannot be linked to this record.")})


def _audit_login_link(actor: User, person: Person, before: int | None) -> None:
    if person.user_id != before:
        audit_record(
            actor=actor,
            action="person.login_link" if person.user_id else "person.login_unlink",
            target=person,
            changes={"login_id": [before, person.user_id]},
        )


def _check_person_scope(
    actor: User, data: Mapping[str, Any], organisation: Organisation | None, person: Person | None = None
) -> None:
    scopes = permissions.scopes_for(actor)
    require_visible(actor, jurisdiction=data.get("jurisdiction"))
    if "user" in data and data["user"] != (person.user if person else None):
        # A login link is a grant: the login reads and edits whatever the record may. Nobody attaches
        # someone else's login to a record, or their own login to someone else's record.
        require(
            permissions.can_link_login(actor),
            _("Only a platform admin links a login to a person record: invite the person to link theirs."),
        )
        _require_login_free(data["user"], person)
    if scopes.is_platform_admin:
        return
    jurisdiction = data.get("jurisdiction")
    if jurisdiction is not None and (person is None or jurisdiction != person.jurisdiction):
        in_scope = permissions.jurisdictions_manageable(actor).filter(pk=jurisdiction.pk).exists()
        own_org = organisation is not None and organisation.jurisdiction_id == jurisdiction.pk
        if not (in_scope or own_org):
            raise ValidationError({"jurisdiction": _("You may only register people in your own jurisdictions.")})


@transaction.atomic
def person_create(
    *,
    actor: User,
    organisation: Organisation | None = None,
    title: str = "",
    start_date: Any = None,
    **data: Unpack[PersonData],
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
    assign_fields(person, data, PERSON_FIELDS)
    person.full_clean(validate_unique=False)  # the one unique field (the login) is checked above
    person.save()
    _audit_login_link(actor, person, None)
    if organisation is not None:
        position = Position(person=person, organisation=organisation, title=title, start_date=start_date)
        position.full_clean()
        position.save()
    audit_record(actor=actor, action="person.create", target=person)
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, **data: Unpack[PersonData]) -> Person:
    require(permissions.can_change_person(actor, person), _("You may not change this person's record."))
    _check_person_scope(actor, data, None, person)
    login_before = person.user_id
    changes = assign_fields(person, data, PERSON_FIELDS)
    person.full_clean(validate_unique=False)  # the one unique field (the login) is checked above
    person.save()
    _audit_login_link(actor, person, login_before)
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
    """A position is a grant (it decides who reads and edits the person's record): it needs the right
    to change both the organisation and the person."""
    require_visible(actor, person=person, organisation=organisation)
    require(
        permissions.can_manage_position_in(actor, organisation), _("You may not add positions in this organisation.")
    )
    require(
        permissions.can_change_person(actor, person),
        _("You may add positions only for people whose record you may change."),
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
def position_update(*, actor: User, position: Position, **data: Unpack[PositionData]) -> Position:
    require(permissions.can_manage_position(actor, position), _("You may not change this position."))
    changes = assign_fields(position, data, POSITION_FIELDS)
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
