"""Writes of information sharing: one function per use case, each in a transaction, each checking
the actor through the registered rules, each refusal written to the access log (which survives the
rollback of the refused change)."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from coordination.models import Committee, CommitteeMembership
from core import grants as core_grants
from core import uploads
from core.models import GranteeKind, User
from core.permissions import NOT_FOUND_MESSAGE, allows, forget, require
from core.services import audit_record
from infosharing import permissions as perms
from infosharing.models import (
    TLP,
    AccessLog,
    AccessRequest,
    Acknowledgement,
    AgreementParty,
    AgreementSignatory,
    Attachment,
    ImpactAssessment,
    InformationItem,
    ItemGrant,
    ItemVisibility,
    SharingAdmin,
    SharingAgreement,
    Template,
    TrainingRecord,
    grant_in_force_q,
    tlp_rank,
)
from stakeholders.models import Organisation, OrganisationMembership

E = AccessLog.Event

#: Grantee kinds each label allows (TLP 2.0): RED to named people; AMBER+STRICT to organisations;
#: AMBER to organisations, the agreement's client committees and named people of the parties;
#: GREEN to the community of the parties (organisations, client committees, their people).
LABEL_GRANTEE_KINDS: dict[str, tuple[str, ...]] = {
    TLP.RED: (GranteeKind.USER,),
    TLP.AMBER_STRICT: (GranteeKind.ORGANISATION,),
    TLP.AMBER: (GranteeKind.ORGANISATION, GranteeKind.COMMITTEE, GranteeKind.USER),
    TLP.GREEN: (GranteeKind.ORGANISATION, GranteeKind.COMMITTEE, GranteeKind.USER),
}
RELEASE_APPROVAL_LABELS = (TLP.RED, TLP.AMBER_STRICT)


def attachment_storage() -> Storage:
    return storages["infosharing"]


# --- The access log ----------------------------------------------------------------------------


def _actor_organisation_id(actor: User | None, item: InformationItem | None) -> int | None:
    r = perms.roles_of(actor)
    if r is None:
        return None
    if item is not None and item.organisation_id in r.organisation_ids:
        return item.organisation_id
    ids = sorted(r.organisation_ids | r.sharing_admin_org_ids)
    return ids[0] if ids else None


def log_event(
    *,
    event: str,
    actor: User | None,
    item: InformationItem | None = None,
    agreement: SharingAgreement | None = None,
    reason: str = "",
    recipients: list[dict[str, Any]] | None = None,
    detail: dict[str, Any] | None = None,
) -> AccessLog:
    return AccessLog.objects.create(
        event=event,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_organisation_id=_actor_organisation_id(actor, item),
        item=item,
        agreement=agreement if agreement is not None else (item.agreement if item is not None else None),
        reason=(reason or "")[:2000],
        recipients=recipients or [],
        detail=detail or {},
    )


def log_reads(
    *, event: str, actor: User, items: Iterable[InformationItem], detail: dict[str, Any] | None = None
) -> int:
    """One log row per item read (a search's hits, a list export), in one insert."""
    rows = [
        AccessLog(
            event=event,
            actor=actor,
            actor_organisation_id=_actor_organisation_id(actor, item),
            item=item,
            agreement_id=item.agreement_id,
            detail=detail or {},
        )
        for item in items
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    if isinstance(exc, Http404):
        return [str(_("Not found."))]
    return [str(exc) or str(_("Not allowed."))]


@contextlib.contextmanager
def refusals_logged(
    *, actor: User | None, action: str, item: InformationItem | None = None, agreement: SharingAgreement | None = None
) -> Iterator[None]:
    """Run the change in its own savepoint; when it is refused, nothing of it is kept and the refusal
    is logged (with what was asked and why it was refused, never the content)."""
    try:
        with transaction.atomic():
            yield
    except (ValidationError, PermissionDenied, Http404) as exc:
        log_event(
            event=E.REFUSAL,
            actor=actor,
            item=item if item is not None and item.pk else None,
            agreement=agreement if agreement is not None and agreement.pk else None,
            detail={"action": action, "messages": _messages(exc)[:5]},
        )
        raise


def _require_item(actor: User, item: InformationItem, action: str, message: str) -> None:
    """404 when the actor may not see the item, 403 when they may see it but not do this."""
    if not allows(actor, item, perms.Action.VIEW) and not allows(actor, item, perms.Action.VIEW_LOG):
        raise Http404
    require(allows(actor, item, action), message)


# --- Impact assessments, sharing admins, training ----------------------------------------------


@transaction.atomic
def impact_assessment_create(
    *, actor: User, title: str, reference: str = "", completed_on: date, outcome: str
) -> ImpactAssessment:
    require(perms.can_create_agreement(actor), _("Only sharing admins record impact assessments."))
    dpia = ImpactAssessment(title=title, reference=reference, completed_on=completed_on, outcome=outcome)
    dpia.full_clean()
    dpia.save()
    audit_record(actor=actor, action="dpia.create", target=dpia)
    return dpia


@transaction.atomic
def sharing_admin_appoint(*, actor: User, user: User, organisation: Organisation, reason: str) -> SharingAdmin:
    require(perms.can_appoint_sharing_admins(actor), _("Only a platform admin appoints sharing admins."))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why this person becomes a sharing admin.")]})
    appointment, _created = SharingAdmin.objects.get_or_create(
        user=user, organisation=organisation, defaults={"appointed_by": actor}
    )
    audit_record(
        actor=actor, action="sharing_admin.appoint", target=organisation, changes={"user": user.pk}, reason=reason
    )
    forget(user)
    return appointment


@transaction.atomic
def training_record(*, actor: User, user: User, completed_on: date, course: str) -> TrainingRecord:
    require(perms.can_create_agreement(actor), _("Only sharing admins record training."))
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": [_("Training cannot be recorded in the future.")]})
    record = TrainingRecord(user=user, completed_on=completed_on, course=course, recorded_by=actor)
    record.full_clean()
    record.save()
    audit_record(actor=actor, action="training.record", target=user, changes={"course": course})
    return record


# --- Agreements --------------------------------------------------------------------------------


def _clean_categories(categories: Iterable[str]) -> list[str]:
    out: list[str] = []
    for c in categories:
        c = (c or "").strip()
        if c and c.lower() not in [x.lower() for x in out]:
            out.append(c[:100])
    return out


def agreement_create(
    *,
    actor: User,
    title: str,
    purpose: str,
    summary: str,
    categories: Iterable[str],
    lawful_basis: str,
    parties: list[tuple[Organisation, str]],
    disposal: str,
    security_measures: str,
    rights_handling: str,
    primary_user_roles: str,
    next_review: date,
    max_tlp: str = TLP.AMBER,
    special_category: bool = False,
    criminal_offence: bool = False,
    special_condition: str = "",
    impact_assessment: ImpactAssessment | None = None,
    retention_days: int = 365,
    review_interval_months: int = 12,
    ends_on: date | None = None,
    training_required: bool = False,
    release_approval_required: bool = False,
    client_committees: Iterable[Committee] = (),
) -> SharingAgreement:
    with refusals_logged(actor=actor, action="agreement.create"):
        require(perms.can_create_agreement(actor), _("Only sharing admins and platform admins write agreements."))
        errors: dict[str, list[str]] = {}
        cats = _clean_categories(categories)
        if not cats:
            errors["categories"] = [_("Name at least one category of information.")]
        party_orgs = [org for org, _role in parties]
        if not party_orgs:
            errors["parties"] = [_("An agreement needs at least one party.")]
        elif len({o.pk for o in party_orgs}) != len(party_orgs):
            errors["parties"] = [_("Each organisation is a party once.")]
        r = perms.roles_of(actor)
        assert r is not None
        if party_orgs and not r.is_platform_admin and not ({o.pk for o in party_orgs} & r.sharing_admin_org_ids):
            errors["parties"] = [_("One of the parties must be an organisation you are sharing admin of.")]
        if (special_category or criminal_offence) and not (special_condition or "").strip():
            errors["special_condition"] = [
                _("Special-category or criminal-offence data needs the condition that allows processing it.")
            ]
        if next_review <= timezone.localdate():
            errors["next_review"] = [_("The next review must be in the future.")]
        if errors:
            raise ValidationError(errors)
        agreement = SharingAgreement(
            title=title,
            purpose=purpose,
            summary=summary,
            categories=cats,
            lawful_basis=lawful_basis,
            special_category=special_category,
            criminal_offence=criminal_offence,
            special_condition=special_condition,
            impact_assessment=impact_assessment,
            retention_days=retention_days,
            disposal=disposal,
            security_measures=security_measures,
            rights_handling=rights_handling,
            primary_user_roles=primary_user_roles,
            max_tlp=max_tlp,
            training_required=training_required,
            release_approval_required=release_approval_required,
            review_interval_months=review_interval_months,
            next_review=next_review,
            ends_on=ends_on,
            created_by=actor,
        )
        agreement.full_clean()
        agreement.save()
        for org, role in parties:
            party = AgreementParty(agreement=agreement, organisation=org, role=role)
            party.full_clean(exclude=["agreement"])
            party.save()
        agreement.client_committees.set(list(client_committees))
        audit_record(actor=actor, action="agreement.create", target=agreement)
        forget(actor)
    return agreement


#: Terms a party signs for: changing one on a signed agreement needs every party to sign again.
MATERIAL_TERMS = (
    "purpose",
    "categories",
    "lawful_basis",
    "special_category",
    "criminal_offence",
    "special_condition",
    "impact_assessment",
    "retention_days",
    "primary_user_roles",
    "max_tlp",
    "parties",
    "client_committees",
)
#: Terms that may change in any status but expired (with a reason once the agreement is in force).
OTHER_TERMS = (
    "title",
    "summary",
    "disposal",
    "security_measures",
    "rights_handling",
    "training_required",
    "release_approval_required",
    "review_interval_months",
    "next_review",
    "ends_on",
)


def _term_label(name: str) -> str:
    if name == "parties":
        return str(_("the parties"))
    return str(getattr(SharingAgreement._meta.get_field(name), "verbose_name", name))


def _term_value(agreement: SharingAgreement, name: str) -> Any:
    if name == "parties":
        return sorted(agreement.parties.values_list("organisation_id", flat=True))
    if name == "client_committees":
        return sorted(agreement.client_committees.values_list("pk", flat=True))
    if name == "impact_assessment":
        return agreement.impact_assessment_id
    if name == "categories":
        return list(agreement.categories)
    return getattr(agreement, name)


def _new_term_value(name: str, value: Any) -> Any:
    if name == "parties":
        return sorted(org.pk for org, _role in value)
    if name == "client_committees":
        return sorted(c.pk for c in value)
    if name == "impact_assessment":
        return value.pk if value is not None else None
    if name == "categories":
        return _clean_categories(value)
    return value


def agreement_update(
    *,
    actor: User,
    agreement: SharingAgreement,
    version: datetime | str | None,
    changes: dict[str, Any],
    reason: str = "",
    resign: bool = False,
) -> SharingAgreement:
    """Edit an agreement. Only its parties' sharing admins (or a platform admin) edit it, and the
    editor stays sharing admin of one of the parties. A draft changes freely (signatures collected
    before a material change are withdrawn: they signed other terms). Once signed into force
    (active or suspended), a change to a material term (``MATERIAL_TERMS``) sends the agreement back
    to draft for every party to sign again, which stops new sharing at once, and must be confirmed
    (``resign``); other terms change with a reason. An expired agreement does not change. Grants the
    new terms no longer allow (a party or client committee removed, a category or label no longer
    covered) are revoked and the visibility table rewritten, so access ends on the next request.
    ``version`` is the ``updated_at`` the editor read: a change made meanwhile is refused."""
    with refusals_logged(actor=actor, action="agreement.update", agreement=agreement):
        agreement = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
        _require_manage(actor, agreement)
        given = version if isinstance(version, datetime) else parse_datetime(str(version or ""))
        if given is None or given != agreement.updated_at:
            raise ValidationError(
                {
                    "version": [
                        _("Someone changed this agreement after you opened it: reload it and make your change again.")
                    ]
                }
            )
        if agreement.status == SharingAgreement.Status.EXPIRED:
            raise ValidationError(_("An expired agreement cannot be changed; write a new one."))
        unknown = set(changes) - set(MATERIAL_TERMS) - set(OTHER_TERMS)
        if unknown:
            raise ValidationError({name: [_("This cannot be changed here.")] for name in sorted(unknown)})
        diff = {
            name: (_term_value(agreement, name), _new_term_value(name, value))
            for name, value in changes.items()
            if _term_value(agreement, name) != _new_term_value(name, value)
        }
        if not diff:
            return agreement
        material = [name for name in diff if name in MATERIAL_TERMS]
        in_force = agreement.status != SharingAgreement.Status.DRAFT
        errors: dict[str, list[str]] = {}
        if in_force and not (reason or "").strip():
            errors["reason"] = [_("Say why the terms of an agreement in force change.")]
        if in_force and material and not resign:
            errors["resign"] = [
                _(
                    "Changing %(terms)s changes what the parties signed: the agreement returns to draft, "
                    "stops new sharing and needs every party's signature again. Confirm to go ahead."
                )
                % {"terms": ", ".join(_term_label(n) for n in material)}
            ]
        if "categories" in diff and not diff["categories"][1]:
            errors["categories"] = [_("Name at least one category of information.")]
        if "parties" in changes:
            party_orgs = [org for org, _role in changes["parties"]]
            r = perms.roles_of(actor)
            assert r is not None
            if not party_orgs:
                errors["parties"] = [_("An agreement needs at least one party.")]
            elif len({o.pk for o in party_orgs}) != len(party_orgs):
                errors["parties"] = [_("Each organisation is a party once.")]
            elif not r.is_platform_admin and not ({o.pk for o in party_orgs} & r.sharing_admin_org_ids):
                errors["parties"] = [_("One of the parties must be an organisation you are sharing admin of.")]
        if "next_review" in diff and diff["next_review"][1] <= timezone.localdate():
            errors["next_review"] = [_("The next review must be in the future.")]
        if errors:
            raise ValidationError(errors)
        for name in diff:
            if name in ("parties", "client_committees"):
                continue
            setattr(agreement, name, _new_term_value(name, changes[name]) if name == "categories" else changes[name])
        special = agreement.special_category or agreement.criminal_offence
        if special and not (agreement.special_condition or "").strip():
            raise ValidationError(
                {
                    "special_condition": [
                        _("Special-category or criminal-offence data needs the condition that allows processing it.")
                    ]
                }
            )
        if special and in_force and agreement.impact_assessment_id is None:
            raise ValidationError(
                {
                    "impact_assessment": [
                        _("Special-category or criminal-offence data needs a linked impact assessment (DPIA).")
                    ]
                }
            )
        old_status = agreement.status
        withdrawn: list[int] = []
        if material:
            withdrawn = list(agreement.signatories.values_list("pk", flat=True))
            agreement.signatories.all().delete()
            agreement.status = SharingAgreement.Status.DRAFT
        agreement.full_clean()
        agreement.save()
        if "parties" in diff:
            keep = {org.pk: role for org, role in changes["parties"]}
            agreement.parties.exclude(organisation_id__in=list(keep)).delete()
            existing = set(agreement.parties.values_list("organisation_id", flat=True))
            for org, role in changes["parties"]:
                if org.pk not in existing:
                    party = AgreementParty(agreement=agreement, organisation=org, role=role)
                    party.full_clean(exclude=["agreement"])
                    party.save()
        if "client_committees" in diff:
            agreement.client_committees.set(list(changes["client_committees"]))
        revoked = _grants_recheck(actor, agreement) if material else 0
        audit_record(
            actor=actor,
            action="agreement.update",
            target=agreement,
            changes={
                **{name: [_jsonable(old), _jsonable(new)] for name, (old, new) in diff.items()},
                **({"status": [old_status, agreement.status]} if old_status != agreement.status else {}),
                **({"signatures_withdrawn": withdrawn} if withdrawn else {}),
                **({"grants_revoked": revoked} if revoked else {}),
            },
            reason=reason,
        )
        forget(actor)
    return agreement


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _grants_recheck(actor: User, agreement: SharingAgreement) -> int:
    """Revoke the grants on items citing ``agreement`` that its terms no longer allow (beyond the
    originating organisation: a party, a client committee, the category, the label), then rewrite
    those items' visibility rows."""
    touched: dict[int, InformationItem] = {}
    revoked = 0
    grants = ItemGrant.objects.filter(core_grants.active_q(), target__agreement=agreement).select_related(
        "target", "target__agreement"
    )
    for grant in grants:
        item = grant.target
        grantee = _grantee_or_none(grant.grantee_kind, grant.grantee_id)
        if grantee is None or not _beyond_origin(item, grant.grantee_kind, grantee):
            continue
        item.agreement = agreement
        if _covers(agreement, item.category, item.label) or _party_check(item, agreement, grant.grantee_kind, grantee):
            core_grants.grant_revoke(
                actor=actor, grant=grant, reason=_("The agreement “%(title)s” changed.") % {"title": agreement.title}
            )
            log_event(
                event=E.REVOKE,
                actor=actor,
                item=item,
                reason=_("The agreement's terms changed."),
                recipients=[{"kind": grant.grantee_kind, "id": grant.grantee_id}],
            )
            touched[item.pk] = item
            revoked += 1
    for item in touched.values():
        visibility_sync(item)
    return revoked


def _require_manage(actor: User, agreement: SharingAgreement) -> None:
    if not allows(actor, agreement, perms.Action.VIEW):
        raise Http404
    require(allows(actor, agreement, perms.Action.MANAGE), _("Only the parties' sharing admins manage this agreement."))


def agreement_sign(
    *, actor: User, agreement: SharingAgreement, organisation: Organisation, name: str, position: str, signed_on: date
) -> AgreementSignatory:
    with refusals_logged(actor=actor, action="agreement.sign", agreement=agreement):
        _require_manage(actor, agreement)
        if not agreement.parties.filter(organisation=organisation).exists():
            raise ValidationError({"organisation": [_("Only a party to the agreement signs it.")]})
        if signed_on > timezone.localdate():
            raise ValidationError({"signed_on": [_("A signature cannot be dated in the future.")]})
        signatory = AgreementSignatory(
            agreement=agreement, organisation=organisation, name=name, position=position, signed_on=signed_on
        )
        signatory.full_clean()
        signatory.save()
        audit_record(actor=actor, action="agreement.sign", target=agreement, changes={"organisation": organisation.pk})
    return signatory


def agreement_activate(*, actor: User, agreement: SharingAgreement) -> SharingAgreement:
    with refusals_logged(actor=actor, action="agreement.activate", agreement=agreement):
        _require_manage(actor, agreement)
        errors: list[str] = []
        signed = set(agreement.signatories.values_list("organisation_id", flat=True))
        unsigned = [
            p.organisation.name
            for p in agreement.parties.select_related("organisation")
            if p.organisation_id not in signed
        ]
        if unsigned:
            errors.append(
                _("Every party signs before the agreement is active; not yet signed: %(names)s.")
                % {"names": ", ".join(unsigned)}
            )
        if (agreement.special_category or agreement.criminal_offence) and agreement.impact_assessment_id is None:
            errors.append(_("Special-category or criminal-offence data needs a linked impact assessment (DPIA)."))
        if agreement.next_review < timezone.localdate():
            errors.append(_("The review is overdue: record a review first."))
        if agreement.status == SharingAgreement.Status.EXPIRED:
            errors.append(_("An expired agreement cannot be made active again; write a new one."))
        if errors:
            raise ValidationError(errors)
        old = agreement.status
        agreement.status = SharingAgreement.Status.ACTIVE
        agreement.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="agreement.activate", target=agreement, changes={"status": [old, "active"]})
    return agreement


def _agreement_status(
    actor: User, agreement: SharingAgreement, status: str, reason: str, action: str
) -> SharingAgreement:
    with refusals_logged(actor=actor, action=action, agreement=agreement):
        _require_manage(actor, agreement)
        if not (reason or "").strip():
            raise ValidationError({"reason": [_("Say why.")]})
        if agreement.status == SharingAgreement.Status.EXPIRED:
            raise ValidationError(_("This agreement has already ended."))
        if status == SharingAgreement.Status.SUSPENDED and agreement.status != SharingAgreement.Status.ACTIVE:
            raise ValidationError(_("Only an active agreement is suspended."))
        old = agreement.status
        agreement.status = status
        agreement.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action=action, target=agreement, changes={"status": [old, status]}, reason=reason)
    return agreement


def agreement_suspend(*, actor: User, agreement: SharingAgreement, reason: str) -> SharingAgreement:
    """Stops new sharing under the agreement at once."""
    return _agreement_status(actor, agreement, SharingAgreement.Status.SUSPENDED, reason, "agreement.suspend")


def agreement_expire(*, actor: User, agreement: SharingAgreement, reason: str) -> SharingAgreement:
    return _agreement_status(actor, agreement, SharingAgreement.Status.EXPIRED, reason, "agreement.expire")


def agreement_review(*, actor: User, agreement: SharingAgreement, notes: str) -> SharingAgreement:
    """A periodic review is done: the next one falls one interval from today."""
    with refusals_logged(actor=actor, action="agreement.review", agreement=agreement):
        _require_manage(actor, agreement)
        if not (notes or "").strip():
            raise ValidationError({"notes": [_("Say what the review found.")]})
        old = agreement.next_review
        agreement.next_review = timezone.localdate() + relativedelta(months=agreement.review_interval_months)
        agreement.save(update_fields=["next_review", "updated_at"])
        audit_record(
            actor=actor,
            action="agreement.review",
            target=agreement,
            changes={"next_review": [str(old), str(agreement.next_review)]},
            reason=notes,
        )
    return agreement


def agreement_acknowledge(*, actor: User, agreement: SharingAgreement) -> Acknowledgement:
    """The user has read the plain-language summary; required before first access under it."""
    with refusals_logged(actor=actor, action="agreement.acknowledge", agreement=agreement):
        if (
            not allows(actor, agreement, perms.Action.VIEW)
            and not agreement.items.filter(perms.item_view_rule(actor)).exists()
        ):
            raise Http404
        if agreement.training_required and not TrainingRecord.objects.filter(user=actor).exists():
            raise ValidationError(
                _(
                    "This agreement requires training in the system and in data protection first: "
                    "ask your sharing admin to record it."
                )
            )
        ack, created = Acknowledgement.objects.get_or_create(user=actor, agreement=agreement)
        if created:
            log_event(event=E.ACKNOWLEDGE, actor=actor, agreement=agreement)
    return ack


# --- Templates ---------------------------------------------------------------------------------

FIELD_TYPES = set(Template.FieldType.values)


def _clean_field_definitions(fields: Any) -> list[dict[str, Any]]:
    if not isinstance(fields, list) or not fields:
        raise ValidationError({"fields": [_("A template has at least one field.")]})
    out: list[dict[str, Any]] = []
    names: set[str] = set()
    for i, f in enumerate(fields, start=1):
        if not isinstance(f, dict):
            raise ValidationError({"fields": [_("Field %(n)s is not a definition.") % {"n": i}]})
        name = str(f.get("name", "")).strip()
        if not name.isidentifier():
            raise ValidationError(
                {"fields": [_("Field %(n)s needs a name of letters, digits and underscores.") % {"n": i}]}
            )
        if name in names:
            raise ValidationError({"fields": [_("Two fields are named %(name)s.") % {"name": name}]})
        names.add(name)
        ftype = f.get("type")
        if ftype not in FIELD_TYPES:
            raise ValidationError({"fields": [_("Field %(name)s has an unknown type.") % {"name": name}]})
        choices = [str(c).strip() for c in f.get("choices") or [] if str(c).strip()]
        if ftype == Template.FieldType.CHOICE and not choices:
            raise ValidationError({"fields": [_("Field %(name)s lists no choices.") % {"name": name}]})
        if len(set(choices)) != len(choices):
            raise ValidationError({"fields": [_("Field %(name)s lists a choice twice.") % {"name": name}]})
        if ftype != Template.FieldType.CHOICE:
            choices = []
        out.append(
            {
                "name": name,
                "label": str(f.get("label") or name.replace("_", " ").capitalize())[:120],
                "type": ftype,
                "required": bool(f.get("required", False)),
                "help": str(f.get("help") or "")[:500],
                "choices": choices,
            }
        )
    return out


@transaction.atomic
def template_define(
    *,
    actor: User,
    name: str,
    fields: Any,
    description: str = "",
    template: Template | None = None,
    is_active: bool | None = None,
    version: datetime | str | None = None,
) -> Template:
    """Create a template, or change one (``template``, with the ``version`` read: a change made
    meanwhile is refused). Items keep their values, so once a template is in use a field is not
    removed, does not change type, does not become required and keeps the choices items hold; a
    template is retired (``is_active`` false) rather than deleted."""
    require(perms.can_create_agreement(actor), _("Only sharing admins and platform admins define templates."))
    cleaned = _clean_field_definitions(fields)
    if template is not None:
        template = Template.objects.select_for_update().get(pk=template.pk)
        given = version if isinstance(version, datetime) else parse_datetime(str(version or ""))
        if given is None or given != template.updated_at:
            raise ValidationError(
                _("Someone changed this template after you opened it: reload it and make your change again.")
            )
        if template.items.exists():
            problems = _template_in_use_problems(template, cleaned)
            if problems:
                raise ValidationError({"fields": problems})
    old_fields = [f["name"] for f in template.fields] if template is not None else []
    template = template or Template()
    template.name = name
    template.description = description
    template.fields = cleaned
    if is_active is not None:
        template.is_active = is_active
    template.full_clean()
    template.save()
    audit_record(
        actor=actor,
        action="template.define",
        target=template,
        changes={"fields": [old_fields, [f["name"] for f in cleaned]], "is_active": template.is_active},
    )
    return template


def _template_in_use_problems(template: Template, new_fields: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    new = {f["name"]: f for f in new_fields}
    for old in template.fields:
        f = new.get(old["name"])
        label = old.get("label") or old["name"]
        if f is None:
            problems.append(
                _("Items use the field “%(label)s”: it cannot be removed (retire the template instead).")
                % {"label": label}
            )
            continue
        if f["type"] != old["type"]:
            problems.append(_("Items hold values of “%(label)s”: its type cannot change.") % {"label": label})
        if f["required"] and not old.get("required"):
            problems.append(_("Items were written without “%(label)s”: it cannot become required.") % {"label": label})
        if f["type"] == Template.FieldType.CHOICE:
            dropped = [c for c in old.get("choices", []) if c not in f["choices"]]
            used = [c for c in dropped if template.items.filter(**{f"values__{old['name']}": c}).exists()]
            if used:
                problems.append(
                    _("Items hold the choice “%(choice)s” of “%(label)s”: keep it.")
                    % {"choice": used[0], "label": label}
                )
    for name, f in new.items():
        if name not in {o["name"] for o in template.fields} and f["required"]:
            problems.append(
                _("Items were written without “%(label)s”: a new field of a template in use is optional.")
                % {"label": f["label"]}
            )
    return problems


def template_values_clean(template: Template | None, values: dict[str, Any]) -> dict[str, Any]:
    """Each value checked against its field's type; unknown fields refused; required fields present."""
    if template is None:
        if values:
            raise ValidationError({"values": [_("Values need a template.")]})
        return {}
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    known = {f["name"]: f for f in template.fields}
    for key in values:
        if key not in known:
            errors[f"values.{key}"] = [_("The template has no field %(name)s.") % {"name": key}]
    for name, f in known.items():
        raw = values.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if f["required"]:
                errors[f"values.{name}"] = [_("%(label)s is required.") % {"label": f["label"]}]
            continue
        try:
            out[name] = _coerce(f, raw)
        except (ValueError, TypeError, InvalidOperation):
            errors[f"values.{name}"] = [
                _("%(label)s must be %(type)s.") % {"label": f["label"], "type": Template.FieldType(f["type"]).label}
            ]
    if errors:
        raise ValidationError(errors)
    return out


def _coerce(field: dict[str, Any], raw: Any) -> Any:
    t = field["type"]
    if t in (Template.FieldType.TEXT, Template.FieldType.LONG_TEXT):
        if not isinstance(raw, str):
            raise TypeError
        limit = 200 if t == Template.FieldType.TEXT else 10000
        if len(raw) > limit:
            raise ValueError
        return raw.strip()
    if t == Template.FieldType.INTEGER:
        if isinstance(raw, bool):
            raise TypeError
        if isinstance(raw, float) and not raw.is_integer():
            raise ValueError
        return int(str(raw).strip()) if isinstance(raw, str) else int(raw)
    if t == Template.FieldType.DECIMAL:
        if isinstance(raw, bool):
            raise TypeError
        d = Decimal(str(raw).strip())
        if not d.is_finite():
            raise ValueError
        return str(d)
    if t == Template.FieldType.DATE:
        return date.fromisoformat(str(raw).strip()).isoformat()
    if t == Template.FieldType.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        s = str(raw).strip().lower()
        if s in ("true", "yes", "1", "on"):
            return True
        if s in ("false", "no", "0", "off"):
            return False
        raise ValueError
    if t == Template.FieldType.CHOICE:
        if str(raw) not in field["choices"]:
            raise ValueError
        return str(raw)
    raise ValueError


# --- Items -------------------------------------------------------------------------------------


def _covers(agreement: SharingAgreement, category: str, label: str) -> list[str]:
    """Why ``agreement`` does not cover an item of ``category`` at ``label`` (empty: it does)."""
    problems: list[str] = []
    if category.lower() not in [c.lower() for c in agreement.categories]:
        problems.append(_("The agreement does not cover the category “%(category)s”.") % {"category": category})
    if label and tlp_rank(label) > tlp_rank(agreement.max_tlp):
        problems.append(
            _("The agreement allows information up to TLP:%(max)s, not TLP:%(label)s.")
            % {"max": agreement.max_tlp, "label": label}
        )
    return problems


def item_create(
    *,
    actor: User,
    title: str,
    organisation: Organisation,
    category: str,
    label: str = "",
    template: Template | None = None,
    values: dict[str, Any] | None = None,
    facts: str = "",
    opinion: str = "",
    agreement: SharingAgreement | None = None,
    retention_until: date | None = None,
    review_on: date | None = None,
    cites: Iterable[InformationItem] = (),
) -> InformationItem:
    with refusals_logged(actor=actor, action="item.create", agreement=agreement):
        r = perms.roles_of(actor)
        assert r is not None
        if organisation.pk not in r.organisation_ids:
            raise ValidationError({"organisation": [_("You share on behalf of an organisation you belong to.")]})
        errors: dict[str, list[str]] = {}
        if agreement is not None:
            if (
                not allows(actor, agreement, perms.Action.VIEW)
                or not agreement.parties.filter(organisation=organisation).exists()
            ):
                errors["agreement"] = [str(NOT_FOUND_MESSAGE)]
            else:
                problems = _covers(agreement, category.strip(), label)
                if problems:
                    errors["agreement"] = problems
        if label and label not in TLP.values:
            errors["label"] = [_("Choose one TLP 2.0 label.")]
        if template is not None and not template.is_active:
            errors["template"] = [str(NOT_FOUND_MESSAGE)]
        try:
            cleaned = template_values_clean(template, values or {})
        except ValidationError as exc:
            errors.update(exc.message_dict)
            cleaned = {}
        today = timezone.localdate()
        if retention_until is None:
            retention_until = today + timedelta(days=agreement.retention_days if agreement else 365)
        if retention_until <= today:
            errors["retention_until"] = [_("The retention date must be in the future.")]
        if errors:
            raise ValidationError(errors)
        item = InformationItem(
            title=title,
            template=template,
            values=cleaned,
            facts=facts,
            opinion=opinion,
            label=label,
            category=category.strip(),
            originator=actor,
            organisation=organisation,
            agreement=agreement,
            retention_until=retention_until,
            review_on=review_on,
        )
        item.full_clean()
        item.save()
        cited = list(cites)
        for other in cited:
            if not allows(actor, other, perms.Action.VIEW):
                raise ValidationError({"cites": [str(NOT_FOUND_MESSAGE)]})
        item.cites.set(cited)
        visibility_sync(item)
        log_event(event=E.CREATE, actor=actor, item=item, detail={"label": label})
    return item


# --- Attachments -------------------------------------------------------------------------------


#: What an item may carry, checked by content (``core.uploads``).
ATTACHMENT_FORMATS = uploads.formats("pdf", "png", "jpg", "jpeg", "txt", "csv")


def attachment_add(*, actor: User, item: InformationItem, upload: File) -> Attachment:
    from django.conf import settings

    with refusals_logged(actor=actor, action="attachment.add", item=item):
        _require_item(actor, item, perms.Action.RELABEL, _("Only the originator adds files to an item."))
        checked = uploads.check(
            upload,
            name=str(getattr(upload, "name", "") or ""),
            accepted=ATTACHMENT_FORMATS,
            max_bytes=settings.INFOSHARING_ATTACHMENT_MAX_BYTES,
            size=upload.size,
        )
        ctype, name, size = checked.content_type, checked.name, checked.size
        stored = attachment_storage().save(
            f"{item.pk}/{secrets.token_hex(16)}.{Attachment.ALLOWED_TYPES[ctype]}", upload
        )
        try:
            attachment = Attachment(
                item=item, name=name, content_type=ctype, size=size, stored_as=stored, uploaded_by=actor
            )
            attachment.full_clean()
            attachment.save()
        except Exception:
            attachment_storage().delete(stored)
            raise
        audit_record(actor=actor, action="attachment.add", target=item, changes={"size": size, "type": ctype})
    return attachment


# --- Visibility table ---------------------------------------------------------------------------


def visibility_rows_for(item: InformationItem, now: datetime | None = None) -> dict[tuple[str, int], datetime | None]:
    """What the visibility table must hold for ``item``: (grantee kind, id) -> latest expiry."""
    now = now or timezone.now()
    if item.erased_at is not None:
        return {}
    rows: dict[tuple[str, int], datetime | None] = {(GranteeKind.USER.value, item.originator_id): None}
    if item.label == TLP.CLEAR:
        rows[(ItemVisibility.EVERYONE, 0)] = None
    if not item.label:
        return rows
    for kind, gid, expires in ItemGrant.objects.filter(grant_in_force_q(), target=item).values_list(
        "grantee_kind", "grantee_id", "expires_at"
    ):
        key = (kind, gid)
        if key in rows and rows[key] is None:
            continue
        if expires is None or key not in rows:
            rows[key] = expires
        else:
            current = rows[key]
            rows[key] = max(current, expires) if current is not None else None
    return rows


def visibility_sync(item: InformationItem) -> None:
    """Rewrite the item's rows of the visibility table from its grants and label (two queries)."""
    rows = visibility_rows_for(item)
    ItemVisibility.objects.filter(item=item).delete()
    ItemVisibility.objects.bulk_create(
        [
            ItemVisibility(grantee_kind=k, grantee_id=g, item=item, sort_key=item.created_at, expires_at=exp)
            for (k, g), exp in rows.items()
        ]
    )


# --- Grants ------------------------------------------------------------------------------------


def _grantee(kind: str, grantee_id: int) -> Any:
    models: dict[str, Any] = {"user": User, "organisation": Organisation, "committee": Committee}
    model = models.get(kind)
    if model is None:
        raise ValidationError({"grantee_kind": [_("Grant to an organisation, a committee or a named person.")]})
    obj = model.objects.filter(pk=grantee_id).first() if str(grantee_id).isdigit() else None
    if obj is None or (kind == GranteeKind.USER and not obj.is_active):
        raise ValidationError({"grantee_id": [str(NOT_FOUND_MESSAGE)]})
    return obj


def grantee_name(kind: str, obj: Any) -> str:
    if kind == GranteeKind.USER:
        return str(obj.public_name)
    return str(obj.name)


def _beyond_origin(item: InformationItem, kind: str, obj: Any) -> bool:
    if kind == GranteeKind.ORGANISATION:
        return bool(obj.pk != item.organisation_id)
    if kind == GranteeKind.USER:
        return not OrganisationMembership.objects.filter(user=obj, organisation_id=item.organisation_id).exists()
    return True


def _party_check(item: InformationItem, agreement: SharingAgreement, kind: str, obj: Any) -> list[str]:
    party_ids = set(agreement.parties.values_list("organisation_id", flat=True))
    if kind == GranteeKind.ORGANISATION and obj.pk not in party_ids:
        return [_("%(name)s is not a party to the agreement.") % {"name": obj.name}]
    if (
        kind == GranteeKind.USER
        and not OrganisationMembership.objects.filter(user=obj, organisation_id__in=party_ids).exists()
    ):
        return [_("This person does not belong to a party to the agreement.")]
    if kind == GranteeKind.COMMITTEE and not agreement.client_committees.filter(pk=obj.pk).exists():
        return [_("%(name)s is not a client committee of the agreement.") % {"name": obj.name}]
    return []


def _label_check(label: str, kind: str) -> list[str]:
    if not label:
        return [_("An unlabelled item cannot be shared: give it a TLP label first.")]
    if label == TLP.CLEAR:
        return [_("TLP:CLEAR items are open to every signed-in user; no grant is needed.")]
    if kind not in LABEL_GRANTEE_KINDS[label]:
        if label == TLP.RED:
            return [_("TLP:RED items are shared with named people only.")]
        if label == TLP.AMBER_STRICT:
            return [_("TLP:AMBER+STRICT items are shared with recipient organisations only.")]
        return [_("This label does not allow that recipient.")]
    return []


def grant_recipients(kind: str, grantee_id: int) -> list[int]:
    """The users a grant reaches today (for notifications; re-checked at send time)."""
    if kind == GranteeKind.USER:
        return [grantee_id]
    if kind == GranteeKind.ORGANISATION:
        return list(OrganisationMembership.objects.filter(organisation_id=grantee_id).values_list("user_id", flat=True))
    from coordination.permissions import current_memberships_q

    return [
        uid
        for uid in CommitteeMembership.objects.filter(current_memberships_q(), committee_id=grantee_id).values_list(
            "person__user_id", flat=True
        )
        if uid
    ]


def item_share(
    *,
    actor: User,
    item: InformationItem,
    grantee_kind: str,
    grantee_id: int,
    reason: str,
    confirmed: bool = False,
    expires_at: datetime | None = None,
    read_only: bool = False,
) -> ItemGrant:
    """Grant access to one organisation, committee or person, within the label's limits. Sharing
    beyond the originating organisation cites an agreement that allows new sharing and covers the
    item's category and label, and goes to its parties; widening access is confirmed."""
    with refusals_logged(actor=actor, action="item.share", item=item):
        item = InformationItem.objects.select_for_update().get(pk=item.pk)
        _require_item(
            actor,
            item,
            perms.Action.SHARE,
            _("Only the originator and the organisation's sharing admins share this item."),
        )
        grant = _grant_create(
            actor=actor,
            item=item,
            grantee_kind=grantee_kind,
            grantee_id=grantee_id,
            reason=reason,
            confirmed=confirmed,
            expires_at=expires_at,
            read_only=read_only,
        )
    return grant


def _grant_create(
    *,
    actor: User,
    item: InformationItem,
    grantee_kind: str,
    grantee_id: int,
    reason: str,
    confirmed: bool,
    expires_at: datetime | None,
    read_only: bool,
) -> ItemGrant:
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Say why access is given.")]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = [_("The expiry must be in the future.")]
    label_problems = _label_check(item.label, grantee_kind)
    if label_problems:
        errors["grantee_kind"] = label_problems
    if errors:
        raise ValidationError(errors)
    grantee = _grantee(grantee_kind, grantee_id)
    needs_approval = False
    if _beyond_origin(item, grantee_kind, grantee):
        agreement = item.agreement
        if agreement is None:
            raise ValidationError({"agreement": [_("Sharing beyond your organisation cites an active agreement.")]})
        if not agreement.allows_new_sharing():
            raise ValidationError(
                {
                    "agreement": [
                        _("The agreement “%(title)s” is %(state)s: no new sharing under it.")
                        % {
                            "title": agreement.title,
                            "state": _("overdue for review")
                            if agreement.status == SharingAgreement.Status.ACTIVE
                            else agreement.get_status_display().lower(),
                        }
                    ]
                }
            )
        problems = _covers(agreement, item.category, item.label) + _party_check(item, agreement, grantee_kind, grantee)
        if problems:
            raise ValidationError({"grantee_id": problems})
        needs_approval = agreement.release_approval_required and item.label in RELEASE_APPROVAL_LABELS
    if not confirmed:
        raise ValidationError(
            {
                "confirmed": [
                    _("Confirm that %(name)s may read this TLP:%(label)s item.")
                    % {"name": grantee_name(grantee_kind, grantee), "label": item.label}
                ]
            }
        )
    grant = ItemGrant(
        target=item,
        permission=ItemGrant.Permission.READ_ONLY if read_only else ItemGrant.Permission.READ,
        grantee_kind=grantee_kind,
        grantee_id=grantee.pk,
        reason=reason.strip(),
        granted_by=actor,
        expires_at=expires_at,
        needs_approval=needs_approval,
    )
    grant.full_clean()
    grant.save()
    recipient = {"kind": grantee_kind, "id": grantee.pk, "name": grantee_name(grantee_kind, grantee)}
    audit_record(
        actor=actor,
        action="grant.create",
        target=item,
        changes={
            "grantee": f"{grantee_kind}:{grantee.pk}",
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
        reason=reason,
    )
    log_event(
        event=E.GRANT,
        actor=actor,
        item=item,
        reason=reason,
        recipients=[recipient],
        detail={
            "permission": grant.permission,
            "expires_at": expires_at.isoformat() if expires_at else None,
            "awaiting_approval": needs_approval,
        },
    )
    if not needs_approval:
        visibility_sync(item)
        _notify_shared(item, grant_recipients(grantee_kind, grantee.pk), grant)
    return grant


def grant_approve(*, actor: User, grant: ItemGrant) -> ItemGrant:
    """The second person releases a TLP:RED or TLP:AMBER+STRICT item: not the one who asked."""
    item = grant.target
    with refusals_logged(actor=actor, action="grant.approve", item=item):
        _require_item(
            actor,
            item,
            perms.Action.SHARE,
            _("Only the originator and the organisation's sharing admins release this item."),
        )
        grant = ItemGrant.objects.select_for_update().get(pk=grant.pk)
        if not grant.needs_approval or grant.approved_at is not None or not grant.is_active:
            raise ValidationError(_("This release is not waiting for approval."))
        require(
            grant.granted_by_id != actor.pk, _("A second person approves the release, not the one who asked for it.")
        )
        grant.approved_at = timezone.now()
        grant.approved_by = actor
        grant.save(update_fields=["approved_at", "approved_by"])
        log_event(
            event=E.GRANT_APPROVE,
            actor=actor,
            item=item,
            recipients=[{"kind": grant.grantee_kind, "id": grant.grantee_id}],
        )
        visibility_sync(item)
        _notify_shared(item, grant_recipients(grant.grantee_kind, grant.grantee_id), grant)
    return grant


def grant_revoke(*, actor: User, grant: ItemGrant, reason: str) -> ItemGrant:
    item = grant.target
    with refusals_logged(actor=actor, action="grant.revoke", item=item):
        _require_item(
            actor,
            item,
            perms.Action.MANAGE_GRANTS,
            _("Only the originator and the organisation's sharing admins revoke access."),
        )
        grant = ItemGrant.objects.select_for_update().get(pk=grant.pk)
        already = grant.revoked_at is not None
        core_grants.grant_revoke(actor=actor, grant=grant, reason=reason)
        if already:  # a form sent twice: nothing changes, so nothing more is logged
            return grant
        log_event(
            event=E.REVOKE,
            actor=actor,
            item=item,
            reason=reason,
            recipients=[{"kind": grant.grantee_kind, "id": grant.grantee_id}],
        )
        visibility_sync(item)
    return grant


def item_relabel(*, actor: User, item: InformationItem, label: str, reason: str) -> InformationItem:
    """Only the originator changes the label. Grants the new label does not allow are revoked (so is
    sharing beyond the organisation if the agreement does not cover the new label)."""
    with refusals_logged(actor=actor, action="item.relabel", item=item):
        item = InformationItem.objects.select_for_update().get(pk=item.pk)
        _require_item(actor, item, perms.Action.RELABEL, _("Only the originator may change the label of an item."))
        if label not in TLP.values:
            raise ValidationError({"label": [_("Choose one TLP 2.0 label.")]})
        if not (reason or "").strip():
            raise ValidationError({"reason": [_("Say why the label changes.")]})
        old = item.label
        if old == label:
            return item
        item.label = label
        item.save(update_fields=["label", "updated_at"])
        revoked = 0
        for grant in ItemGrant.objects.filter(core_grants.active_q(), target=item):
            grantee = _grantee_or_none(grant.grantee_kind, grant.grantee_id)
            out_of_limits = label == TLP.CLEAR or bool(_label_check(label, grant.grantee_kind))
            if not out_of_limits and grantee is not None and _beyond_origin(item, grant.grantee_kind, grantee):
                out_of_limits = item.agreement is None or bool(_covers(item.agreement, item.category, label))
            if out_of_limits:
                core_grants.grant_revoke(
                    actor=actor, grant=grant, reason=_("The label changed to TLP:%(label)s.") % {"label": label}
                )
                revoked += 1
        log_event(
            event=E.LABEL_CHANGE,
            actor=actor,
            item=item,
            reason=reason,
            detail={"from": old, "to": label, "grants_revoked": revoked},
        )
        visibility_sync(item)
    return item


def _grantee_or_none(kind: str, grantee_id: int) -> Any:
    try:
        return _grantee(kind, grantee_id)
    except ValidationError:
        return None


# --- Access requests ---------------------------------------------------------------------------


def access_request_ask(*, actor: User, reference: str, reason: str) -> AccessRequest | None:
    """Ask for access to an item one has learnt of (by its reference). The caller is told the same
    whether or not the item exists or is already open to them; the request reaches the deciders."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why you need this information.")]})
    item = InformationItem.objects.filter(reference=(reference or "").strip().upper(), erased_at__isnull=True).first()
    if item is None:
        return None
    with transaction.atomic():
        try:
            with transaction.atomic():
                request = AccessRequest.objects.create(item=item, requester=actor, reason=reason.strip())
        except IntegrityError:
            return AccessRequest.objects.filter(item=item, requester=actor, status=AccessRequest.Status.PENDING).first()
        log_event(event=E.REQUEST, actor=actor, item=item, reason=reason)
        deciders = {item.originator_id} | set(
            SharingAdmin.objects.filter(organisation_id=item.organisation_id).values_list("user_id", flat=True)
        )
        from infosharing.notifications import access_requested

        access_requested(request=request, user_ids=deciders)
    return request


def access_request_approve(
    *, actor: User, request: AccessRequest, expires_at: datetime | None = None, read_only: bool = False, note: str = ""
) -> AccessRequest:
    item = request.item
    with refusals_logged(actor=actor, action="request.approve", item=item):
        if not allows(actor, request, perms.Action.VIEW):
            raise Http404
        require(
            allows(actor, request, perms.Action.DECIDE), _("This request is not yours to decide, or it is decided.")
        )
        request = AccessRequest.objects.select_for_update().get(pk=request.pk)
        item = InformationItem.objects.select_for_update().get(pk=item.pk)
        grant = _grant_create(
            actor=actor,
            item=item,
            grantee_kind=GranteeKind.USER,
            grantee_id=request.requester_id,
            reason=_("Access request #%(n)s approved: %(reason)s") % {"n": request.pk, "reason": request.reason[:500]},
            confirmed=True,
            expires_at=expires_at,
            read_only=read_only,
        )
        request.status = AccessRequest.Status.APPROVED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_note = note
        request.expires_at = expires_at
        request.read_only = read_only
        request.grant = grant
        request.save()
        log_event(
            event=E.REQUEST_DECISION,
            actor=actor,
            item=item,
            reason=note,
            recipients=[{"kind": GranteeKind.USER.value, "id": request.requester_id}],
            detail={
                "decision": "approved",
                "expires_at": expires_at.isoformat() if expires_at else None,
                "read_only": read_only,
            },
        )
    return request


def access_request_decline(*, actor: User, request: AccessRequest, note: str = "") -> AccessRequest:
    item = request.item
    with refusals_logged(actor=actor, action="request.decline", item=item):
        if not allows(actor, request, perms.Action.VIEW):
            raise Http404
        require(
            allows(actor, request, perms.Action.DECIDE), _("This request is not yours to decide, or it is decided.")
        )
        request.status = AccessRequest.Status.DECLINED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_note = note
        request.save()
        log_event(
            event=E.REQUEST_DECISION,
            actor=actor,
            item=item,
            reason=note,
            recipients=[{"kind": GranteeKind.USER.value, "id": request.requester_id}],
            detail={"decision": "declined"},
        )
    return request


# --- Retention and reviews ---------------------------------------------------------------------


def item_erase(*, item_id: int, now: datetime | None = None) -> bool:
    """Erase the content and files of an item past its retention date; the tombstone (reference,
    label, category, originator, organisation, agreement, dates) and the log remain."""
    now = now or timezone.now()
    with transaction.atomic():
        item = InformationItem.objects.select_for_update().filter(pk=item_id, erased_at__isnull=True).first()
        if item is None or item.retention_until >= timezone.localdate():
            return False
        files = list(item.attachments.filter(erased_at__isnull=True))
        item.title = str(_("Erased item"))
        item.values = {}
        item.facts = ""
        item.opinion = ""
        item.erased_at = now
        item.save(update_fields=["title", "values", "facts", "opinion", "erased_at", "updated_at"])
        stored = [a.stored_as for a in files if a.stored_as]
        Attachment.objects.filter(pk__in=[a.pk for a in files]).update(erased_at=now, name="", stored_as="")
        AccessRequest.objects.filter(item=item, status=AccessRequest.Status.PENDING).update(
            status=AccessRequest.Status.DECLINED, decided_at=now, decision_note=str(_("The item was erased."))
        )
        visibility_sync(item)
        log_event(
            event=E.ERASURE,
            actor=None,
            item=item,
            detail={
                "label": item.label,
                "category": item.category,
                "retention_until": item.retention_until.isoformat(),
                "attachments_erased": len(files),
            },
        )

        def delete_files() -> None:
            for name in stored:
                attachment_storage().delete(name)

        transaction.on_commit(delete_files)
    return True


def items_expire_due(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    ids = list(
        InformationItem.objects.filter(erased_at__isnull=True, retention_until__lt=today).values_list("pk", flat=True)[
            :1000
        ]
    )
    return sum(1 for pk in ids if item_erase(item_id=pk))


# --- Notifications -----------------------------------------------------------------------------
# Reviews, retention and access-expiry reminders are scans in ``infosharing/notifications.py`` (the
# one notifications job runs them); events are recorded here, in the transaction that causes them.


def _notify_shared(item: InformationItem, user_ids: list[int], grant: ItemGrant) -> None:
    from infosharing.notifications import item_shared

    item_shared(item=item, user_ids=user_ids, key=f"grant:{grant.pk}")
