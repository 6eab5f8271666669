"""Pages of the action-plan app: thin views over the selectors and services."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from actionplans import exports, selectors, services
from actionplans.forms import EvidenceForm, ProgressUpdateForm, ReviewForm, VersionDiffForm
from actionplans.models import ActionPlan, ProgressUpdate
from actionplans.permissions import Perm
from core.forms import apply_service_errors
from core.http import request_user
from core.pagination import keyset_page, keyset_union_page, query_without
from core.permissions import allows
from core.selectors import audit_list_for


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- plans ---------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    status = request.GET.get("status", "")
    if status not in ActionPlan.Status.values:
        status = ""
    q = (request.GET.get("q") or "").strip()[:100]
    page = keyset_page(request, selectors.plan_list_visible_to(user, status=status, q=q))
    context = {
        "page": page,
        "query": query_without(request, "cursor"),
        "status": status,
        "q": q,
        "statuses": ActionPlan.Status.choices,
        "can_create": selectors.may_create_plans(user),
    }
    template = "actionplans/partials/plan_table.html" if _htmx(request) else "actionplans/plan_list.html"
    return render(request, template, context)


def _chart(overview: selectors.Overview) -> dict[str, Any]:
    def num(v: Any) -> float | None:
        return None if v is None else round(float(v), 1)

    return {
        "objectives": [f"{o.objective.code} {o.objective.title}"[:60] for o in overview.objectives],
        "objective_progress": [num(o.progress) for o in overview.objectives],
        "pillars": [f"{p.code} {p.name}"[:60] for p, _v in overview.pillars],
        "pillar_progress": [num(v) for _p, v in overview.pillars],
    }


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    plan = selectors.plan_get_for_user(user, pk)
    overview = selectors.plan_overview(user, plan)
    actions = selectors.plan_actions(user, plan)
    span = max((plan.period_end - plan.period_start).days, 1)
    for a in actions:
        a.offset = max(0, min(100, (a.planned_start - plan.period_start).days * 100 // span))  # type: ignore[attr-defined]
        a.width = max(2, min(100 - a.offset, (a.planned_end - a.planned_start).days * 100 // span))  # type: ignore[attr-defined]
    context = {
        "plan": plan,
        "overview": overview,
        "actions": actions,
        "at_risk": [a for a in actions if a.is_open and getattr(a, "rag", None) in ("red", "amber")],
        "chart": _chart(overview),
        "can_manage": allows(user, plan, Perm.MANAGE),
        "can_read": allows(user, plan, "read"),
        "today": selectors.today(),
        "today_offset": max(0, min(100, (selectors.today() - plan.period_start).days * 100 // span)),
    }
    return render(request, "actionplans/plan_detail.html", context)


@login_required
def plan_at_risk(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    plan = selectors.plan_get_for_user(user, pk)
    return render(
        request,
        "actionplans/plan_at_risk.html",
        {"plan": plan, "actions": selectors.actions_at_risk(user, plan), "today": selectors.today()},
    )


@login_required
def plan_versions(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    plan = selectors.plan_get_for_user(user, pk, "read")
    versions = list(selectors.plan_versions(user, plan))
    diff = None
    form = VersionDiffForm(request.GET or None)
    if form.is_valid():
        by_number = {v.number: v for v in versions}
        a, b = by_number.get(form.cleaned_data["a"]), by_number.get(form.cleaned_data["b"])
        if a is None or b is None:
            raise Http404
        diff = {"a": a, "b": b, "rows": services.snapshot_diff(a.snapshot, b.snapshot)}
    return render(request, "actionplans/plan_versions.html", {"plan": plan, "versions": versions, "diff": diff})


@login_required
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    plan = selectors.plan_get_for_user(user, pk)
    try:
        version = services.plan_approve(
            actor=user, plan=plan, expected_version=_int(request.POST.get("version")), note=request.POST.get("note", "")
        )
        messages.success(request, _("Approved: version %(n)s is kept.") % {"n": version.number})
    except services.StaleVersion:
        messages.error(request, _("Someone else changed the plan in the meantime. Check it and approve again."))
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return redirect(plan.get_absolute_url())


@login_required
def plan_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    plan = selectors.plan_get_for_user(user, pk, "read")
    return render(
        request,
        "actionplans/plan_evaluation.html",
        {
            "plan": plan,
            "checkpoints": selectors.plan_evaluations(user, plan),
            "loose_lessons": selectors.plan_lessons_without_checkpoint(user, plan),
            "funding": selectors.plan_funding(user, plan),
            "can_manage": allows(user, plan, Perm.MANAGE),
        },
    )


@login_required
def plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    plan = selectors.plan_get_for_user(user, pk)
    overview = selectors.plan_overview(user, plan)
    return render(
        request,
        "actionplans/plan_print.html",
        {"plan": plan, "overview": overview, "actions": selectors.plan_actions(user, plan), "today": selectors.today()},
    )


@login_required
@require_safe
def plan_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse | StreamingHttpResponse:
    user = request_user(request)
    plan = selectors.plan_get_for_user(user, pk)
    actions = selectors.plan_actions(user, plan)
    if fmt == "csv":
        return exports.actions_csv_response(plan, actions)
    if fmt == "xlsx":
        return exports.actions_xlsx_response(plan, actions)
    raise Http404


@login_required
@require_safe
def plan_iati(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    plan = selectors.plan_get_for_user(user, pk, "read")
    xml = exports.iati_activity_xml(user, plan)
    response = HttpResponse(xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-iati.xml"'
    return response


# --- actions ---------------------------------------------------------------------------------


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    action = selectors.action_get_for_user(user, pk)
    action.rag = selectors.action_rag(action)  # type: ignore[attr-defined]
    updates = list(selectors.updates_for(user, action=action))
    indicators = list(selectors.restrict_indicators(user, action))
    context = {
        "action": action,
        "plan": action.plan,
        "updates": updates,
        "indicators": indicators,
        "indicator_updates": list(selectors.indicator_updates_for(user, indicators)),
        "partners": list(action.partners.select_related("organisation")),
        "sessions": list(action.sessions.prefetch_related("by_sector__sector")),
        "take_ups": list(action.offer_take_ups.select_related("offer", "offer__organisation")),
        "can_report": allows(user, action, Perm.REPORT),
        "can_manage": allows(user, action, Perm.MANAGE),
    }
    if context["can_manage"]:
        context["history"] = list(audit_list_for(action)[:50])
    return render(request, "actionplans/action_detail.html", context)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def update_create(request: HttpRequest, pk: int, kind: str = "action") -> HttpResponse:
    """Report progress on an action, or a value for one of its indicators (``?indicator=``)."""
    user = request_user(request)
    action = selectors.action_get_for_user(user, pk, Perm.REPORT)
    indicator = None
    if request.GET.get("indicator") or request.POST.get("indicator"):
        indicator = selectors.indicator_get_for_user(
            user, _int(request.GET.get("indicator") or request.POST.get("indicator")), Perm.REPORT
        )
        if indicator.action_id != action.pk:
            raise Http404
    form = ProgressUpdateForm(request.POST or None, request.FILES or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data.get("file")
            update = services.progress_update_create(
                actor=user,
                action=None if indicator else action,
                indicator=indicator,
                submit=bool(form.cleaned_data.get("submit")),
                files=[(upload.name, upload, upload.size)] if upload else [],
                **form.service_data(),
            )
            messages.success(
                request, _("Your report is saved.") if update.status == "draft" else _("Submitted for review.")
            )
            return redirect(update.get_absolute_url())
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(
        request,
        "actionplans/update_form.html",
        {"form": form, "action": action, "indicator": indicator, "update": None},
    )


def _changes(current: ProgressUpdate, submitted: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    out = []
    for name, value in submitted.items():
        if name in ("version", "file", "submit"):
            continue
        now = getattr(current, name, None)
        if (now or None) != (value or None):
            out.append((str(getattr(ProgressUpdate._meta.get_field(name), "verbose_name", name)), now, value))
    return out


@login_required
@never_cache
def update_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An update: its reporters edit, correct and submit it while it is a draft or returned; the plan's
    managers accept or return it. A stale version shows what changed in the meantime."""
    user = request_user(request)
    update = selectors.update_get_for_user(user, pk)
    can_edit = allows(user, update, Perm.REPORT)
    can_review = allows(user, update, Perm.REVIEW) and update.status == ProgressUpdate.Status.SUBMITTED
    can_reopen = allows(user, update, Perm.REVIEW) and update.status == ProgressUpdate.Status.ACCEPTED
    initial = {f: getattr(update, f) for f in services.UPDATE_FIELDS} | {"version": update.version, "submit": True}
    form = ProgressUpdateForm(initial=initial, indicator=update.indicator) if can_edit else None
    review = ReviewForm(initial={"version": update.version}) if (can_review or can_reopen) else None
    evidence_form = EvidenceForm() if can_edit else None
    conflict = None
    if request.method == "POST":
        what = request.POST.get("form")
        try:
            if what == "edit" and can_edit:
                form = ProgressUpdateForm(request.POST, request.FILES, indicator=update.indicator)
                if form.is_valid():
                    data = form.service_data()
                    version = _int(form.cleaned_data.get("version"))
                    if form.cleaned_data.get("submit"):
                        services.progress_update_submit(actor=user, update=update, expected_version=version, **data)
                        messages.success(request, _("Submitted for review."))
                    else:
                        services.progress_update_edit(actor=user, update=update, expected_version=version, **data)
                        messages.success(request, _("Saved."))
                    return redirect(update.get_absolute_url())
            elif what == "evidence" and can_edit:
                evidence_form = EvidenceForm(request.POST, request.FILES)
                if evidence_form.is_valid():
                    upload = evidence_form.cleaned_data["file"]
                    services.evidence_add(actor=user, update=update, name=upload.name, stream=upload, size=upload.size)
                    messages.success(request, _("Evidence added."))
                    return redirect(update.get_absolute_url())
            elif what == "review" and (can_review or can_reopen):
                review = ReviewForm(request.POST)
                if review.is_valid():
                    version = review.cleaned_data["version"]
                    if review.cleaned_data["decision"] == ReviewForm.ACCEPT and can_review:
                        services.progress_update_accept(
                            actor=user, update=update, expected_version=version, note=review.cleaned_data["note"]
                        )
                        messages.success(request, _("Accepted: the values count and the period is locked."))
                    else:
                        services.progress_update_return(
                            actor=user, update=update, expected_version=version, note=review.cleaned_data["note"]
                        )
                        messages.success(request, _("Returned to the reporters with your note."))
                    return redirect(update.get_absolute_url())
            else:
                raise Http404
        except services.StaleVersion as stale:
            current = stale.current
            assert isinstance(current, ProgressUpdate)
            submitted = form.cleaned_data if (form is not None and what == "edit" and form.is_valid()) else {}
            conflict = {"current": current, "changes": _changes(current, submitted)}
        except ValidationError as exc:
            target = {"edit": form, "evidence": evidence_form, "review": review}.get(what or "")
            if target is not None:
                apply_service_errors(target, exc, {"review_note": "note"})
    context = {
        "update": update,
        "subject": update.action or update.indicator,
        "evidence": list(update.evidence.all()),
        "form": form,
        "review": review,
        "evidence_form": evidence_form,
        "can_reopen": can_reopen,
        "conflict": conflict,
        # The history (returns with their notes, acceptance) for those who report or review it.
        "history": list(audit_list_for(update)[:50]) if (can_edit or allows(user, update, Perm.REVIEW)) else [],
    }
    return render(request, "actionplans/update_detail.html", context, status=409 if conflict else 200)


@login_required
@require_safe
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence files are served only here, after the permission check (never from a public path)."""
    user = request_user(request)
    item = selectors.evidence_get_for_user(user, pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=item.original_name, content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- personal pages -----------------------------------------------------------------------------


@login_required
def my_actions(request: HttpRequest) -> HttpResponse:
    """Three keyset lists on one page, each with its own cursor (the others' cursors stay put)."""
    user = request_user(request)
    actions = keyset_union_page(request, selectors.my_actions_order(), selectors.my_actions_sources(user), page_size=50)
    actions.object_list = selectors.my_actions_rows([k["id"] for k in actions.object_list])
    returned = keyset_page(
        request, selectors.my_returned_updates(user), page_size=20, cursor_param="returned", count=False
    )
    to_review = keyset_page(
        request, selectors.updates_to_review(user), page_size=20, cursor_param="review", count=False
    )
    return render(
        request,
        "actionplans/my_actions.html",
        {
            "actions": actions,
            "returned": returned,
            "to_review": to_review,
            "queries": {p: query_without(request, p) for p in ("cursor", "returned", "review")},
            "today": selectors.today(),
        },
    )


def chart_json(data: dict[str, Any]) -> str:
    return json.dumps(data)
