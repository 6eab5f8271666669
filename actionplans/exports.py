"""Exports of a plan: its actions as CSV or XLSX, and the plan as an IATI 2.03 activity.

Every export is built from what the selectors give the user (the same rows as the pages). The IATI
file is for publication: it leaves out whatever is marked local-only (actions, indicators, funding),
and refuses a local-only plan altogether; only accepted values appear as actuals.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - building XML, never parsing untrusted input
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplans import rollup, selectors
from actionplans.models import Action, ActionPartner, ActionPlan, FundingAllocation, Indicator, ProgressUpdate
from core.models import User
from core.permissions import restrict
from stakeholders.exporting import csv_stream, xlsx_bytes

ACTION_HEADER = (
    "id",
    "objective",
    "title",
    "kind",
    "lead organisation",
    "owner",
    "planned start",
    "due",
    "actual start",
    "actual end",
    "status",
    "progress %",
    "progress as of",
    "RAG",
    "budget",
    "currency",
)


def _action_rows(actions: Iterable[Action]) -> Iterable[Sequence[Any]]:
    for a in actions:
        yield [
            a.pk,
            a.objective.code,
            a.title,
            a.get_kind_display(),
            a.lead_organisation.name,
            a.owner.full_name if a.owner else "",
            a.planned_start.isoformat(),
            a.planned_end.isoformat(),
            a.actual_start.isoformat() if a.actual_start else "",
            a.actual_end.isoformat() if a.actual_end else "",
            a.get_status_display(),
            a.progress if a.progress_as_of else "",
            a.progress_as_of.isoformat() if a.progress_as_of else "",
            getattr(a, "rag", "") or "",
            "" if a.budget is None else str(a.budget),
            a.currency,
        ]


def _filename(plan: ActionPlan, ext: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", plan.title).strip("-").lower()[:60] or "plan"
    return f"{stem}-actions.{ext}"


def actions_csv_response(plan: ActionPlan, actions: list[Action]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_stream(ACTION_HEADER, _action_rows(actions)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, "csv")}"'
    return response


def actions_xlsx_response(plan: ActionPlan, actions: list[Action]) -> HttpResponse:
    content = xlsx_bytes(str(_("Actions")), ACTION_HEADER, _action_rows(actions))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, "xlsx")}"'
    return response


# --- IATI 2.03 -----------------------------------------------------------------------------------

ACTIVITY_STATUS = {  # IATI ActivityStatus codelist
    ActionPlan.Status.DRAFT: "1",
    ActionPlan.Status.CONSULTATION: "1",
    ActionPlan.Status.ACTIVE: "2",
    ActionPlan.Status.CLOSED: "4",
    ActionPlan.Status.CANCELLED: "5",
    ActionPlan.Status.SUSPENDED: "6",
}
PARTNER_ROLE = {  # IATI OrganisationRole codelist
    ActionPartner.Role.FUNDING: "1",
    ActionPartner.Role.ACCOUNTABLE: "2",
    ActionPartner.Role.IMPLEMENTING: "4",
}
INDICATOR_MEASURE = {  # IATI IndicatorMeasure codelist
    Indicator.Measure.NUMBER: "1",
    Indicator.Measure.PERCENTAGE: "2",
    Indicator.Measure.QUALITATIVE: "5",
}


def _narrative(parent: ET.Element, tag: str, text: str) -> ET.Element:
    el = ET.SubElement(parent, tag)
    ET.SubElement(el, "narrative").text = text
    return el


def _num(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f")


def _org_ref(org: Any) -> str:
    return f"XX-RT-{org.pk}"


def iati_identifier(plan: ActionPlan) -> str:
    return plan.iati_identifier or f"XX-RT-PLAN-{plan.pk}"


def iati_activity_xml(user: User, plan: ActionPlan) -> bytes:
    """The plan as one IATI 2.03 activity: participating organisations with their roles (the
    actions' leads as implementing, partners with theirs, funders as funding), budgets (committed
    allocations), transactions (commitments and disbursed tranches), results (one per objective)
    with indicators, baselines and periods whose actuals are the accepted values only."""
    if plan.local_only:
        raise Http404
    actions = list(
        restrict(Action.objects.filter(plan=plan, local_only=False), user).select_related("lead_organisation")
    )
    action_ids = [a.pk for a in actions]
    partners = list(
        ActionPartner.objects.filter(action_id__in=action_ids).select_related("organisation").order_by("role", "id")
    )
    allocations = [
        a
        for a in selectors.plan_funding(user, plan)
        if not a.local_only and (a.action is None or not a.action.local_only)
    ]
    indicators = list(
        restrict(Indicator.objects.filter(plan=plan, local_only=False), user)
        .exclude(action__local_only=True)
        .select_related("objective")
        .prefetch_related("targets")
        .order_by("code")
    )
    accepted: dict[int, list[ProgressUpdate]] = {}
    for u in ProgressUpdate.objects.filter(
        indicator_id__in=[i.pk for i in indicators], status=ProgressUpdate.Status.ACCEPTED
    ).order_by("period_start"):
        assert u.indicator_id is not None
        accepted.setdefault(u.indicator_id, []).append(u)

    currency = next((a.currency for a in allocations), "")
    root = ET.Element(
        "iati-activities", {"version": "2.03", "generated-datetime": timezone.now().isoformat(timespec="seconds")}
    )
    attrs = {
        "last-updated-datetime": plan.updated_at.isoformat(timespec="seconds"),
        "{http://www.w3.org/XML/1998/namespace}lang": "en",
    }
    if currency:
        attrs["default-currency"] = currency
    activity = ET.SubElement(root, "iati-activity", attrs)
    ET.SubElement(activity, "iati-identifier").text = iati_identifier(plan)
    reporter = plan.owning_committee.name if plan.owning_committee else plan.jurisdiction.name
    reporting = ET.SubElement(activity, "reporting-org", {"ref": f"XX-RT-J{plan.jurisdiction_id}", "type": "10"})
    ET.SubElement(reporting, "narrative").text = reporter
    _narrative(activity, "title", plan.title)
    description = _narrative(activity, "description", plan.summary or plan.title)
    description.set("type", "1")

    roles: dict[tuple[int, str], Any] = {}
    for a in actions:
        roles[(a.lead_organisation_id, "4")] = a.lead_organisation
    for p in partners:
        roles[(p.organisation_id, PARTNER_ROLE[ActionPartner.Role(p.role)])] = p.organisation
    for al in allocations:
        roles[(al.funder_id, "1")] = al.funder
    if not roles:
        roles[(0, "2")] = None
    for (_pk, role), org in sorted(roles.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        el = ET.SubElement(activity, "participating-org", {"role": role})
        if org is not None:
            el.set("ref", _org_ref(org))
            ET.SubElement(el, "narrative").text = org.name
        else:
            ET.SubElement(el, "narrative").text = reporter

    ET.SubElement(activity, "activity-status", {"code": ACTIVITY_STATUS[ActionPlan.Status(plan.status)]})
    ET.SubElement(activity, "activity-date", {"type": "1", "iso-date": plan.period_start.isoformat()})
    ET.SubElement(activity, "activity-date", {"type": "3", "iso-date": plan.period_end.isoformat()})

    for al in allocations:
        budget = ET.SubElement(
            activity, "budget", {"type": "1", "status": "2" if al.status == FundingAllocation.Status.COMMITTED else "1"}
        )
        ET.SubElement(budget, "period-start", {"iso-date": plan.period_start.isoformat()})
        ET.SubElement(budget, "period-end", {"iso-date": plan.period_end.isoformat()})
        value = ET.SubElement(budget, "value", {"currency": al.currency, "value-date": plan.period_start.isoformat()})
        value.text = _num(al.amount)

    for al in allocations:
        flows: list[tuple[str, Any, Decimal]] = []
        if al.status == FundingAllocation.Status.COMMITTED:
            flows.append(("2", al.created_at.date(), al.amount))
        flows += [
            ("3", t.disbursed_on, t.amount) for t in al.tranches.all() if t.status == "disbursed" and t.disbursed_on
        ]
        for code, when, amount in flows:
            tx = ET.SubElement(activity, "transaction")
            ET.SubElement(tx, "transaction-type", {"code": code})
            ET.SubElement(tx, "transaction-date", {"iso-date": when.isoformat()})
            value = ET.SubElement(tx, "value", {"currency": al.currency, "value-date": when.isoformat()})
            value.text = _num(amount)
            _narrative(tx, "description", al.title)
            provider = ET.SubElement(tx, "provider-org", {"ref": _org_ref(al.funder)})
            ET.SubElement(provider, "narrative").text = al.funder.name
            receiver = ET.SubElement(tx, "receiver-org", {"ref": _org_ref(al.recipient)})
            ET.SubElement(receiver, "narrative").text = al.recipient.name

    by_objective: dict[Any, list[Indicator]] = {}
    for ind in indicators:
        by_objective.setdefault(ind.objective, []).append(ind)
    for objective, group in by_objective.items():
        result = ET.SubElement(activity, "result", {"type": "2", "aggregation-status": "0"})
        _narrative(result, "title", objective.title if objective else plan.title)
        for ind in group:
            attrs = {"measure": INDICATOR_MEASURE[Indicator.Measure(ind.measure)]}
            if ind.measure != Indicator.Measure.QUALITATIVE:
                attrs["ascending"] = "1" if ind.direction == Indicator.Direction.INCREASE else "0"
            indicator = ET.SubElement(result, "indicator", attrs)
            _narrative(indicator, "title", ind.name)
            if ind.means_of_verification:
                _narrative(indicator, "description", ind.means_of_verification)
            if ind.baseline_date or ind.baseline_value is not None:
                baseline = ET.SubElement(
                    indicator, "baseline", {"year": str((ind.baseline_date or plan.period_start).year)}
                )
                if ind.baseline_date:
                    baseline.set("iso-date", ind.baseline_date.isoformat())
                if ind.baseline_value is not None:
                    baseline.set("value", _num(ind.baseline_value))
            updates = accepted.get(ind.pk, [])
            for target in ind.targets.all():
                period = ET.SubElement(indicator, "period")
                ET.SubElement(period, "period-start", {"iso-date": target.period_start.isoformat()})
                ET.SubElement(period, "period-end", {"iso-date": target.period_end.isoformat()})
                t = ET.SubElement(period, "target")
                if target.value is not None:
                    t.set("value", _num(target.value))
                elif target.text:
                    _narrative(t, "comment", target.text)
                inside = [u for u in updates if target.period_start <= u.period_end <= target.period_end]
                if inside:
                    last = inside[-1]
                    actual = ET.SubElement(period, "actual")
                    # the same rules as the pages (actionplans.rollup): cumulative = latest accepted
                    # value, percentages = summed numerators over summed denominators
                    shown = rollup.over_time(
                        rollup.IndicatorRule(ind.measure, ind.cumulative, ind.aggregation),
                        [rollup.Observation(u.period_end, u.value, u.numerator, u.denominator) for u in inside],
                    ).value
                    if shown is not None:
                        actual.set("value", _num(Decimal(shown).quantize(Decimal("0.01"))))
                    elif last.text_value:
                        _narrative(actual, "comment", last.text_value[:1000])
    ET.indent(root)
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml
