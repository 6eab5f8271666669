"""Reads of action plans, already narrowed to what the user may see (through the rule registry).

The overview, "my actions" and the roll-up read a fixed number of queries whatever the number of
actions, updates or child plans (query budgets in tests/actionplans/test_query_budgets.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from actionplans import rollup
from actionplans.models import (
    Action,
    ActionPlan,
    DueListEntry,
    EvaluationCheckpoint,
    Evidence,
    Framework,
    FundingAllocation,
    Indicator,
    IndicatorTarget,
    Lesson,
    Objective,
    Pillar,
    PlanVersion,
    ProgressUpdate,
)
from actionplans.permissions import Perm, organisation_ids
from core.models import User
from core.pagination import Source, union_first
from core.permissions import annotate, get_or_404, ids_in, in_array_of, restrict, visible

MAX_DEPTH = 6


def today() -> date:
    return timezone.localdate()


# --- plans -----------------------------------------------------------------------------------


def plan_list_visible_to(user: User, *, status: str = "", q: str = "") -> QuerySet[ActionPlan]:
    qs = visible(user, ActionPlan).select_related("jurisdiction", "owning_committee", "parent")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(title__icontains=q)
    return annotate(qs, user, Perm.MANAGE, "can_manage").order_by("-period_start", "title", "id")


def plan_get_for_user(user: User, pk: Any, action: str = Perm.VIEW) -> ActionPlan:
    return get_or_404(
        user,
        ActionPlan.objects.select_related("jurisdiction", "owning_committee", "framework", "parent"),
        action,
        pk=pk,
    )


def plan_versions(user: User, plan: ActionPlan) -> QuerySet[PlanVersion]:
    return restrict(PlanVersion.objects.filter(plan=plan), user).select_related("approved_by").order_by("-number")


# --- actions ---------------------------------------------------------------------------------


def actions_visible_to(user: User) -> QuerySet[Action]:
    return visible(user, Action).select_related("plan", "objective", "lead_organisation", "owner")


def action_get_for_user(user: User, pk: Any, action: str = Perm.VIEW) -> Action:
    qs = Action.objects.select_related(
        "plan", "plan__jurisdiction", "objective", "lead_organisation", "owner", "decision"
    )
    return get_or_404(user, qs, action, pk=pk)


def action_rag(action: Action, plan: ActionPlan | None = None, on: date | None = None) -> str | None:
    plan = plan or action.plan
    return rollup.rag(
        progress=action.progress,
        start=action.planned_start,
        end=action.planned_end,
        today=on or today(),
        amber_below=plan.rag_amber_below,
        red_below=plan.rag_red_below,
        status=action.status,
        override=action.rag_override,
    )


def with_rag(actions: list[Any], on: date | None = None) -> list[Any]:
    """Each action with ``rag`` set (its plan must be loaded, as the selectors do)."""
    for action in actions:
        action.rag = action_rag(action, on=on)
    return actions


def plan_actions(user: User, plan: ActionPlan) -> list[Action]:
    qs = restrict(Action.objects.filter(plan=plan), user).select_related("objective", "lead_organisation", "owner")
    actions = list(qs.order_by("objective__order", "objective__code", "planned_end", "id"))
    for a in actions:
        a.plan = plan
    return with_rag(actions)


def actions_at_risk(user: User, plan: ActionPlan, on: date | None = None) -> list[Action]:
    """Overdue and at-risk (red or amber) open actions of the plan the user may see."""
    return [a for a in plan_actions(user, plan) if a.is_open and getattr(a, "rag", None) in (rollup.RED, rollup.AMBER)]


def quarter_start(on: date) -> date:
    return date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)


#: The order of "my actions" (soonest due first), over the actions.
MY_ACTIONS_ORDER = ("planned_end", "id")


def my_actions_sources(user: User) -> list[Source]:
    """Where the user's open actions are read from, each in due order by its own index: the due
    lists of their organisations (the actions they lead or partner), and the actions shared with
    them or owned by them. Every branch of the actions' view rule lets a user see their
    organisations' and shared actions (each ends with ``_partner_action_ids``), so only the actions
    they own are narrowed by the rule (an owner may have been moved out of the plan's reach)."""
    from actionplans.permissions import shared_action_ids

    sources = []
    orgs = sorted(organisation_ids(user))
    if orgs:
        # One array parameter, not a lookup over each id (an umbrella's 200 organisations).
        due = DueListEntry.objects.filter(ids_in("organisation_id", orgs))
        sources.append(Source(due, {"id": "action_id"}))
    owned = restrict(Action.objects.filter(owner__user_id=user.pk), user).order_by().values_list("pk", flat=True)
    shared_or_owned = shared_action_ids(user, (Perm.VIEW, Perm.REPORT)).union(owned)
    sources.append(Source(Action.objects.filter(in_array_of("pk", shared_or_owned), status__in=Action.OPEN)))
    return sources


def my_actions_order() -> QuerySet[Action]:
    return Action.objects.order_by(*MY_ACTIONS_ORDER)


def _with_last_report(ids: Any) -> list[Action]:
    """The actions ``ids`` (a list or a sliced subquery) soonest due first, with their plan,
    objective and lead organisation and ``last_report_end``: the end of the latest submitted or
    accepted report, a subquery probing the updates' (action, status, period_end) index per row,
    not a join and GROUP BY over every row the filter lets through."""
    last_report = (
        ProgressUpdate.objects.filter(
            action=OuterRef("pk"), status__in=[ProgressUpdate.Status.SUBMITTED, ProgressUpdate.Status.ACCEPTED]
        )
        .order_by()
        .values("action")
        .annotate(last=Max("period_end"))
        .values("last")
    )
    return list(
        Action.objects.filter(pk__in=ids)
        .select_related("plan", "lead_organisation", "objective")
        .annotate(last_report_end=Subquery(last_report))
        .order_by("planned_end", "id")
    )


def my_actions_rows(ids: list[int], *, on: date | None = None) -> list[Action]:
    """The actions ``ids`` (a page of "my actions") with their rows, ``rag`` and ``report_due``."""
    return with_report_due(_with_last_report(ids), on=on)


def open_actions_page(actions: QuerySet[Action], *, on: date | None = None, limit: int = 200) -> list[Action]:
    """The first ``limit`` open actions of ``actions`` by due date, each with ``rag`` and
    ``report_due``. The page's ids first (the filter and the order over action rows alone), then only
    those rows with their relations: one query, which joins ``limit`` rows, not every row the filter
    lets through."""
    ids = actions.filter(status__in=Action.OPEN).order_by(*MY_ACTIONS_ORDER).values("pk")[:limit]
    return with_report_due(_with_last_report(ids), on=on)


def with_report_due(actions: list[Action], *, on: date | None = None) -> list[Action]:
    """Each action with ``rag`` and ``report_due`` (no report submitted or accepted for the current
    quarter)."""
    on = on or today()
    start = quarter_start(on)
    for a in actions:
        last = getattr(a, "last_report_end", None)
        a.report_due = last is None or last < start - timedelta(days=1)  # type: ignore[attr-defined]
    return with_rag(actions, on)


def my_actions(user: User, *, on: date | None = None, limit: int = 200) -> list[Action]:
    """The user's first ``limit`` open actions (:func:`my_actions_sources`), soonest due first, with
    ``rag`` and ``report_due``."""
    keys = union_first(my_actions_order(), my_actions_sources(user), limit)
    return my_actions_rows([k["id"] for k in keys], on=on)


def updates_to_review(user: User) -> QuerySet[ProgressUpdate]:
    qs = restrict(ProgressUpdate.objects.filter(status=ProgressUpdate.Status.SUBMITTED), user, Perm.REVIEW)
    return qs.select_related("plan", "action", "indicator").order_by("submitted_at", "id")


def my_returned_updates(user: User) -> QuerySet[ProgressUpdate]:
    qs = restrict(ProgressUpdate.objects.filter(status=ProgressUpdate.Status.RETURNED), user, Perm.REPORT)
    return qs.select_related("plan", "action", "indicator").order_by("-reviewed_at", "-id")


def actions_needing_attention(*, today: date) -> list[Action]:
    """Open actions of active plans with an owning committee that are overdue or at risk (for the
    plan-to-meeting loop; a job, not a user, reads this)."""
    qs = (
        Action.objects.filter(
            status__in=Action.OPEN,
            plan__status=ActionPlan.Status.ACTIVE,
            plan__owning_committee__isnull=False,
            planned_start__lte=today,
        )
        .select_related("plan")
        .order_by("plan_id", "planned_end", "id")
    )
    return [a for a in qs.iterator(chunk_size=500) if action_rag(a, on=today) in (rollup.RED, rollup.AMBER)]


# --- updates and evidence -------------------------------------------------------------------


def update_get_for_user(user: User, pk: Any, action: str = Perm.VIEW) -> ProgressUpdate:
    qs = ProgressUpdate.objects.select_related(
        "plan", "action", "indicator", "organisation", "created_by", "reviewed_by"
    )
    return get_or_404(user, qs, action, pk=pk)


def updates_for(
    user: User, *, action: Action | None = None, indicator: Indicator | None = None
) -> QuerySet[ProgressUpdate]:
    qs = ProgressUpdate.objects.all()
    if action is not None:
        qs = qs.filter(action=action)
    if indicator is not None:
        qs = qs.filter(indicator=indicator)
    qs = restrict(qs, user).select_related("organisation", "created_by", "reviewed_by", "indicator", "action")
    return qs.prefetch_related("evidence").order_by("-period_start", "-id")


def evidence_get_for_user(user: User, pk: Any) -> Evidence:
    return get_or_404(user, Evidence.objects.select_related("update"), Perm.VIEW, pk=pk)


# --- indicators and the roll-up ---------------------------------------------------------------


def indicator_get_for_user(user: User, pk: Any, action: str = Perm.VIEW) -> Indicator:
    return get_or_404(user, Indicator.objects.select_related("plan", "objective", "action", "parent"), action, pk=pk)


def _rule(indicator: Indicator) -> rollup.IndicatorRule:
    return rollup.IndicatorRule(
        measure=indicator.measure, cumulative=indicator.cumulative, aggregation=indicator.aggregation
    )


@dataclass
class IndicatorLine:
    indicator: Indicator
    own: rollup.Result
    rolled: rollup.Result
    target: Decimal | None
    achievement: Decimal | None
    children: list[IndicatorLine] = field(default_factory=list)
    targets: list[IndicatorTarget] = field(default_factory=list)
    visible_children: list[IndicatorLine] = field(default_factory=list)


def _target_for(targets: list[IndicatorTarget], as_of: date | None) -> Decimal | None:
    """The target of the latest period begun by ``as_of`` (targets come ordered by period), else
    the first one."""
    found: Decimal | None = None
    for t in targets:
        if t.value is None:
            continue
        if found is None or (as_of is not None and t.period_start <= as_of):
            found = t.value
        if as_of is None or t.period_start > as_of:
            break
    return found


# What a roll-up line shows of a linked child indicator and its plan (fewer columns, fewer objects).
LINE_FIELDS = (
    "id",
    "plan_id",
    "parent_id",
    "code",
    "name",
    "measure",
    "unit",
    "direction",
    "cumulative",
    "aggregation",
    "baseline_value",
    "weight",
    "local_only",
    "plan__id",
    "plan__title",
    "plan__jurisdiction_id",
    "plan__local_only",
)


def _linked_below(ids: list[int]) -> list[Indicator]:
    """The indicators linked (``parent``) below ``ids``, down to ``MAX_DEPTH`` levels, ordered by
    plan and code: one recursive query instead of one per level (a round trip each)."""
    table = Indicator._meta.db_table  # only the table's name and placeholders are spliced in; values are parameters
    marks = ", ".join(["%s"] * len(ids))
    linked = RawSQL(  # noqa: S611  # nosec B611: values are parameters, only the model's table name is spliced
        f"WITH RECURSIVE linked (id, depth) AS (SELECT id, 1 FROM {table} WHERE parent_id IN ({marks}) "  # noqa: S608  # nosec B608
        f"UNION SELECT c.id, linked.depth + 1 FROM {table} c JOIN linked ON c.parent_id = linked.id "
        f"WHERE linked.depth < %s) SELECT id FROM linked",
        [*ids, MAX_DEPTH],
    )
    return list(Indicator.objects.filter(pk__in=linked).select_related("plan").only(*LINE_FIELDS))


def indicator_lines(indicators: list[Indicator], *, roll_up: bool = True) -> list[IndicatorLine]:
    """Each indicator with its own accepted result and, where district indicators are linked to it
    (``parent``), the roll-up over them, recursively. Queries: one for the linked indicators of
    every level, one for the targets, one for the accepted values; never one per indicator, per
    level or per update."""
    by_id: dict[int, Indicator] = {i.pk: i for i in indicators}
    children_of: dict[int, list[int]] = defaultdict(list)
    for child in _linked_below(list(by_id)) if roll_up and by_id else []:
        if child.pk in by_id:
            continue
        by_id[child.pk] = child
        assert child.parent_id is not None
        children_of[child.parent_id].append(child.pk)
    targets: dict[int, list[IndicatorTarget]] = defaultdict(list)
    for t in IndicatorTarget.objects.filter(indicator_id__in=list(by_id)).order_by("indicator_id", "period_start"):
        targets[t.indicator_id].append(t)
    observations: dict[int, list[rollup.Observation]] = defaultdict(list)
    accepted = ProgressUpdate.objects.filter(indicator_id__in=list(by_id), status=ProgressUpdate.Status.ACCEPTED)
    for ind_id, end, value, num, den in accepted.values_list(
        "indicator_id", "period_end", "value", "numerator", "denominator"
    ):
        observations[ind_id].append(rollup.Observation(end, value, num, den))

    def build(pk: int, seen: frozenset[int]) -> IndicatorLine:
        ind = by_id[pk]
        own = rollup.over_time(_rule(ind), observations.get(pk, []))
        kids = [build(c, seen | {pk}) for c in children_of.get(pk, []) if c not in seen]
        rolled = rollup.across_places(_rule(ind), [own, *(k.rolled for k in kids)]) if kids else own
        target = _target_for(targets.get(pk, []), rolled.as_of)
        ach = rollup.achievement(rolled.value, target, ind.baseline_value, ind.direction)
        return IndicatorLine(ind, own, rolled, target, ach, kids, targets.get(pk, []))

    return [build(i.pk, frozenset()) for i in indicators]


@dataclass
class ObjectiveLine:
    objective: Objective
    progress: Decimal | None
    actions: int
    with_data: int


@dataclass
class Overview:
    plan: ActionPlan
    progress: Decimal | None
    objectives: list[ObjectiveLine]
    pillars: list[tuple[Any, Decimal | None]]
    indicators: list[IndicatorLine]
    rag_counts: dict[str, int]
    overdue: int


def _action_progress(status: str, progress: int, as_of: date | None) -> Decimal | None:
    """An action's progress counts once a report on it is accepted (or it is completed)."""
    if status == Action.Status.CANCELLED:
        return None
    if status == Action.Status.COMPLETED:
        return Decimal(100)
    return Decimal(progress) if as_of is not None else None


def plan_overview(user: User, plan: ActionPlan, on: date | None = None) -> Overview:
    """Progress per objective, pillar and the plan (weighted means over children with data), the
    indicator results with roll-up, and RAG counts. The aggregates cover the whole plan (they
    reveal no detail); the rows the user may not see are not listed."""
    on = on or today()
    objectives = list(plan.objectives.prefetch_related("pillars").order_by("order", "code"))
    per_objective: dict[int, list[tuple[int, Decimal | None]]] = defaultdict(list)
    counts: dict[int, int] = defaultdict(int)
    with_data: dict[int, int] = defaultdict(int)
    rag_counts = {rollup.GREEN: 0, rollup.AMBER: 0, rollup.RED: 0}
    overdue = 0
    fields = (
        "objective_id",
        "status",
        "progress",
        "progress_as_of",
        "weight",
        "planned_start",
        "planned_end",
        "rag_override",
    )
    for obj_id, status, progress, as_of, weight, start, end, override in Action.objects.filter(plan=plan).values_list(
        *fields
    ):
        value = _action_progress(status, progress, as_of)
        per_objective[obj_id].append((weight, value))
        counts[obj_id] += 1
        with_data[obj_id] += value is not None
        colour = rollup.rag(
            progress=progress,
            start=start,
            end=end,
            today=on,
            amber_below=plan.rag_amber_below,
            red_below=plan.rag_red_below,
            status=status,
            override=override,
        )
        if colour:
            rag_counts[colour] += 1
        if status in Action.OPEN and end < on:
            overdue += 1
    # Every indicator of the plan is read unrestricted (its progress counts them all); one
    # permission query over them and their linked children then decides the lines and the places
    # listed (as in ``plan_rollup``), not a restricted copy of the list plus a query for the children.
    all_indicators = list(Indicator.objects.filter(plan=plan).select_related("objective").order_by("code"))
    lines_all = {line.indicator.pk: line for line in indicator_lines(all_indicators)}
    for ind_line in lines_all.values():
        if ind_line.indicator.objective_id:
            per_objective[ind_line.indicator.objective_id].append((ind_line.indicator.weight, ind_line.achievement))
            with_data[ind_line.indicator.objective_id] += ind_line.achievement is not None
    objective_lines = [
        ObjectiveLine(o, rollup.weighted_mean(per_objective.get(o.pk, [])), counts.get(o.pk, 0), with_data.get(o.pk, 0))
        for o in objectives
    ]
    pillar_children: dict[int, list[tuple[int, Decimal | None]]] = defaultdict(list)
    pillar_objs: dict[int, Any] = {}
    for line in objective_lines:
        for pillar in line.objective.pillars.all():
            pillar_objs[pillar.pk] = pillar
            pillar_children[pillar.pk].append((line.objective.weight, line.progress))
    pillars = [
        (pillar_objs[pk], rollup.weighted_mean(children))
        for pk, children in sorted(
            pillar_children.items(), key=lambda kv: (pillar_objs[kv[0]].order, pillar_objs[kv[0]].code)
        )
    ]
    progress = rollup.weighted_mean((line.objective.weight, line.progress) for line in objective_lines)
    ids = [*lines_all, *(c.indicator.pk for il in lines_all.values() for c in il.children)]
    allowed = set(restrict(Indicator.objects.filter(pk__in=ids), user).values_list("pk", flat=True)) if ids else set()
    visible_lines = [il for il in lines_all.values() if il.indicator.pk in allowed]
    for il in visible_lines:
        il.visible_children = [c for c in il.children if c.indicator.pk in allowed]
    return Overview(plan, progress, objective_lines, pillars, visible_lines, rag_counts, overdue)


def plan_rollup(user: User, plan: ActionPlan) -> list[IndicatorLine]:
    """The plan's indicators with the roll-up over linked child-plan indicators: the aggregate
    counts every linked place (it reveals no detail); the places listed are those the user may see."""
    # The plan's indicators and their linked children are read unrestricted (aggregates count every
    # linked place); one permission query over all their ids then decides which lines and which
    # listed places the user sees, instead of compiling the indicator rule twice.
    indicators = list(Indicator.objects.filter(plan=plan).order_by("code"))
    lines = indicator_lines(indicators)
    ids = [line.indicator.pk for line in lines] + [c.indicator.pk for line in lines for c in line.children]
    allowed = set(restrict(Indicator.objects.filter(pk__in=ids), user).values_list("pk", flat=True)) if ids else set()
    lines = [line for line in lines if line.indicator.pk in allowed]
    for line in lines:
        line.visible_children = [c for c in line.children if c.indicator.pk in allowed]
    return lines


# --- funding and evaluation -------------------------------------------------------------------


def plan_funding(user: User, plan: ActionPlan) -> list[FundingAllocation]:
    qs = restrict(FundingAllocation.objects.filter(plan=plan), user).select_related("funder", "recipient", "action")
    allocations = list(qs.prefetch_related("tranches"))
    for a in allocations:
        tranches = list(a.tranches.all())
        a.disbursed = sum((t.amount for t in tranches if t.status == "disbursed"), Decimal(0))  # type: ignore[attr-defined]
        a.planned_total = sum((t.amount for t in tranches if t.status != "cancelled"), Decimal(0))  # type: ignore[attr-defined]
    return allocations


def funding_totals(allocations: list[FundingAllocation]) -> dict[tuple[str, str], dict[str, Decimal]]:
    """Totals per (organisation, currency): committed, indicative, disbursed, as funder and recipient."""
    totals: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for a in allocations:
        for org, role in ((a.funder, "funded"), (a.recipient, "received")):
            row = totals[(org.name, a.currency)]
            row[f"{role}_{a.status}"] += a.amount
            row[f"{role}_disbursed"] += getattr(a, "disbursed", Decimal(0))
    return {k: dict(v) for k, v in totals.items()}


def plan_evaluations(user: User, plan: ActionPlan) -> list[EvaluationCheckpoint]:
    qs = restrict(EvaluationCheckpoint.objects.filter(plan=plan), user).prefetch_related("lessons__became_action")
    return list(qs.order_by("due_on", "id"))


def plan_lessons_without_checkpoint(user: User, plan: ActionPlan) -> list[Lesson]:
    qs = restrict(Lesson.objects.filter(plan=plan, checkpoint__isnull=True), user).select_related("became_action")
    return list(qs[:200])


def may_create_plans(user: User) -> bool:
    """Coordinators (and platform admins) create plans, in their own subtree."""
    from stakeholders.permissions import scopes_for

    scopes = scopes_for(user)
    return bool(scopes.is_platform_admin or scopes.coordinator_paths)


def my_organisation_ids(user: User) -> frozenset[int]:
    return organisation_ids(user)


def restrict_indicators(user: User, action: Action) -> QuerySet[Indicator]:
    return restrict(Indicator.objects.filter(action=action), user).prefetch_related("targets").order_by("code")


def indicator_updates_for(user: User, indicators: list[Indicator]) -> QuerySet[ProgressUpdate]:
    qs = ProgressUpdate.objects.filter(indicator__in=[i.pk for i in indicators])
    return restrict(qs, user).select_related("indicator", "organisation").order_by("-period_start", "-id")


# --- sharing ----------------------------------------------------------------------------------


def action_grants(user: User, action: Action, limit: int = 100) -> list[tuple[Any, str]]:
    """The action's explicit shares the user may see (its managers), newest first, each with the
    grantee's name: one query for the grants and one per kind of grantee."""
    from actionplans.models import ActionGrant
    from core.grants import grantee_model

    grants = list(
        restrict(ActionGrant.objects.filter(target=action), user)
        .select_related("granted_by", "revoked_by")
        .order_by("-created_at", "-id")[:limit]
    )
    by_kind: dict[str, set[int]] = {}
    for g in grants:
        by_kind.setdefault(g.grantee_kind, set()).add(g.grantee_id)
    names: dict[tuple[str, int], str] = {}
    for kind, ids in by_kind.items():
        for obj in grantee_model(kind)._default_manager.filter(pk__in=ids):
            names[(kind, obj.pk)] = str(getattr(obj, "public_name", None) or getattr(obj, "name", None) or obj)
    return [(g, names.get((g.grantee_kind, g.grantee_id), "?")) for g in grants]


# --- frameworks -------------------------------------------------------------------------------


def _newer_version() -> QuerySet[Framework]:
    return Framework.objects.filter(name=OuterRef("name"), version__gt=OuterRef("version"))


def framework_current_q() -> Q:
    """Frameworks that are the current (latest) version of their name."""
    return ~Q(Exists(_newer_version()))


def frameworks_annotated(user: User, qs: QuerySet[Framework] | None = None) -> QuerySet[Framework]:
    """Frameworks the user may see, each with ``plan_count`` (the plans under it the user may see),
    ``in_use`` (whether any plan follows it, which fixes its pillars), ``next_version_id`` (the
    version that supersedes it) and ``can_manage``: one query, whatever the number of rows."""
    plans = (
        visible(user, ActionPlan)
        .filter(framework=OuterRef("pk"))
        .order_by()
        .values("framework")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = restrict(qs if qs is not None else Framework.objects.all(), user).select_related("jurisdiction")
    qs = qs.annotate(
        plan_count=Coalesce(Subquery(plans[:1]), Value(0)),
        in_use=Exists(ActionPlan.objects.filter(framework=OuterRef("pk"))),
        next_version_id=Subquery(
            Framework.objects.filter(supersedes=OuterRef("pk")).order_by("version").values("pk")[:1]
        ),
    )
    return annotate(qs, user, Perm.MANAGE, "can_manage")


def framework_list_visible_to(user: User, *, q: str = "") -> QuerySet[Framework]:
    """The current version of every framework the user may see, by name."""
    qs = Framework.objects.filter(framework_current_q())
    if q:
        qs = qs.filter(name__icontains=q)
    return frameworks_annotated(user, qs).order_by("name", "id")


def framework_versions_of(user: User, names: list[str]) -> dict[str, list[Framework]]:
    """Every version of the named frameworks, newest first, annotated (one query)."""
    out: dict[str, list[Framework]] = defaultdict(list)
    if names:
        for framework in frameworks_annotated(user, Framework.objects.filter(name__in=names)).order_by(
            "name", "-version"
        ):
            out[framework.name].append(framework)
    return out


def framework_get_for_user(user: User, pk: Any, action: str = Perm.VIEW) -> Framework:
    return get_or_404(user, frameworks_annotated(user), action, pk=pk)


def framework_plans(user: User, framework: Framework) -> QuerySet[ActionPlan]:
    """The plans under this version that the user may see."""
    return (
        visible(user, ActionPlan)
        .filter(framework=framework)
        .select_related("jurisdiction")
        .order_by("-period_start", "title", "id")
    )


def may_adopt_frameworks(user: User) -> bool:
    """Coordinators (and platform admins) adopt frameworks, in their own subtree (the service asks
    the manage rule of the framework as it would stand)."""
    return may_create_plans(user)


@dataclass
class PillarDiff:
    """What changed between two versions' pillars, matched by code."""

    added: list[Pillar]
    removed: list[Pillar]
    renamed: list[tuple[Pillar, Pillar]]  # (before, after)
    kept: list[Pillar]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.renamed)


def pillar_diff(before: list[Pillar], after: list[Pillar]) -> PillarDiff:
    """Pillars added, removed and renamed (same code, another name) from ``before`` to ``after``."""
    old = {p.code.casefold(): p for p in before}
    new = {p.code.casefold(): p for p in after}
    return PillarDiff(
        added=[p for key, p in new.items() if key not in old],
        removed=[p for key, p in old.items() if key not in new],
        renamed=[(old[key], p) for key, p in new.items() if key in old and old[key].name != p.name],
        kept=[p for key, p in new.items() if key in old and old[key].name == p.name],
    )
