"""Writes to action plans: one function per use case, keyword-only, atomic, checked and audited.

Every function re-checks the actor through the rule registry (403 when the row is visible but not
changeable), validates with ``full_clean`` (400 with field messages), checks foreign-key arguments
with ``require_visible`` (a hidden row answers like a missing one) and writes an audit record.
Rows with a ``version`` take ``expected_version``: a stale one raises :class:`StaleVersion` (412 in
the API, a conflict message on the page); adding evidence is not a conflict.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Model, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplans import evidence as evidence_check
from actionplans.duelist import refreshed_once
from actionplans.models import (
    Action,
    ActionGrant,
    ActionPartner,
    ActionPlan,
    AgendaProposal,
    CapacitySession,
    EvaluationCheckpoint,
    Evidence,
    Framework,
    FundingAllocation,
    Indicator,
    IndicatorTarget,
    Lesson,
    Objective,
    OfferTakeUp,
    Pillar,
    PlanVersion,
    ProgressUpdate,
    SessionSectorCount,
    Tranche,
)
from actionplans.permissions import Perm
from core import grants
from core.models import User
from core.permissions import NOT_FOUND_MESSAGE, allows, require, require_visible
from core.services import assign_fields, audit_record

PLAN_FIELDS = (
    "title",
    "summary",
    "jurisdiction",
    "owning_committee",
    "framework",
    "parent",
    "period_start",
    "period_end",
    "rag_amber_below",
    "rag_red_below",
    "local_only",
    "iati_identifier",
)
OBJECTIVE_FIELDS = ("code", "title", "description", "weight", "order")
ACTION_FIELDS = (
    "objective",
    "title",
    "description",
    "kind",
    "lead_organisation",
    "owner",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "status",
    "weight",
    "rag_override",
    "rag_override_reason",
    "budget",
    "currency",
    "local_only",
)
INDICATOR_FIELDS = (
    "objective",
    "action",
    "code",
    "name",
    "measure",
    "unit",
    "direction",
    "cumulative",
    "aggregation",
    "baseline_date",
    "baseline_value",
    "means_of_verification",
    "parent",
    "weight",
    "local_only",
)
UPDATE_FIELDS = (
    "period_start",
    "period_end",
    "narrative",
    "progress",
    "value",
    "numerator",
    "denominator",
    "text_value",
    "evidence_link",
)
EVALUATION_FIELDS = (
    "kind",
    "due_on",
    "held_on",
    *EvaluationCheckpoint.CRITERIA,
    "report",
    "report_link",
    "management_response",
)
# The decision a taken-over action came from mirrors the action's status (ADR 0004).
DECISION_STATUS: dict[str, str] = {
    Action.Status.PLANNED: "open",
    Action.Status.IN_PROGRESS: "in_progress",
    Action.Status.SUSPENDED: "in_progress",
    Action.Status.COMPLETED: "done",
    Action.Status.CANCELLED: "dropped",
}


class StaleVersion(Exception):
    """The row changed since the caller read it: ``current`` is the row as it is now."""

    def __init__(self, current: Model) -> None:
        super().__init__(_("Someone else changed this in the meantime."))
        self.current = current


# --- helpers ----------------------------------------------------------------------------------


def _locked(instance: Any, expected_version: int | None) -> Any:
    """The row, locked for the rest of the transaction, after checking the caller's version."""
    fresh = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and int(expected_version) != fresh.version:
        raise StaleVersion(fresh)
    return fresh


def _bump(instance: Any) -> None:
    instance.version = (instance.version or 0) + 1


def _fk(actor: User, data: dict[str, Any], *names: str) -> None:
    """``require_visible`` over the named foreign-key arguments (one of which may be called
    ``action``, which ``require_visible`` takes as its own argument)."""
    errors = {n: [str(NOT_FOUND_MESSAGE)] for n in names if data.get(n) is not None and not allows(actor, data[n])}
    if errors:
        raise ValidationError(errors)


def _require_manage(actor: User, plan: ActionPlan) -> None:
    require(allows(actor, plan, Perm.MANAGE), _("You may not change this plan."))


def _can_create_plan_in(actor: User, jurisdiction: Any) -> bool:
    from stakeholders.permissions import scopes_for

    scopes = scopes_for(actor)
    if scopes.is_platform_admin:
        return True
    return any(jurisdiction.path.startswith(p) for p in scopes.coordinator_paths)


# --- frameworks --------------------------------------------------------------------------------


def _pillar_rows(pillars: Any) -> list[tuple[str, str]]:
    """The pillars as (code, name) pairs, trimmed, in the order given; at least one, each code once
    (codes compared without regard to case, as readers of the strategy would)."""
    rows = [(str(code or "").strip(), str(name or "").strip()) for code, name in (pillars or [])]
    rows = [(code, name) for code, name in rows if code or name]
    if not rows:
        raise ValidationError({"pillars": _("Give the framework at least one pillar.")})
    errors: list[str] = []
    seen: set[str] = set()
    for code, name in rows:
        if not code or not name:
            errors.append(_("Give every pillar a code and a name."))
        elif code.casefold() in seen:
            errors.append(_("Each pillar needs its own code: “%(code)s” is given more than once.") % {"code": code})
        seen.add(code.casefold())
    if errors:
        raise ValidationError({"pillars": sorted(set(errors), key=errors.index)})
    return rows


def _pillar_errors(exc: ValidationError) -> ValidationError:
    """A pillar row's own validation (too long a code or name), reported on ``pillars``."""
    messages = [f"{field}: {m}" if field != "__all__" else m for field, ms in exc.message_dict.items() for m in ms]
    return ValidationError({"pillars": messages})


def _set_pillars(framework: Framework, rows: list[tuple[str, str]]) -> dict[str, list[Any]]:
    """Make the framework's pillars ``rows``, matched by code: a kept code keeps its pillar (and the
    objectives mapped to it), a new code is added, a code no longer given is removed. Returns the
    changes for the audit record."""
    existing = {p.code.casefold(): p for p in framework.pillars.all()}
    before = [f"{p.code} {p.name}" for p in sorted(existing.values(), key=lambda p: (p.order, p.code))]
    wanted = {code.casefold() for code, _name in rows}
    removed = [p for key, p in existing.items() if key not in wanted]
    if removed:
        Pillar.objects.filter(pk__in=[p.pk for p in removed]).delete()
    for order, (code, name) in enumerate(rows, start=1):
        pillar = existing.get(code.casefold()) or Pillar(framework=framework)
        pillar.code, pillar.name, pillar.order = code, name, order
        try:
            pillar.full_clean()
        except ValidationError as exc:
            raise _pillar_errors(exc) from None
        pillar.save()
    after = [f"{code} {name}" for code, name in rows]
    return {"pillars": [before, after]} if before != after else {}


def _require_manage_framework(actor: User, framework: Framework) -> None:
    require(allows(actor, framework, Perm.MANAGE), _("You may not change this framework."))


def framework_etag(framework: Framework, pillars: Iterable[Pillar]) -> str:
    """The validator of what a correction may change: the adoption date and the pillars (code, name,
    order). ``Framework.version`` cannot serve: it numbers the strategy's versions, and a correction
    leaves it as it is on purpose. A digest of the correctable state changes with every correction,
    through the page or the API alike, and with nothing else; no counter column is needed."""
    rows = sorted((p.order, p.code, p.name) for p in pillars)
    state = [framework.adopted_on.isoformat() if framework.adopted_on else "-"]
    state += [f"{order}\x1f{code}\x1f{name}" for order, code, name in rows]
    return hashlib.sha256("\x1e".join(state).encode()).hexdigest()[:20]


def framework_in_use(framework: Framework) -> bool:
    """Whether any plan follows this version (its pillars are then fixed: revise it instead)."""
    return ActionPlan.objects.filter(framework=framework).exists()


@transaction.atomic
def framework_create(
    *,
    actor: User,
    name: str,
    jurisdiction: Any,
    version: int = 1,
    adopted_on: date | None = None,
    pillars: list[tuple[str, str]] | None = None,
) -> Framework:
    """Adopt a framework (a national or county strategy) with its pillars. A second framework of the
    same name is a revision: use :func:`framework_revise`."""
    if jurisdiction is None:
        raise ValidationError({"jurisdiction": _("Choose the jurisdiction that adopts the framework.")})
    name = (name or "").strip()
    rows = _pillar_rows(pillars)
    previous = Framework.objects.filter(name=name).order_by("-version").first()
    if previous is not None and version <= previous.version:
        raise ValidationError(
            {"name": _("A framework of that name is already adopted: revise it to make a new version.")}
        )
    framework = Framework(
        name=name, jurisdiction=jurisdiction, version=version, adopted_on=adopted_on, supersedes=previous
    )
    framework.full_clean()
    framework.save()
    # The manage rule decides on the row as it would stand (a refusal rolls the whole adoption back).
    require(allows(actor, framework, Perm.MANAGE, fresh=True), _("You may not adopt a framework in this jurisdiction."))
    _set_pillars(framework, rows)
    audit_record(
        actor=actor,
        action="framework.create",
        target=framework,
        changes={"version": version, "pillars": [f"{code} {name}" for code, name in rows]},
    )
    return framework


@transaction.atomic
def framework_revise(
    *,
    actor: User,
    framework: Framework,
    adopted_on: date | None = None,
    pillars: list[tuple[str, str]] | None = None,
) -> Framework:
    """A revised strategy: a new version of the current one, with ``supersedes`` set and its own
    pillars (by default a copy of the current pillars). The revised version, and the plans that
    follow it, stay exactly as they are."""
    _require_manage_framework(actor, framework)
    # Every version of the framework, locked: two revisions at once make one version each in turn.
    family = list(Framework.objects.select_for_update().filter(name=framework.name).order_by("-version"))
    latest = family[0] if family else framework
    if latest.pk != framework.pk:
        raise ValidationError(
            _("Only the current version can be revised: version %(n)s is newer.") % {"n": latest.version}
        )
    if pillars is None:
        pillars = [(p.code, p.name) for p in framework.pillars.order_by("order", "code")]
    rows = _pillar_rows(pillars)
    revised = Framework(
        name=framework.name,
        jurisdiction=framework.jurisdiction,
        version=framework.version + 1,
        adopted_on=adopted_on,
        supersedes=framework,
    )
    revised.full_clean()
    revised.save()
    _set_pillars(revised, rows)
    audit_record(
        actor=actor,
        action="framework.revise",
        target=revised,
        changes={
            "version": [framework.version, revised.version],
            "pillars": [f"{code} {name}" for code, name in rows],
        },
    )
    return revised


@transaction.atomic
def framework_update(
    *,
    actor: User,
    framework: Framework,
    adopted_on: date | None = None,
    pillars: list[tuple[str, str]] | None = None,
    expected_etag: str | None = None,
) -> Framework:
    """Correct a version no plan follows yet (its adoption date, its pillars). Once a plan follows
    it, the version is kept as it is: a change is a revision (:func:`framework_revise`). With
    ``expected_etag`` (:func:`framework_etag` of what the caller read), a version corrected by
    someone else in the meantime raises :class:`StaleVersion` and nothing is changed."""
    _require_manage_framework(actor, framework)
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if expected_etag is not None and expected_etag != framework_etag(framework, framework.pillars.all()):
        raise StaleVersion(framework)
    if framework_in_use(framework):
        raise ValidationError(
            _("Plans follow this version, so it is kept as it is: revise the framework to make a new version.")
        )
    changes: dict[str, Any] = {}
    if adopted_on != framework.adopted_on:
        changes["adopted_on"] = [
            framework.adopted_on.isoformat() if framework.adopted_on else None,
            adopted_on.isoformat() if adopted_on else None,
        ]
        framework.adopted_on = adopted_on
        framework.full_clean()
        framework.save(update_fields=["adopted_on"])
    if pillars is not None:
        changes.update(_set_pillars(framework, _pillar_rows(pillars)))
    if changes:
        audit_record(actor=actor, action="framework.update", target=framework, changes=changes)
    return framework


# --- plans -------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor: User, **data: Any) -> ActionPlan:
    jurisdiction = data.get("jurisdiction")
    if jurisdiction is None:
        raise ValidationError({"jurisdiction": _("Choose the jurisdiction of the plan.")})
    require(_can_create_plan_in(actor, jurisdiction), _("You may not create plans in this jurisdiction."))
    _fk(actor, data, "owning_committee", "parent", "framework")
    plan = ActionPlan(created_by=actor)
    assign_fields(plan, data, PLAN_FIELDS)
    plan.full_clean()
    plan.save()
    audit_record(actor=actor, action="plan.create", target=plan)
    return plan


@transaction.atomic
def plan_update(*, actor: User, plan: ActionPlan, expected_version: int | None = None, **data: Any) -> ActionPlan:
    _require_manage(actor, plan)
    plan = _locked(plan, expected_version)
    if "jurisdiction" in data and data["jurisdiction"] != plan.jurisdiction:
        require(_can_create_plan_in(actor, data["jurisdiction"]), _("You may not move the plan there."))
    _fk(actor, data, "owning_committee", "parent", "framework")
    if data.get("parent") is not None and data["parent"].pk == plan.pk:
        raise ValidationError({"parent": _("A plan cannot be its own parent.")})
    changes = assign_fields(plan, data, PLAN_FIELDS)
    plan.full_clean()
    if changes:
        _bump(plan)
        plan.save()
        audit_record(actor=actor, action="plan.update", target=plan, changes=changes)
    return plan


PLAN_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ActionPlan.Status.DRAFT: (ActionPlan.Status.CONSULTATION, ActionPlan.Status.CANCELLED),
    ActionPlan.Status.CONSULTATION: (ActionPlan.Status.DRAFT, ActionPlan.Status.ACTIVE, ActionPlan.Status.CANCELLED),
    ActionPlan.Status.ACTIVE: (ActionPlan.Status.SUSPENDED, ActionPlan.Status.CLOSED, ActionPlan.Status.CONSULTATION),
    ActionPlan.Status.SUSPENDED: (ActionPlan.Status.ACTIVE, ActionPlan.Status.CLOSED, ActionPlan.Status.CANCELLED),
    ActionPlan.Status.CLOSED: (),
    ActionPlan.Status.CANCELLED: (),
}


@transaction.atomic
def plan_set_status(
    *, actor: User, plan: ActionPlan, status: str, expected_version: int | None = None, reason: str = ""
) -> ActionPlan:
    """Move the plan along draft > consultation > active > suspended/closed (or cancelled). Becoming
    active is an approval: use :func:`plan_approve`, which keeps the approved version."""
    _require_manage(actor, plan)
    plan = _locked(plan, expected_version)
    if status == ActionPlan.Status.ACTIVE and plan.status == ActionPlan.Status.CONSULTATION:
        raise ValidationError({"status": _("Approve the plan to make it active.")})
    if status not in PLAN_TRANSITIONS.get(plan.status, ()):
        raise ValidationError(
            {
                "status": _("A plan that is %(current)s cannot become %(new)s.")
                % {
                    "current": plan.get_status_display(),
                    "new": ActionPlan.Status(status).label if status in ActionPlan.Status.values else status,
                }
            }
        )
    old = plan.status
    plan.status = status
    _bump(plan)
    plan.save(update_fields=["status", "version", "updated_at"])
    audit_record(actor=actor, action="plan.status", target=plan, changes={"status": [old, status]}, reason=reason)
    return plan


def plan_submit(*, actor: User, plan: ActionPlan, expected_version: int | None = None) -> ActionPlan:
    """Put a draft out for consultation."""
    return plan_set_status(
        actor=actor, plan=plan, status=ActionPlan.Status.CONSULTATION, expected_version=expected_version
    )


def plan_snapshot(plan: ActionPlan) -> dict[str, Any]:
    """What an approved version keeps: the plan's frame, objectives, actions and indicators."""
    objectives = list(plan.objectives.prefetch_related("pillars").order_by("order", "code"))
    actions = list(plan.actions.select_related("objective", "lead_organisation").order_by("objective__code", "id"))
    indicators = list(plan.indicators.prefetch_related("targets").order_by("code"))
    return {
        "title": plan.title,
        "period": [plan.period_start.isoformat(), plan.period_end.isoformat()],
        "thresholds": {"amber_below": plan.rag_amber_below, "red_below": plan.rag_red_below},
        "objectives": {
            o.code: {"title": o.title, "weight": o.weight, "pillars": sorted(p.code for p in o.pillars.all())}
            for o in objectives
        },
        "actions": {
            str(a.pk): {
                "title": a.title,
                "objective": a.objective.code,
                "lead": a.lead_organisation.name,
                "planned": [a.planned_start.isoformat(), a.planned_end.isoformat()],
                "budget": None if a.budget is None else f"{a.budget} {a.currency}",
            }
            for a in actions
        },
        "indicators": {
            i.code: {
                "name": i.name,
                "measure": i.measure,
                "baseline": None if i.baseline_value is None else str(i.baseline_value),
                "targets": {
                    t.period_start.isoformat(): str(t.value if t.value is not None else t.text) for t in i.targets.all()
                },
            }
            for i in indicators
        },
    }


@transaction.atomic
def plan_approve(*, actor: User, plan: ActionPlan, expected_version: int | None = None, note: str = "") -> PlanVersion:
    """Approve the plan as it stands: it becomes active and this version is kept as a snapshot."""
    _require_manage(actor, plan)
    plan = _locked(plan, expected_version)
    if plan.status not in (ActionPlan.Status.DRAFT, ActionPlan.Status.CONSULTATION, ActionPlan.Status.ACTIVE):
        raise ValidationError({"status": _("Only a draft, a plan in consultation or an active plan can be approved.")})
    number = plan.approved_version + 1
    version = PlanVersion(plan=plan, number=number, snapshot=plan_snapshot(plan), note=note, approved_by=actor)
    version.full_clean()
    version.save()
    plan.approved_version = number
    plan.status = ActionPlan.Status.ACTIVE
    _bump(plan)
    plan.save(update_fields=["approved_version", "status", "version", "updated_at"])
    audit_record(actor=actor, action="plan.approve", target=plan, changes={"version": number}, reason=note)
    return version


def snapshot_diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between two approved versions: one row per added, removed or changed entry,
    ``{"section", "key", "change", "old", "new"}``, sections in a fixed order."""
    rows: list[dict[str, Any]] = []
    for section in ("title", "period", "thresholds"):
        if old.get(section) != new.get(section):
            rows.append(
                {"section": section, "key": "", "change": "changed", "old": old.get(section), "new": new.get(section)}
            )
    for section in ("objectives", "actions", "indicators"):
        a: dict[str, Any] = old.get(section) or {}
        b: dict[str, Any] = new.get(section) or {}
        for key in sorted(set(a) | set(b), key=lambda k: (len(k), k)):
            if key not in a:
                rows.append({"section": section, "key": key, "change": "added", "old": None, "new": b[key]})
            elif key not in b:
                rows.append({"section": section, "key": key, "change": "removed", "old": a[key], "new": None})
            elif a[key] != b[key]:
                changed = {
                    f: [a[key].get(f), b[key].get(f)]
                    for f in sorted(set(a[key]) | set(b[key]))
                    if a[key].get(f) != b[key].get(f)
                }
                rows.append(
                    {
                        "section": section,
                        "key": key,
                        "change": "changed",
                        "old": a[key],
                        "new": b[key],
                        "fields": changed,
                    }
                )
    return rows


# --- objectives --------------------------------------------------------------------------------


def _check_pillars(plan: ActionPlan, pillars: list[Pillar] | None) -> None:
    if pillars and any(p.framework_id != plan.framework_id for p in pillars):
        raise ValidationError({"pillars": _("Choose pillars of the plan's framework.")})


@transaction.atomic
def objective_create(*, actor: User, plan: ActionPlan, pillars: list[Pillar] | None = None, **data: Any) -> Objective:
    _require_manage(actor, plan)
    _check_pillars(plan, pillars)
    objective = Objective(plan=plan)
    assign_fields(objective, data, OBJECTIVE_FIELDS)
    objective.full_clean()
    objective.save()
    if pillars:
        objective.pillars.set(pillars)
    audit_record(actor=actor, action="objective.create", target=plan, changes={"objective": objective.code})
    return objective


@transaction.atomic
def objective_update(
    *,
    actor: User,
    objective: Objective,
    expected_version: int | None = None,
    pillars: list[Pillar] | None = None,
    **data: Any,
) -> Objective:
    _require_manage(actor, objective.plan)
    objective = _locked(objective, expected_version)
    _check_pillars(objective.plan, pillars)
    changes = assign_fields(objective, data, OBJECTIVE_FIELDS)
    objective.full_clean()
    _bump(objective)
    objective.save()
    if pillars is not None:
        objective.pillars.set(pillars)
        changes["pillars"] = [None, ",".join(p.code for p in pillars)]
    audit_record(actor=actor, action="objective.update", target=objective.plan, changes=changes)
    return objective


# --- actions -----------------------------------------------------------------------------------


def _check_objective(plan: ActionPlan, objective: Objective | None) -> None:
    if objective is None:
        raise ValidationError({"objective": _("Choose the objective the action serves.")})
    if objective.plan_id != plan.pk:
        raise ValidationError({"objective": _("Choose an objective of this plan.")})


def _set_partners(actor: User, action: Action, partners: list[tuple[Any, str]]) -> None:
    errors = []
    for organisation, role in partners:
        if organisation is None or not allows(actor, organisation, "view"):
            errors.append(_("Select a valid choice. That choice is not one of the available choices."))
        if role not in ActionPartner.Role.values:
            errors.append(_("Choose the partner's role: funding, accountable or implementing."))
    if errors:
        raise ValidationError({"partners": errors})
    action.partners.all().delete()
    for organisation, role in partners:
        partner = ActionPartner(action=action, organisation=organisation, role=role)
        partner.full_clean()
        partner.save()


@transaction.atomic
def action_create(
    *, actor: User, plan: ActionPlan, partners: list[tuple[Any, str]] | None = None, **data: Any
) -> Action:
    _require_manage(actor, plan)
    _check_objective(plan, data.get("objective"))
    _fk(actor, data, "lead_organisation", "owner", "decision")
    action = Action(plan=plan, created_by=actor)
    assign_fields(action, data, (*ACTION_FIELDS, "decision"))  # the decision only when created
    action.full_clean()
    with refreshed_once():  # the due lists, once for the action and its partners
        action.save()
        if partners:
            _set_partners(actor, action, partners)
    audit_record(actor=actor, action="action.create", target=action)
    return action


def _mirror_decision(actor: User, action: Action) -> None:
    """The decision an action was taken over from mirrors its status, written through coordination's
    own service (coordination never imports this app). The actor is the one changing the action, or,
    when they may not update the decision, whoever took the decision over (allowed then)."""
    if action.decision_id is None:
        return
    from coordination import services as coordination
    from coordination.models import Decision
    from coordination.permissions import can_update_decision_progress

    decision = Decision.objects.select_related("meeting", "owner").get(pk=action.decision_id)
    status = DECISION_STATUS.get(action.status)
    if status is None or decision.status == status:
        return
    for who in (actor, action.created_by):
        if who is not None and can_update_decision_progress(who, decision):
            coordination.decision_update(actor=who, decision=decision, status=status)
            return


@transaction.atomic
def action_update(
    *,
    actor: User,
    action: Action,
    expected_version: int | None = None,
    partners: list[tuple[Any, str]] | None = None,
    **data: Any,
) -> Action:
    require(allows(actor, action, Perm.MANAGE), _("You may not change this action."))
    action = _locked(action, expected_version)
    if "objective" in data:
        _check_objective(action.plan, data["objective"])
    changing = {k: v for k, v in data.items() if getattr(action, k, None) != v}
    _fk(actor, changing, "lead_organisation", "owner")
    if data.get("rag_override") == "":
        data.setdefault("rag_override_reason", "")
    changes = assign_fields(action, data, ACTION_FIELDS)
    if action.status == Action.Status.COMPLETED and action.actual_end is None:
        action.actual_end = timezone.localdate()
    action.full_clean()
    with refreshed_once():  # the due lists, once for the action and its partners
        if partners is not None:
            _set_partners(actor, action, partners)
            changes["partners"] = [None, ", ".join(f"{o.pk}:{r}" for o, r in partners)]
        if changes:
            _bump(action)
            action.save()
    if changes:
        audit_record(
            actor=actor,
            action="action.update",
            target=action,
            changes=changes,
            reason=action.rag_override_reason if "rag_override" in changes else "",
        )
        if "status" in changes:
            _mirror_decision(actor, action)
    return action


@transaction.atomic
def action_create_from_decision(
    *,
    actor: User,
    decision: Any,
    plan: ActionPlan,
    objective: Objective,
    title: str = "",
    copy_text: bool = False,
    lead_organisation: Any = None,
    planned_start: date | None = None,
) -> Action:
    """Take a meeting decision over as an action (ADR 0004): owner, lead organisation and due date
    are copied, the action links the decision, and from then on the decision mirrors the action's
    status. The decision's text is copied only when the creator chooses to (``copy_text``): an outcome
    of a confidential meeting stays with those who attended."""
    from coordination.permissions import can_update_decision_progress

    require_visible(actor, decision=decision)
    require(can_update_decision_progress(actor, decision), _("You may not take this decision over."))
    if Action.objects.filter(decision=decision).exists():
        raise ValidationError({"decision": _("This decision is already tracked as an action.")})
    if decision.kind not in ("decision", "action"):
        raise ValidationError({"decision": _("Only decisions and follow-up actions can be tracked as actions.")})
    lead = lead_organisation or decision.owner_organisation
    if lead is None:
        raise ValidationError({"lead_organisation": _("Choose the lead organisation.")})
    due = decision.due_date or plan.period_end
    start = planned_start or min(timezone.localdate(), due)
    text_title = (decision.text[:300] if copy_text else "") or title
    if not text_title.strip():
        raise ValidationError({"title": _("Give the action a title.")})
    action = action_create(
        actor=actor,
        plan=plan,
        objective=objective,
        title=text_title.strip()[:300],
        description=decision.text if copy_text else "",
        lead_organisation=lead,
        owner=decision.owner,
        planned_start=start,
        planned_end=due,
        decision=decision,
        status=Action.Status.IN_PROGRESS if decision.status == "in_progress" else Action.Status.PLANNED,
    )
    audit_record(actor=actor, action="action.from_decision", target=action, changes={"decision": decision.pk})
    _mirror_decision(actor, action)
    return action


@transaction.atomic
def action_share(
    *,
    actor: User,
    action: Action,
    grantee_kind: str,
    grantee_id: int,
    permission: str,
    reason: str,
    expires_at: Any = None,
) -> ActionGrant:
    """Share one action explicitly (to read, or to read and report on it)."""
    require(allows(actor, action, Perm.MANAGE), _("You may not share this action."))
    if permission not in (Perm.VIEW, Perm.REPORT):
        raise ValidationError({"permission": _("Share to read, or to read and report.")})
    if _is_own_principal(actor, grantee_kind, grantee_id):
        raise ValidationError(
            {"grantee_id": _("Nobody gains access by their own act: share with someone other than yourself.")}
        )
    return grants.grant_create(
        actor=actor,
        grant_model=ActionGrant,
        target=action,
        permission=permission,
        grantee_kind=grantee_kind,
        grantee_id=grantee_id,
        reason=reason,
        expires_at=expires_at,
    )


def _is_own_principal(actor: User, kind: str, grantee_id: Any) -> bool:
    """Is the grantee the actor, or an organisation or committee the actor belongs to?"""
    from core import roles
    from core.models import GranteeKind

    try:
        grantee_id = int(grantee_id)
    except (TypeError, ValueError):
        return False
    if kind == GranteeKind.USER:
        return grantee_id == actor.pk
    return grantee_id in roles.principals(actor, kind)


@transaction.atomic
def action_unshare(*, actor: User, grant: ActionGrant, reason: str) -> ActionGrant:
    """Withdraw an explicit share of an action (audited, with the reason)."""
    require(allows(actor, grant.target, Perm.MANAGE), _("You may not change who this action is shared with."))
    grants.grant_revoke(actor=actor, grant=grant, reason=reason)
    return grant


@transaction.atomic
def capacity_session_record(
    *, actor: User, action: Action, by_sector: list[tuple[Any, int]] | None = None, **data: Any
) -> CapacitySession:
    require(allows(actor, action, Perm.REPORT), _("You may not report on this action."))
    if action.kind != Action.Kind.CAPACITY_BUILDING:
        raise ValidationError({"action": _("Sessions are recorded for capacity-building actions.")})
    session = CapacitySession(action=action)
    fields = ("title", "held_on", "participants", "demographics_consented", "women", "men", "youth")
    assign_fields(session, data, fields)
    session.full_clean()
    session.save()
    total = 0
    for sector, count in by_sector or []:
        require_visible(actor, sector=sector)
        row = SessionSectorCount(session=session, sector=sector, participants=count)
        row.full_clean()
        row.save()
        total += count
    if total > session.participants:
        raise ValidationError({"by_sector": _("Participants by sector add up to more than the participants.")})
    audit_record(actor=actor, action="action.session", target=action, changes={"participants": session.participants})
    return session


# --- indicators --------------------------------------------------------------------------------


def _check_indicator_links(plan: ActionPlan, data: dict[str, Any]) -> None:
    errors = {}
    if data.get("objective") is not None and data["objective"].plan_id != plan.pk:
        errors["objective"] = _("Choose an objective of this plan.")
    if data.get("action") is not None and data["action"].plan_id != plan.pk:
        errors["action"] = _("Choose an action of this plan.")
    parent = data.get("parent")
    if parent is not None and (plan.parent_id is None or parent.plan_id != plan.parent_id):
        errors["parent"] = _("An indicator rolls up only to an indicator of the parent plan.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def indicator_create(
    *, actor: User, plan: ActionPlan, targets: list[tuple[date, date, Any]] | None = None, **data: Any
) -> Indicator:
    _require_manage(actor, plan)
    _fk(actor, data, "parent", "objective", "action")
    _check_indicator_links(plan, data)
    indicator = Indicator(plan=plan)
    assign_fields(indicator, data, INDICATOR_FIELDS)
    indicator.full_clean()
    indicator.save()
    for start, end, value in targets or []:
        indicator_target_set(actor=actor, indicator=indicator, period_start=start, period_end=end, value=value)
    audit_record(actor=actor, action="indicator.create", target=indicator)
    return indicator


@transaction.atomic
def indicator_update(
    *,
    actor: User,
    indicator: Indicator,
    expected_version: int | None = None,
    targets: list[tuple[date, date, Any]] | None = None,
    **data: Any,
) -> Indicator:
    """Change an indicator and, when ``targets`` is given, set those period targets with it (all or
    nothing)."""
    require(allows(actor, indicator, Perm.MANAGE), _("You may not change this indicator."))
    indicator = _locked(indicator, expected_version)
    changing = {k: v for k, v in data.items() if getattr(indicator, k, None) != v}
    _fk(actor, changing, "parent", "objective", "action")
    _check_indicator_links(indicator.plan, changing)
    if "measure" in changing and indicator.updates.exists():
        raise ValidationError({"measure": _("The measure cannot change once values are reported.")})
    changes = assign_fields(indicator, data, INDICATOR_FIELDS)
    indicator.full_clean()
    for start, end, value in targets or []:
        target = indicator_target_set(actor=actor, indicator=indicator, period_start=start, period_end=end, value=value)
        if target.pk is not None:
            changes.setdefault("targets", [None, []])[1].append(start.isoformat())
    if changes:
        _bump(indicator)
        indicator.save()
        audit_record(actor=actor, action="indicator.update", target=indicator, changes=changes)
    return indicator


@transaction.atomic
def indicator_target_set(
    *, actor: User, indicator: Indicator, period_start: date, period_end: date, value: Any = None, text: str = ""
) -> IndicatorTarget:
    require(allows(actor, indicator, Perm.MANAGE), _("You may not change this indicator."))
    number: Decimal | None = None
    if indicator.measure == Indicator.Measure.QUALITATIVE:
        text = text or ("" if value is None else str(value))
    elif value is not None:
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            raise ValidationError({"value": _("Give the target as a number.")}) from None
    target = IndicatorTarget.objects.filter(indicator=indicator, period_start=period_start).first() or IndicatorTarget(
        indicator=indicator, period_start=period_start
    )
    target.period_end = period_end
    target.value = number
    target.text = text
    target.full_clean()
    target.save()
    return target


# --- progress updates --------------------------------------------------------------------------


def _reporting_organisation(actor: User, action: Action | None) -> Any:
    from actionplans.permissions import organisation_ids

    if action is None:
        return None
    mine = organisation_ids(actor)
    if action.lead_organisation_id in mine:
        return action.lead_organisation
    partner = action.partners.filter(organisation_id__in=mine).select_related("organisation").first()
    return partner.organisation if partner else None


def _period_locked(update: ProgressUpdate) -> bool:
    same = ProgressUpdate.objects.filter(period_start=update.period_start, status=ProgressUpdate.Status.ACCEPTED)
    same = same.filter(action=update.action) if update.action_id else same.filter(indicator=update.indicator)
    return same.exclude(pk=update.pk or 0).exists()


def _require_open_period(update: ProgressUpdate) -> None:
    if _period_locked(update):
        raise ValidationError({"period_start": _("This period already has an accepted update: it is locked.")})


@transaction.atomic
def progress_update_create(
    *,
    actor: User,
    action: Action | None = None,
    indicator: Indicator | None = None,
    submit: bool = False,
    files: list[tuple[str, Any, int | None]] | None = None,
    **data: Any,
) -> ProgressUpdate:
    """A draft report for one action or one indicator period, with its evidence ``files``
    (name, stream, size); ``submit`` sends it at once. All or nothing."""
    if (action is None) == (indicator is None):
        raise ValidationError({"action": _("Report on one action or one indicator.")})
    subject: Model = action if action is not None else indicator  # type: ignore[assignment]
    _fk(actor, {"action": action, "indicator": indicator}, "action", "indicator")
    require(allows(actor, subject, Perm.REPORT), _("You may not report on this."))
    plan_id = subject.plan_id  # type: ignore[attr-defined]
    update = ProgressUpdate(
        action=action,
        indicator=indicator,
        plan_id=plan_id,
        created_by=actor,
        organisation=_reporting_organisation(actor, action or (indicator.action if indicator else None)),
    )
    assign_fields(update, data, UPDATE_FIELDS)
    update.full_clean()
    _require_open_period(update)
    update.save()
    audit_record(actor=actor, action="update.create", target=update)
    for name, stream, size in files or []:
        evidence_add(actor=actor, update=update, name=name, stream=stream, size=size)
    if submit:
        return progress_update_submit(actor=actor, update=update)
    return update


@transaction.atomic
def progress_update_edit(
    *, actor: User, update: ProgressUpdate, expected_version: int | None = None, **data: Any
) -> ProgressUpdate:
    require(allows(actor, update, Perm.REPORT), _("This update can no longer be changed."))
    update = _locked(update, expected_version)
    if not update.is_editable:
        raise ValidationError(_("This update can no longer be changed."))
    changes = assign_fields(update, data, UPDATE_FIELDS)
    update.full_clean()
    _require_open_period(update)
    if changes:
        _bump(update)
        update.save()
        audit_record(actor=actor, action="update.edit", target=update, changes=dict.fromkeys(changes, "(changed)"))
    return update


@transaction.atomic
def progress_update_submit(
    *, actor: User, update: ProgressUpdate, expected_version: int | None = None, **data: Any
) -> ProgressUpdate:
    """Send a draft (or a corrected, returned update) for review."""
    require(allows(actor, update, Perm.REPORT), _("This update can no longer be changed."))
    update = _locked(update, expected_version)
    if not update.is_editable:
        raise ValidationError(_("Only a draft or a returned update can be submitted."))
    assign_fields(update, data, UPDATE_FIELDS)
    update.status = ProgressUpdate.Status.SUBMITTED
    update.submitted_at = timezone.now()
    update.full_clean()
    _require_open_period(update)
    if update.action_id and update.progress is None:
        raise ValidationError({"progress": _("Give the progress of the action (0-100).")})
    if not update.indicator_id and not update.narrative.strip():
        raise ValidationError({"narrative": _("Say what was done in the period.")})
    _bump(update)
    update.save()
    audit_record(actor=actor, action="update.submit", target=update)
    _notify_reviewers(update)
    return update


def _notify_reviewers(update: ProgressUpdate) -> None:
    """The plan's coordinators hear of it through the notifications mechanism (their preferences,
    checked again at send time)."""
    from actionplans.notifications import report_submitted

    report_submitted(update=update)


def _recompute_action_progress(action_id: int) -> None:
    """An action's progress is its latest accepted report's (only accepted values count)."""
    action = Action.objects.select_for_update().get(pk=action_id)
    latest = (
        ProgressUpdate.objects.filter(
            action_id=action_id, status=ProgressUpdate.Status.ACCEPTED, progress__isnull=False
        )
        .order_by("-period_end", "-id")
        .first()
    )
    progress = latest.progress if latest else 0
    as_of = latest.period_end if latest else None
    if (action.progress, action.progress_as_of) != (progress, as_of):
        action.progress = progress or 0
        action.progress_as_of = as_of
        if latest and action.status == Action.Status.PLANNED:
            action.status = Action.Status.IN_PROGRESS
            action.actual_start = action.actual_start or latest.period_start
        _bump(action)
        action.save(update_fields=["progress", "progress_as_of", "status", "actual_start", "version", "updated_at"])


@transaction.atomic
def progress_update_accept(
    *, actor: User, update: ProgressUpdate, expected_version: int | None = None, note: str = ""
) -> ProgressUpdate:
    """Accept a submitted update: its values count from now on and its period is locked."""
    require(allows(actor, update, Perm.REVIEW), _("You may not review this update."))
    update = _locked(update, expected_version)
    if update.status != ProgressUpdate.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted update can be accepted."))
    _require_open_period(update)
    update.status = ProgressUpdate.Status.ACCEPTED
    update.review_note = note.strip()
    update.reviewed_by = actor
    update.reviewed_at = timezone.now()
    update.full_clean()
    _bump(update)
    update.save()
    if update.action_id:
        _recompute_action_progress(update.action_id)
    audit_record(actor=actor, action="update.accept", target=update, reason=note)
    return update


@transaction.atomic
def progress_update_return(
    *, actor: User, update: ProgressUpdate, note: str, expected_version: int | None = None
) -> ProgressUpdate:
    """Return a submitted (or accepted) update to its reporters with a note; a returned accepted
    update stops counting and its period is open again."""
    require(allows(actor, update, Perm.REVIEW), _("You may not review this update."))
    update = _locked(update, expected_version)
    if not (note or "").strip():
        raise ValidationError({"review_note": _("Say why the update is returned.")})
    if update.status not in (ProgressUpdate.Status.SUBMITTED, ProgressUpdate.Status.ACCEPTED):
        raise ValidationError(_("Only a submitted or accepted update can be returned."))
    was_accepted = update.status == ProgressUpdate.Status.ACCEPTED
    update.status = ProgressUpdate.Status.RETURNED
    update.review_note = note.strip()
    update.reviewed_by = actor
    update.reviewed_at = timezone.now()
    update.full_clean()
    _bump(update)
    update.save()
    if was_accepted and update.action_id:
        _recompute_action_progress(update.action_id)
    audit_record(actor=actor, action="update.return", target=update, reason=note)
    if update.created_by_id:
        from actionplans.notifications import report_returned

        report_returned(update=update)
    return update


@transaction.atomic
def evidence_add(*, actor: User, update: ProgressUpdate, name: str, stream: Any, size: int | None = None) -> Evidence:
    """Attach a file (checked by content) to an update that can still change. Not a conflict: the
    update's version does not move."""
    require(allows(actor, update, Perm.REPORT), _("Evidence can be added only while the update can change."))
    checked = evidence_check.check(name, stream, size)
    item = Evidence(
        update=update,
        original_name=checked.safe_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    item.file.save(checked.safe_name, File(stream), save=False)
    name_on_disk = str(item.file.name)
    try:
        item.full_clean(exclude=["file"])
        item.save()
    except Exception:
        item.file.storage.delete(name_on_disk)
        raise
    audit_record(actor=actor, action="update.evidence", target=update, changes={"file": checked.safe_name})
    return item


# --- funding -----------------------------------------------------------------------------------


@transaction.atomic
def allocation_create(*, actor: User, plan: ActionPlan, **data: Any) -> FundingAllocation:
    _require_manage(actor, plan)
    _fk(actor, data, "funder", "recipient", "action")
    if data.get("action") is not None and data["action"].plan_id != plan.pk:
        raise ValidationError({"action": _("Choose an action of this plan.")})
    allocation = FundingAllocation(plan=plan)
    assign_fields(
        allocation,
        data,
        (
            "action",
            "title",
            "funder",
            "recipient",
            "amount",
            "currency",
            "status",
            "next_tranche_needs_accepted_report",
            "local_only",
        ),
    )
    allocation.full_clean()
    allocation.save()
    audit_record(
        actor=actor,
        action="funding.allocate",
        target=plan,
        changes={"amount": f"{allocation.amount} {allocation.currency}"},
    )
    return allocation


ALLOCATION_FIELDS = (
    "action",
    "title",
    "funder",
    "recipient",
    "amount",
    "currency",
    "status",
    "next_tranche_needs_accepted_report",
    "local_only",
)


@transaction.atomic
def allocation_update(
    *, actor: User, allocation: FundingAllocation, expected_version: int | None = None, **data: Any
) -> FundingAllocation:
    """Change an allocation after it is recorded: what is disbursed never exceeds the amount, the
    tranches planned never add up to more, and once money is paid out the allocation stays committed
    in its currency. Version-checked and audited."""
    require(allows(actor, allocation, Perm.MANAGE), _("You may not change this allocation."))
    allocation = _locked(allocation, expected_version)
    changing = {k: v for k, v in data.items() if getattr(allocation, k, None) != v}
    _fk(actor, changing, "funder", "recipient", "action")
    if changing.get("action") is not None and changing["action"].plan_id != allocation.plan_id:
        raise ValidationError({"action": _("Choose an action of this plan.")})
    changes = assign_fields(allocation, data, ALLOCATION_FIELDS)
    allocation.full_clean()
    disbursed = _disbursed(allocation)
    errors: dict[str, Any] = {}
    if disbursed:
        if allocation.amount < disbursed:
            errors["amount"] = _("%(amount)s %(currency)s is already disbursed: the amount cannot be less.") % {
                "amount": disbursed,
                "currency": allocation.currency,
            }
        if "currency" in changes:
            errors["currency"] = _("Money is already disbursed in this currency.")
        if allocation.status != FundingAllocation.Status.COMMITTED:
            errors["status"] = _("Money is already disbursed: the allocation stays committed.")
    planned = allocation.tranches.exclude(status=Tranche.Status.CANCELLED).aggregate(total=Sum("amount"))["total"]
    if "amount" not in errors and planned and allocation.amount < planned:
        errors["amount"] = _("The tranches add up to %(total)s: the amount cannot be less.") % {"total": planned}
    if errors:
        raise ValidationError(errors)
    if changes:
        _bump(allocation)
        allocation.save()
        audit_record(actor=actor, action="funding.update", target=allocation.plan, changes=changes)
    return allocation


def _disbursed(allocation: FundingAllocation, exclude: int | None = None) -> Decimal:
    qs = allocation.tranches.filter(status=Tranche.Status.DISBURSED)
    if exclude:
        qs = qs.exclude(pk=exclude)
    total: Decimal | None = qs.aggregate(total=Sum("amount"))["total"]
    return total or Decimal(0)


@transaction.atomic
def tranche_plan(*, actor: User, allocation: FundingAllocation, amount: Any, planned_on: date) -> Tranche:
    require(allows(actor, allocation, Perm.MANAGE), _("You may not change this allocation."))
    allocation = FundingAllocation.objects.select_for_update().get(pk=allocation.pk)
    number = (allocation.tranches.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    tranche = Tranche(allocation=allocation, number=number, amount=amount, planned_on=planned_on)
    tranche.full_clean()
    planned = allocation.tranches.exclude(status=Tranche.Status.CANCELLED).aggregate(total=Sum("amount"))["total"] or 0
    if Decimal(planned) + tranche.amount > allocation.amount:
        raise ValidationError({"amount": _("The tranches would add up to more than the allocation.")})
    tranche.save()
    audit_record(actor=actor, action="funding.tranche", target=allocation.plan, changes={"tranche": number})
    return tranche


@transaction.atomic
def tranche_disburse(*, actor: User, tranche: Tranche, disbursed_on: date | None = None) -> Tranche:
    """Record a disbursement: never above what is committed; where the allocation says so, a
    tranche after the first waits for a report accepted since the previous disbursement."""
    allocation = FundingAllocation.objects.select_for_update().get(pk=tranche.allocation_id)
    require(allows(actor, allocation, Perm.MANAGE), _("You may not change this allocation."))
    tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
    if tranche.status != Tranche.Status.PLANNED:
        raise ValidationError({"status": _("Only a planned tranche can be disbursed.")})
    if allocation.status != FundingAllocation.Status.COMMITTED:
        raise ValidationError({"amount": _("Nothing can be disbursed on an indicative allocation: commit it first.")})
    if _disbursed(allocation) + tranche.amount > allocation.amount:
        raise ValidationError(
            {
                "amount": _("Disbursing this tranche would pay out more than the %(amount)s %(currency)s committed.")
                % {"amount": allocation.amount, "currency": allocation.currency}
            }
        )
    if allocation.next_tranche_needs_accepted_report:
        last = allocation.tranches.filter(status=Tranche.Status.DISBURSED).order_by("-disbursed_on").first()
        if last is not None and last.disbursed_on is not None:
            reports = ProgressUpdate.objects.filter(
                status=ProgressUpdate.Status.ACCEPTED, reviewed_at__date__gte=last.disbursed_on
            )
            reports = (
                reports.filter(action=allocation.action)
                if allocation.action_id
                else reports.filter(plan=allocation.plan, organisation=allocation.recipient)
            )
            if not reports.exists():
                raise ValidationError(
                    {"status": _("The next tranche waits for a report accepted since the last disbursement.")}
                )
    tranche.status = Tranche.Status.DISBURSED
    tranche.disbursed_on = disbursed_on or timezone.localdate()
    tranche.full_clean()
    tranche.save()
    audit_record(
        actor=actor,
        action="funding.disburse",
        target=allocation.plan,
        changes={"tranche": tranche.number, "amount": str(tranche.amount)},
    )
    return tranche


@transaction.atomic
def tranche_cancel(*, actor: User, tranche: Tranche, reason: str = "") -> Tranche:
    require(allows(actor, tranche.allocation, Perm.MANAGE), _("You may not change this allocation."))
    if tranche.status != Tranche.Status.PLANNED:
        raise ValidationError({"status": _("Only a planned tranche can be cancelled.")})
    tranche.status = Tranche.Status.CANCELLED
    tranche.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="funding.cancel",
        target=tranche.allocation.plan,
        changes={"tranche": tranche.number},
        reason=reason,
    )
    return tranche


@transaction.atomic
def offer_take_up(
    *, actor: User, action: Action, offer: Any, note: str = "", taken_up_on: date | None = None
) -> OfferTakeUp:
    """Record that an action takes up a registry resource offer (the offer becomes agreed)."""
    require(allows(actor, action, Perm.MANAGE), _("You may not change this action."))
    require_visible(actor, offer=offer)
    if offer.status not in ("open", "agreed"):
        raise ValidationError({"offer": _("This offer is no longer open.")})
    take_up = OfferTakeUp(
        action=action, offer=offer, note=note, taken_up_on=taken_up_on or timezone.localdate(), recorded_by=actor
    )
    take_up.full_clean()
    take_up.save()
    if offer.status == "open":
        type(offer).objects.filter(pk=offer.pk).update(status="agreed")
    audit_record(actor=actor, action="action.offer_take_up", target=action, changes={"offer": offer.pk})
    return take_up


# --- evaluation --------------------------------------------------------------------------------


@transaction.atomic
def evaluation_create(*, actor: User, plan: ActionPlan, **data: Any) -> EvaluationCheckpoint:
    _require_manage(actor, plan)
    checkpoint = EvaluationCheckpoint(plan=plan)
    assign_fields(checkpoint, data, EVALUATION_FIELDS)
    checkpoint.full_clean()
    checkpoint.save()
    audit_record(actor=actor, action="evaluation.create", target=plan, changes={"kind": checkpoint.kind})
    return checkpoint


@transaction.atomic
def evaluation_update(
    *, actor: User, checkpoint: EvaluationCheckpoint, expected_version: int | None = None, **data: Any
) -> EvaluationCheckpoint:
    _require_manage(actor, checkpoint.plan)
    checkpoint = _locked(checkpoint, expected_version)
    changes = assign_fields(checkpoint, data, EVALUATION_FIELDS)
    checkpoint.full_clean()
    if changes:
        _bump(checkpoint)
        checkpoint.save()
        audit_record(
            actor=actor, action="evaluation.update", target=checkpoint.plan, changes=dict.fromkeys(changes, "(changed)")
        )
    return checkpoint


@transaction.atomic
def lesson_record(
    *, actor: User, plan: ActionPlan, text: str, checkpoint: EvaluationCheckpoint | None = None
) -> Lesson:
    _require_manage(actor, plan)
    if checkpoint is not None and checkpoint.plan_id != plan.pk:
        raise ValidationError({"checkpoint": _("Choose a checkpoint of this plan.")})
    lesson = Lesson(plan=plan, checkpoint=checkpoint, text=text, created_by=actor)
    lesson.full_clean()
    lesson.save()
    audit_record(actor=actor, action="lesson.record", target=plan)
    return lesson


@transaction.atomic
def lesson_to_action(*, actor: User, lesson: Lesson, **data: Any) -> Action:
    """A lesson learnt becomes a new action of its plan."""
    if lesson.became_action_id:
        raise ValidationError(_("This lesson has already become an action."))
    data.setdefault("title", lesson.text[:300])
    data.setdefault("description", lesson.text)
    action = action_create(actor=actor, plan=lesson.plan, **data)
    lesson.became_action = action
    lesson.save(update_fields=["became_action"])
    return action


# --- the plan-to-meeting loop ------------------------------------------------------------------


def agenda_proposals_make(*, today: date | None = None) -> int:
    """Overdue and at-risk actions of active plans with an owning committee go to that committee's
    backlog as proposals the secretary keeps (schedules) or drops, through coordination's own
    service. Once per action and due date, whatever retries or restarts happen."""
    from actionplans.selectors import actions_needing_attention
    from coordination import services as coordination

    today = today or timezone.localdate()
    made = 0
    for action in actions_needing_attention(today=today):
        plan = action.plan
        committee = plan.owning_committee
        if committee is None:
            continue
        with transaction.atomic():
            proposal, created = AgendaProposal.objects.get_or_create(action=action, due_on=action.planned_end)
            if not created:
                continue
            proposer = plan.created_by
            if proposer is None or not _may_propose(proposer, committee):
                proposal.delete()
                continue
            state = _("overdue") if action.planned_end < today else _("at risk")
            item = coordination.agenda_item_propose(
                actor=proposer,
                committee=committee,
                title=(_("Action %(state)s: %(title)s") % {"state": state, "title": action.title})[:300],
                description=_(
                    "From the plan “%(plan)s”, due %(due)s, progress %(progress)s %%. Keep it on the agenda or drop it."
                )
                % {"plan": plan.title, "due": action.planned_end.isoformat(), "progress": action.progress},
            )
            proposal.agenda_item = item
            proposal.save(update_fields=["agenda_item"])
            made += 1
    return made


def _may_propose(user: User, committee: Any) -> bool:
    from coordination.permissions import can_propose_agenda_item

    try:
        return bool(can_propose_agenda_item(user, committee))
    except PermissionDenied:
        return False
