"""Who may see or do what with action plans, registered once in the rule registry.

Roles (DESIGN.md, docs/adr/0010-action-plans.md):
* platform admin: every plan;
* coordinator of a jurisdiction: manages the plans of its subtree (create, approve, review reports);
* member of the owning committee (current membership): reads the plan in full;
* lead and partner organisations' members: see *their* actions (and the plan they belong to, its
  objectives and the indicators of their actions) and report on them;
* an action explicitly shared (``ActionGrant``) with a person, organisation or committee: as a partner;
* liaison of a jurisdiction above: reads plans, roll-ups and accepted results, never what is
  marked local-only, never drafts or returned reports;
* everyone else: nothing (404 in pages, API, exports, evidence files and search).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet, TextChoices

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
from core import roles
from core.models import GranteeKind, User
from core.permissions import NOTHING, AnyUser, ids_in, register, subtree_q
from stakeholders.models import Jurisdiction
from stakeholders.permissions import scopes_for


class Perm(TextChoices):
    VIEW = "view", "view"
    MANAGE = "manage", "manage"
    REPORT = "report", "report"
    REVIEW = "review", "review"


# --- the user's roles, as ids and subqueries ------------------------------------------------------


def organisation_ids(user: User) -> frozenset[int]:
    """The organisations the user reports for: the role resolver's principals (the registry's
    organisation admins and members)."""
    return roles.principals(user, GranteeKind.ORGANISATION)


def committee_ids(user: User) -> Any:
    """The committees the user currently sits on: the role resolver's principals (read once per request)."""
    return sorted(roles.principals(user, GranteeKind.COMMITTEE))


def _jurisdictions_q(paths: tuple[str, ...], field: str = "jurisdiction") -> Q:
    if not paths:
        return NOTHING
    return Q(**{f"{field}__in": Jurisdiction.objects.filter(subtree_q("path", paths)).values("pk")})


def _p(prefix: str, q: Q) -> Q:
    """``q`` (over plans) re-rooted at ``prefix`` (``"plan__"``)."""
    if not prefix:
        return q
    return Q(**{f"{prefix}pk__in": ActionPlan.objects.filter(q).values("pk")})


# --- plans ------------------------------------------------------------------------------------------


def plans_manage_q(user: User) -> Q | None:
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    return _jurisdictions_q(scopes.coordinator_paths)


def plans_read_q(user: User) -> Q | None:
    """Read the whole plan (every action, report and evaluation): managers, members of the owning
    committee, and liaisons above for what is not local-only."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    return (
        _jurisdictions_q(scopes.coordinator_paths)
        | Q(owning_committee__in=committee_ids(user))
        | (_jurisdictions_q(scopes.liaison_paths) & Q(local_only=False))
    )


def _plan_level_q(user: User, prefix: str, *, local_field: str | None = None) -> Q | None:
    """Rows of plans the user reads in full; for liaisons, only rows not marked local-only."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    full = _jurisdictions_q(scopes.coordinator_paths) | Q(owning_committee__in=committee_ids(user))
    q = _p(prefix, full)
    if scopes.liaison_paths:
        above = Q(
            **{
                f"{prefix}pk__in": ActionPlan.objects.filter(
                    _jurisdictions_q(scopes.liaison_paths), local_only=False
                ).values("pk")
            }
        )
        if local_field:
            above &= Q(**{local_field: False})
        q |= above
    return q


def shared_action_ids(user: User, permissions: tuple[str, ...]) -> QuerySet[Any]:
    """Ids of the actions shared with the user or one of their organisations (``permissions``), by a
    grant in force."""
    from core.grants import grants_held

    return grants_held(user, ActionGrant, permissions).order_by().values_list("target_id", flat=True)


def _partner_action_ids(user: User, permissions: tuple[str, ...], *more: QuerySet[Any]) -> QuerySet[Any]:
    """Ids of the actions led by, or partnered with, one of the user's organisations, or shared with
    the user (``permissions``), as one union of indexed id sets: the planner computes it once and
    probes it, instead of scanning every action to test each branch of an OR."""
    parts: list[QuerySet[Any]] = [shared_action_ids(user, permissions)]
    orgs = sorted(organisation_ids(user))
    if orgs:
        # One array parameter each, not a lookup over every id (an umbrella's 200 organisations).
        led = Action.objects.filter(ids_in("lead_organisation_id", orgs))
        partnered = ActionPartner.objects.filter(ids_in("organisation_id", orgs))
        parts.append(led.order_by().values_list("pk", flat=True))
        parts.append(partnered.order_by().values_list("action_id", flat=True))
    first, *rest = [*parts, *more]
    return first.union(*rest) if rest else first


def _partner_actions_q(user: User, permission: str, field: str = "pk") -> Q:
    """Actions led by, or partnered with, one of the user's organisations, or shared with the user."""
    return Q(**{f"{field}__in": _partner_action_ids(user, (permission,))})


@register(ActionPlan, Perm.VIEW)
def plans_visible_rule(user: User) -> Q | None:
    return plans_visible_q(user)


def plans_visible_q(user: User) -> Q | None:
    read = plans_read_q(user)
    if read is None:
        return None
    return (
        read
        | _above_q(user)
        | Q(pk__in=Action.objects.filter(pk__in=_partner_action_ids(user, (Perm.VIEW, Perm.REPORT))).values("plan_id"))
    )


def _ancestor_paths(paths: tuple[str, ...]) -> list[str]:
    out: set[str] = set()
    for path in paths:
        parts = [p for p in path.strip("/").split("/") if p]
        out.update("/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts)))
    return sorted(out)


def _above_q(user: User, prefix: str = "") -> Q:
    """Plans of the jurisdictions above a coordinator's (the national plan above a county's): their
    frame, objectives and indicators, to align and link to; not their actions or reports."""
    above = _ancestor_paths(scopes_for(user).coordinator_paths)
    if not above:
        return NOTHING
    plans = ActionPlan.objects.filter(jurisdiction__path__in=above, local_only=False).values("pk")
    return Q(**{f"{prefix}pk__in": plans})


@register(ActionPlan, Perm.MANAGE)
def plans_manage_rule(user: User) -> Q | None:
    return plans_manage_q(user)


@register(ActionPlan, Perm.REVIEW)
def plans_review_rule(user: User) -> Q | None:
    return plans_manage_q(user)


@register(ActionPlan, "read")
def plans_read_rule(user: User) -> Q | None:
    """The whole plan (evaluations, funding, versions, every action)."""
    return plans_read_q(user)


@register(PlanVersion, Perm.VIEW)
def plan_versions_visible_rule(user: User) -> Q | None:
    q = plans_read_q(user)
    return None if q is None else _p("plan__", q)


@register(Objective, Perm.VIEW)
def objectives_visible_rule(user: User) -> Q | None:
    q = plans_visible_q(user)
    return None if q is None else _p("plan__", q)


@register(Objective, Perm.MANAGE)
def objectives_manage_rule(user: User) -> Q | None:
    q = plans_manage_q(user)
    return None if q is None else _p("plan__", q)


# --- actions ----------------------------------------------------------------------------------------


@register(Action, Perm.VIEW)
def actions_visible_rule(user: User) -> Q | None:
    """The actions of the plans the user reads in full (``_plan_level_q``: coordinators below,
    the owning committee's members, liaisons above for what is not local-only), and the actions of
    their organisations and shared with them."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    if not (scopes.coordinator_paths or scopes.liaison_paths):
        return _few_actions_q(user)
    q = _actions_in_subtrees_q(user, scopes.coordinator_paths)
    committees = committee_ids(user)
    if committees:
        q |= Q(plan__in=ActionPlan.objects.filter(owning_committee__in=committees).values("pk"))
    if scopes.liaison_paths:
        q |= _actions_in_subtrees_q(user, scopes.liaison_paths) & Q(plan__local_only=False, local_only=False)
    return q | Q(pk__in=_partner_action_ids(user, (Perm.VIEW, Perm.REPORT)))


#: A subtree of at most this many jurisdictions (a county of a hundred districts) is read as the
#: hashed set of its plans; a larger one (a country's) as a prefix match per row.
PLAN_SET_SUBTREE = 500


def _actions_in_subtrees_q(user: User, paths: tuple[str, ...]) -> Q:
    """Actions of the plans whose jurisdiction lies under ``paths`` (the rows ``_jurisdictions_q``
    selects), in the form the planner pages fastest (ADR 0014): a small subtree (its jurisdiction
    ids read with the roles) or a middling one (a county's) as the hashed set of its plans, which
    few rows of a list pass; a large one (a national reader's) as a prefix match on the plan's
    jurisdiction, probed for the rows the page reads, which most pass, instead of hashing every
    plan of the country on each request."""
    scopes = scopes_for(user)
    known = scopes.subtree_ids
    small = sorted({pk for path in paths if path in known for pk in known[path]})
    q = NOTHING
    if small:
        q |= Q(plan__in=ActionPlan.objects.filter(jurisdiction__in=small).values("pk"))
    for path in (path for path in paths if path not in known):
        if scopes.subtree_sizes.get(path, PLAN_SET_SUBTREE + 1) <= PLAN_SET_SUBTREE:
            q |= Q(plan__in=ActionPlan.objects.filter(jurisdiction__path__startswith=path).values("pk"))
        else:
            q |= Q(plan__jurisdiction__path__startswith=path)
    return q


def _few_actions_q(user: User) -> Q:
    """A user without a jurisdiction role sees few actions (their organisations', their committees'
    plans', those shared with them): one ``pk IN (union of id sets)`` lets the planner fetch those
    rows by index instead of walking every action in list order testing each branch of an OR
    (docs/adr/0010-action-plans.md has the figures)."""
    committees = (
        Action.objects.filter(plan__owning_committee__in=committee_ids(user)).order_by().values_list("pk", flat=True)
    )
    return Q(pk__in=_partner_action_ids(user, (Perm.VIEW, Perm.REPORT), committees))


@register(Action, Perm.REPORT)
def actions_report_rule(user: User) -> Q | None:
    """Report progress: the lead and partner organisations' members, those it is shared with for
    reporting, and the plan's managers."""
    manage = plans_manage_q(user)
    if manage is None:
        return None
    return _p("plan__", manage) | _partner_actions_q(user, Perm.REPORT)


@register(Action, Perm.MANAGE)
def actions_manage_rule(user: User) -> Q | None:
    manage = plans_manage_q(user)
    return None if manage is None else _p("plan__", manage)


def _via_action(rule: Any, user: User, field: str = "action") -> Q | None:
    q = rule(user)
    return None if q is None else Q(**{f"{field}__in": Action.objects.filter(q).values("pk")})


@register(ActionPartner, Perm.VIEW)
def partners_visible_rule(user: User) -> Q | None:
    return _via_action(actions_visible_rule, user)


@register(CapacitySession, Perm.VIEW)
def sessions_visible_rule(user: User) -> Q | None:
    return _via_action(actions_visible_rule, user)


@register(SessionSectorCount, Perm.VIEW)
def session_sectors_visible_rule(user: User) -> Q | None:
    q = _via_action(actions_visible_rule, user)
    return None if q is None else Q(session__in=CapacitySession.objects.filter(q).values("pk"))


@register(OfferTakeUp, Perm.VIEW)
def take_ups_visible_rule(user: User) -> Q | None:
    return _via_action(actions_visible_rule, user)


@register(ActionGrant, Perm.VIEW)
def action_grants_visible_rule(user: User) -> Q | None:
    return _via_action(actions_manage_rule, user, "target")


@register(AgendaProposal, Perm.VIEW)
def agenda_proposals_visible_rule(user: User) -> Q | None:
    return _via_action(actions_manage_rule, user)


# --- indicators --------------------------------------------------------------------------------------


@register(Indicator, Perm.VIEW)
def indicators_visible_rule(user: User) -> Q | None:
    q = _plan_level_q(user, "plan__", local_field="local_only")
    if q is None:
        return None
    return (
        q
        | (_above_q(user, "plan__") & Q(local_only=False))
        | Q(action__in=_partner_action_ids(user, (Perm.VIEW, Perm.REPORT)))
    )


@register(Indicator, Perm.REPORT)
def indicators_report_rule(user: User) -> Q | None:
    manage = plans_manage_q(user)
    if manage is None:
        return None
    return _p("plan__", manage) | Q(action__in=_partner_action_ids(user, (Perm.REPORT,)))


@register(Indicator, Perm.MANAGE)
def indicators_manage_rule(user: User) -> Q | None:
    manage = plans_manage_q(user)
    return None if manage is None else _p("plan__", manage)


@register(IndicatorTarget, Perm.VIEW)
def targets_visible_rule(user: User) -> Q | None:
    q = indicators_visible_rule(user)
    return None if q is None else Q(indicator__in=Indicator.objects.filter(q).values("pk"))


# --- progress updates and evidence ---------------------------------------------------------------


def _reportable_subject_q(user: User) -> Q | None:
    a = actions_report_rule(user)
    i = indicators_report_rule(user)
    if a is None or i is None:
        return None
    return Q(action__in=Action.objects.filter(a).values("pk")) | Q(
        indicator__in=Indicator.objects.filter(i).values("pk")
    )


@register(ProgressUpdate, Perm.VIEW)
def updates_visible_rule(user: User) -> Q | None:
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    full = _jurisdictions_q(scopes.coordinator_paths) | Q(owning_committee__in=committee_ids(user))
    q = _p("plan__", full) | (_reportable_subject_q(user) or NOTHING)
    if scopes.liaison_paths:
        # Liaisons above read accepted results only, and nothing marked local-only.
        plans = ActionPlan.objects.filter(_jurisdictions_q(scopes.liaison_paths), local_only=False).values("pk")
        q |= (
            Q(plan__in=plans, status=ProgressUpdate.Status.ACCEPTED)
            & (Q(action__isnull=True) | Q(action__local_only=False))
            & (Q(indicator__isnull=True) | Q(indicator__local_only=False))
        )
    return q


@register(ProgressUpdate, Perm.REPORT)
def updates_report_rule(user: User) -> Q | None:
    """Edit and submit: whoever may report on the subject, while the update is a draft or returned."""
    q = _reportable_subject_q(user)
    editable = Q(status__in=[ProgressUpdate.Status.DRAFT, ProgressUpdate.Status.RETURNED])
    return editable if q is None else q & editable


@register(ProgressUpdate, Perm.REVIEW)
def updates_review_rule(user: User) -> Q | None:
    manage = plans_manage_q(user)
    return None if manage is None else _p("plan__", manage)


@register(Evidence, Perm.VIEW)
def evidence_visible_rule(user: User) -> Q | None:
    q = updates_visible_rule(user)
    return None if q is None else Q(update__in=ProgressUpdate.objects.filter(q).values("pk"))


# --- funding, evaluation, lessons ---------------------------------------------------------------------


@register(FundingAllocation, Perm.VIEW)
def allocations_visible_rule(user: User) -> Q | None:
    q = _plan_level_q(user, "plan__", local_field="local_only")
    if q is None:
        return None
    orgs = sorted(organisation_ids(user))
    return q | Q(funder_id__in=orgs) | Q(recipient_id__in=orgs) if orgs else q


@register(FundingAllocation, Perm.MANAGE)
def allocations_manage_rule(user: User) -> Q | None:
    manage = plans_manage_q(user)
    return None if manage is None else _p("plan__", manage)


@register(Tranche, Perm.VIEW)
def tranches_visible_rule(user: User) -> Q | None:
    q = allocations_visible_rule(user)
    return None if q is None else Q(allocation__in=FundingAllocation.objects.filter(q).values("pk"))


@register(EvaluationCheckpoint, Perm.VIEW)
def evaluations_visible_rule(user: User) -> Q | None:
    return _plan_level_q(user, "plan__")


@register(EvaluationCheckpoint, Perm.MANAGE)
def evaluations_manage_rule(user: User) -> Q | None:
    manage = plans_manage_q(user)
    return None if manage is None else _p("plan__", manage)


@register(Lesson, Perm.VIEW)
def lessons_visible_rule(user: User) -> Q | None:
    return _plan_level_q(user, "plan__")


# --- the national framework: public to every signed-in user -------------------------------------


@register(Framework, Perm.VIEW)
def frameworks_visible_rule(user: User) -> Q | None:
    return None


def framework_jurisdictions(user: AnyUser) -> QuerySet[Jurisdiction]:
    """Where the user may adopt and revise frameworks: platform admins anywhere, coordinators in their
    jurisdiction subtree (the jurisdictions they manage). The manage rule below and the adopt form's
    jurisdiction picker both read this, so the picker offers exactly what the rule allows."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return Jurisdiction.objects.all()
    return Jurisdiction.objects.filter(subtree_q("path", scopes.coordinator_paths))


@register(Framework, Perm.MANAGE)
def frameworks_manage_rule(user: User) -> Q | None:
    """Revise a framework, or edit a version no plan follows yet: platform admins, and coordinators
    of the framework's jurisdiction subtree."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    if not scopes.coordinator_paths:
        return NOTHING
    return Q(jurisdiction__in=framework_jurisdictions(user).values("pk"))


@register(Pillar, Perm.VIEW)
def pillars_visible_rule(user: User) -> Q | None:
    return None
