"""Pages that write action plans: plans (with status and approval), objectives, actions (with
partners and sharing), indicators (with targets), funding, evaluation and lessons.

Thin views over :mod:`actionplans.services`: the services check the actor, validate, write in one
transaction and audit; the pages show their field messages, and a stale ``version`` (someone saved
in between) answers 409 with what now differs from what was sent and a link to reload.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actionplans import forms as f
from actionplans import selectors, services
from actionplans.models import (
    ActionGrant,
    ActionPlan,
    EvaluationCheckpoint,
    FundingAllocation,
    Indicator,
    Lesson,
    Objective,
    Tranche,
)
from actionplans.permissions import Perm
from core.forms import apply_service_errors
from core.http import request_user
from core.permissions import allows, get_or_404, require
from core.selectors import audit_list_for

TEMPLATE = "actionplans/edit/form.html"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _shown(value: Any) -> Any:
    if isinstance(value, models.Manager):
        value = list(value.all())
    if isinstance(value, list | tuple | models.QuerySet):
        return ", ".join(str(v) for v in value) or None
    if isinstance(value, Decimal):
        return value.normalize()
    return value if value not in ("", None) else None


def conflict_for(form: forms.BaseForm, current: models.Model) -> dict[str, Any]:
    """Where the row as it is now differs from what the editor sent (label, now, theirs)."""
    changes = []
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.HiddenInput) or name not in getattr(form, "cleaned_data", {}):
            continue
        now, mine = _shown(getattr(current, name, None)), _shown(form.cleaned_data[name])
        if str(now) != str(mine):
            changes.append((field.label, now, mine))
    return {"current": current, "changes": changes}


def _require_manage(user: Any, obj: models.Model) -> None:
    require(allows(user, obj, Perm.MANAGE), _("You may not change this plan."))


def _page(
    request: HttpRequest,
    *,
    form: forms.BaseForm,
    save: Callable[[], models.Model | None],
    context: dict[str, Any],
    done: str,
    formsets: tuple[Any, ...] = (),
    current: Callable[[], models.Model] | None = None,
    template: str = TEMPLATE,
) -> HttpResponse:
    """One write page: on a valid POST call ``save`` (a service); its field errors go back onto the
    form, a stale version into the conflict message (409); nothing is saved unless all is."""
    conflict = None
    if request.method == "POST" and form.is_valid() and all(fs.is_valid() for fs in formsets):
        try:
            saved = save()
        except services.StaleVersion as stale:
            conflict = conflict_for(form, stale.current)
        except ValidationError as exc:
            _errors_onto(form, formsets, exc)
        else:
            messages.success(request, done)
            url = saved.get_absolute_url() if saved is not None and hasattr(saved, "get_absolute_url") else None
            return redirect(context.get("next_url") or url or context["back_url"])
    ctx = {**context, "form": form, "formsets": formsets, "conflict": conflict}
    return render(request, template, ctx, status=409 if conflict else 200)


def _errors_onto(form: forms.BaseForm, formsets: tuple[Any, ...], exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            formset = next((fs for fs in formsets if fs.prefix == name), None)
            if formset is not None:
                formset._non_form_errors = formset.error_class([m for e in errors for m in e.messages])
            else:
                form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# --- plans ---------------------------------------------------------------------------------------


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require(selectors.may_create_plans(user), _("Only coordinators create action plans."))
    form = f.PlanForm(_post(request), user=user, initial={"parent": _int(request.GET.get("parent"))})
    return _page(
        request,
        form=form,
        save=lambda: services.plan_create(actor=user, **form.service_data()),
        context={"title": _("New action plan"), "back_url": _list_url()},
        done=_("The plan is created as a draft."),
    )


def _list_url() -> str:
    from django.urls import reverse

    return reverse("actionplans:plan-list")


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    plan = selectors.plan_get_for_user(user, pk)
    _require_manage(user, plan)
    form = f.PlanForm(_post(request), instance=plan, user=user)
    return _page(
        request,
        form=form,
        save=lambda: services.plan_update(
            actor=user, plan=plan, expected_version=_int(form.cleaned_data.get("version")), **form.service_data()
        ),
        context={"title": _("Edit the plan"), "plan": plan, "back_url": plan.get_absolute_url()},
        done=_("The plan is saved."),
    )


@login_required
def plan_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the plan along its statuses, or approve it (which keeps the approved version)."""
    user = request_user(request)
    plan = selectors.plan_get_for_user(user, pk)
    _require_manage(user, plan)
    nexts = [
        (s, str(ActionPlan.Status(s).label))
        for s in services.PLAN_TRANSITIONS.get(plan.status, ())
        if not (s == ActionPlan.Status.ACTIVE and plan.status == ActionPlan.Status.CONSULTATION)
    ]
    what = request.POST.get("form") if request.method == "POST" else None
    status_form = f.PlanStatusForm(
        request.POST if what == "status" else None, choices=nexts, initial={"version": plan.version}
    )
    approve_form = f.PlanApproveForm(request.POST if what == "approve" else None, initial={"version": plan.version})
    conflict = None
    if what in ("status", "approve"):
        form = status_form if what == "status" else approve_form
        if form.is_valid():
            version = _int(form.cleaned_data.get("version"))
            try:
                if what == "status":
                    services.plan_set_status(
                        actor=user,
                        plan=plan,
                        status=form.cleaned_data["status"],
                        expected_version=version,
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(request, _("The plan's status is changed."))
                else:
                    kept = services.plan_approve(
                        actor=user, plan=plan, expected_version=version, note=form.cleaned_data["note"]
                    )
                    messages.success(request, _("Approved: version %(n)s is kept.") % {"n": kept.number})
                return redirect(plan.get_absolute_url())
            except services.StaleVersion as stale:
                current = stale.current
                assert isinstance(current, ActionPlan)
                conflict = {
                    "current": current,
                    "changes": [(_("Status"), current.get_status_display(), plan.get_status_display())]
                    if current.status != plan.status
                    else [],
                }
            except ValidationError as exc:
                apply_service_errors(form, exc)
    context = {
        "plan": plan,
        "status_form": status_form,
        "approve_form": approve_form,
        "can_approve": plan.status
        in (ActionPlan.Status.DRAFT, ActionPlan.Status.CONSULTATION, ActionPlan.Status.ACTIVE),
        "conflict": conflict,
        "history": list(audit_list_for(plan)[:50]),
    }
    return render(request, "actionplans/edit/plan_status.html", context, status=409 if conflict else 200)


# --- objectives ----------------------------------------------------------------------------------


@login_required
def objective_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    plan = selectors.plan_get_for_user(user, pk)
    _require_manage(user, plan)
    form = f.ObjectiveForm(_post(request), user=user, plan=plan)
    return _page(
        request,
        form=form,
        save=lambda: services.objective_create(actor=user, plan=plan, **form.service_data()) and plan,
        context={"title": _("New objective"), "plan": plan, "back_url": plan.get_absolute_url()},
        done=_("The objective is added."),
    )


@login_required
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    objective = get_or_404(user, Objective.objects.select_related("plan"), pk=pk)
    plan = objective.plan
    _require_manage(user, plan)
    form = f.ObjectiveForm(_post(request), instance=objective, user=user, plan=plan)
    return _page(
        request,
        form=form,
        save=lambda: (
            services.objective_update(
                actor=user,
                objective=objective,
                expected_version=_int(form.cleaned_data.get("version")),
                **form.service_data(),
            )
            and plan
        ),
        context={"title": _("Edit the objective"), "plan": plan, "back_url": plan.get_absolute_url()},
        done=_("The objective is saved."),
    )


# --- actions -------------------------------------------------------------------------------------


@login_required
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    plan = selectors.plan_get_for_user(user, pk)
    _require_manage(user, plan)
    form = f.ActionForm(_post(request), user=user, plan=plan, initial={"objective": _int(request.GET.get("objective"))})
    partners = f.partner_formset(_post(request), user=user)
    return _page(
        request,
        form=form,
        formsets=(partners,),
        save=lambda: services.action_create(
            actor=user, plan=plan, partners=f.partners_from(partners), **form.service_data()
        ),
        context={"title": _("New action"), "plan": plan, "back_url": plan.get_absolute_url()},
        done=_("The action is added."),
    )


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    action = selectors.action_get_for_user(user, pk)
    require(allows(user, action, Perm.MANAGE), _("You may not change this action."))
    form = f.ActionForm(_post(request), instance=action, user=user, plan=action.plan)
    initial = [{"organisation": p.organisation_id, "role": p.role} for p in action.partners.all()]
    partners = f.partner_formset(_post(request), user=user, initial=initial)
    return _page(
        request,
        form=form,
        formsets=(partners,),
        save=lambda: services.action_update(
            actor=user,
            action=action,
            expected_version=_int(form.cleaned_data.get("version")),
            partners=f.partners_from(partners),
            **form.service_data(),
        ),
        context={
            "title": _("Edit the action"),
            "plan": action.plan,
            "action": action,
            "back_url": action.get_absolute_url(),
        },
        done=_("The action is saved."),
    )


@login_required
def action_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Who the action is explicitly shared with, and sharing it with one more organisation,
    committee or person (a grant: only the plan's managers, never to themselves, audited)."""
    user = request_user(request)
    action = selectors.action_get_for_user(user, pk)
    require(allows(user, action, Perm.MANAGE), _("You may not share this action."))
    form = f.ShareForm(_post(request), user=user)
    if request.method == "POST" and form.is_valid():
        kind, grantee_id = form.grantee()
        try:
            services.action_share(
                actor=user,
                action=action,
                grantee_kind=kind,
                grantee_id=grantee_id or 0,
                permission=form.cleaned_data["permission"],
                reason=form.cleaned_data["reason"],
                expires_at=form.cleaned_data.get("expires_at"),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {"grantee_id": _grantee_field(kind)})
        else:
            messages.success(request, _("The action is shared."))
            return redirect("actionplans:action-share", pk=action.pk)
    grants = selectors.action_grants(user, action)
    context = {"action": action, "plan": action.plan, "form": form, "grants": grants, "revoke": f.ReasonForm()}
    return render(request, "actionplans/edit/action_share.html", context)


def _grantee_field(kind: str) -> str:
    return {"organisation": "organisation", "committee": "committee"}.get(kind, "person")


@login_required
@require_POST
def action_unshare(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    user = request_user(request)
    action = selectors.action_get_for_user(user, pk)
    require(allows(user, action, Perm.MANAGE), _("You may not share this action."))
    grant = get_or_404(user, ActionGrant.objects.filter(target=action, revoked_at__isnull=True), pk=grant_pk)
    form = f.ReasonForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.action_unshare(actor=user, grant=grant, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Say why access is withdrawn.")
    if getattr(request, "htmx", False):  # the list of shares, in place
        context = {"action": action, "grants": selectors.action_grants(user, action), "grant_error": error}
        return render(request, "actionplans/edit/_grants.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The share is withdrawn."))
    return redirect("actionplans:action-share", pk=action.pk)


# --- indicators ----------------------------------------------------------------------------------


def _targets(formset: Any, measure: str) -> list[tuple[Any, Any, Any]] | None:
    """The formset's targets, each value a number unless the indicator is qualitative; a row
    with text in a number indicator gets its own message (``None`` then)."""
    rows, ok = [], True
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        value: Any = data["value"].strip()
        if measure != Indicator.Measure.QUALITATIVE:
            try:
                value = Decimal(value.replace(",", "."))
            except InvalidOperation:
                form.add_error("value", _("Give the target as a number."))
                ok = False
                continue
        rows.append((data["period_start"], data["period_end"], value))
    return rows if ok else None


def _indicator_save(form: Any, targets: Any, save: Callable[[list[Any]], models.Model]) -> Callable[[], Any]:
    def run() -> Any:
        rows = _targets(targets, form.cleaned_data.get("measure") or Indicator.Measure.NUMBER)
        if rows is None:
            raise ValidationError({})
        return save(rows)

    return run


@login_required
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    plan = selectors.plan_get_for_user(user, pk)
    _require_manage(user, plan)
    form = f.IndicatorForm(_post(request), user=user, plan=plan)
    targets = f.target_formset(_post(request))
    return _page(
        request,
        form=form,
        formsets=(targets,),
        save=_indicator_save(
            form,
            targets,
            lambda rows: services.indicator_create(actor=user, plan=plan, targets=rows, **form.service_data()),
        ),
        context={"title": _("New indicator"), "plan": plan, "back_url": plan.get_absolute_url()},
        done=_("The indicator is added."),
    )


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    indicator = selectors.indicator_get_for_user(user, pk)
    plan = indicator.plan
    require(allows(user, indicator, Perm.MANAGE), _("You may not change this indicator."))
    form = f.IndicatorForm(_post(request), instance=indicator, user=user, plan=plan)
    initial = [
        {"period_start": t.period_start, "period_end": t.period_end, "value": t.text if t.value is None else t.value}
        for t in indicator.targets.all()
    ]
    targets = f.target_formset(_post(request), initial=initial)
    return _page(
        request,
        form=form,
        formsets=(targets,),
        save=_indicator_save(
            form,
            targets,
            lambda rows: services.indicator_update(
                actor=user,
                indicator=indicator,
                expected_version=_int(form.cleaned_data.get("version")),
                targets=rows,
                **form.service_data(),
            ),
        ),
        context={"title": _("Edit the indicator"), "plan": plan, "back_url": indicator.get_absolute_url()},
        done=_("The indicator is saved."),
    )


# --- funding -------------------------------------------------------------------------------------


def _evaluation_url(plan: ActionPlan) -> str:
    from django.urls import reverse

    return reverse("actionplans:plan-evaluation", args=[plan.pk])


@login_required
def allocation_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    plan = selectors.plan_get_for_user(user, pk)
    _require_manage(user, plan)
    form = f.AllocationForm(_post(request), user=user, plan=plan)
    back = _evaluation_url(plan)
    return _page(
        request,
        form=form,
        save=lambda: services.allocation_create(actor=user, plan=plan, **form.service_data()) and None,
        context={"title": _("New funding allocation"), "plan": plan, "back_url": back, "next_url": back},
        done=_("The allocation is recorded."),
    )


@login_required
def allocation_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    allocation = _allocation(user, pk)
    plan = allocation.plan
    form = f.AllocationForm(_post(request), instance=allocation, user=user, plan=plan)
    back = _evaluation_url(plan)
    return _page(
        request,
        form=form,
        save=lambda: (
            services.allocation_update(
                actor=user,
                allocation=allocation,
                expected_version=_int(form.cleaned_data.get("version")),
                **form.service_data(),
            )
            and None
        ),
        context={"title": _("Edit the funding allocation"), "plan": plan, "back_url": back, "next_url": back},
        done=_("The allocation is saved."),
    )


def _allocation(user: Any, pk: int) -> FundingAllocation:
    allocation = get_or_404(user, FundingAllocation.objects.select_related("plan"), pk=pk)
    require(allows(user, allocation, Perm.MANAGE), _("You may not change this allocation."))
    return allocation


@login_required
def tranche_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    allocation = _allocation(user, pk)
    form = f.TrancheForm(_post(request))
    back = _evaluation_url(allocation.plan)
    return _page(
        request,
        form=form,
        save=lambda: services.tranche_plan(actor=user, allocation=allocation, **form.cleaned_data) and None,
        context={
            "title": _("Plan a tranche of %(title)s") % {"title": allocation.title},
            "plan": allocation.plan,
            "back_url": back,
            "next_url": back,
        },
        done=_("The tranche is planned."),
    )


def _tranche(user: Any, pk: int) -> Tranche:
    tranche = get_or_404(user, Tranche.objects.select_related("allocation", "allocation__plan"), pk=pk)
    require(allows(user, tranche.allocation, Perm.MANAGE), _("You may not change this allocation."))
    return tranche


@login_required
def tranche_disburse(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    tranche = _tranche(user, pk)
    form = f.DisburseForm(_post(request), initial={"disbursed_on": selectors.today()})
    back = _evaluation_url(tranche.allocation.plan)
    return _page(
        request,
        form=form,
        save=lambda: (
            services.tranche_disburse(actor=user, tranche=tranche, disbursed_on=form.cleaned_data["disbursed_on"])
            and None
        ),
        context={
            "title": _("Disburse tranche %(n)s of %(title)s")
            % {"n": tranche.number, "title": tranche.allocation.title},
            "plan": tranche.allocation.plan,
            "tranche": tranche,
            "back_url": back,
            "next_url": back,
        },
        done=_("The disbursement is recorded."),
    )


@login_required
def tranche_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    tranche = _tranche(user, pk)
    form = f.ReasonForm(_post(request))
    back = _evaluation_url(tranche.allocation.plan)
    return _page(
        request,
        form=form,
        save=lambda: services.tranche_cancel(actor=user, tranche=tranche, reason=form.cleaned_data["reason"]) and None,
        context={
            "title": _("Cancel tranche %(n)s of %(title)s") % {"n": tranche.number, "title": tranche.allocation.title},
            "plan": tranche.allocation.plan,
            "back_url": back,
            "next_url": back,
        },
        done=_("The tranche is cancelled."),
    )


# --- evaluation and lessons ------------------------------------------------------------------------


@login_required
def evaluation_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    plan = selectors.plan_get_for_user(user, pk)
    _require_manage(user, plan)
    form = f.EvaluationForm(_post(request), user=user)
    back = _evaluation_url(plan)
    return _page(
        request,
        form=form,
        save=lambda: services.evaluation_create(actor=user, plan=plan, **form.service_data()) and None,
        context={"title": _("New evaluation checkpoint"), "plan": plan, "back_url": back, "next_url": back},
        done=_("The checkpoint is added."),
    )


@login_required
def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    checkpoint = get_or_404(user, EvaluationCheckpoint.objects.select_related("plan"), pk=pk)
    plan = checkpoint.plan
    _require_manage(user, plan)
    form = f.EvaluationForm(_post(request), instance=checkpoint, user=user)
    back = _evaluation_url(plan)
    return _page(
        request,
        form=form,
        save=lambda: (
            services.evaluation_update(
                actor=user,
                checkpoint=checkpoint,
                expected_version=_int(form.cleaned_data.get("version")),
                **form.service_data(),
            )
            and None
        ),
        context={"title": _("Edit the evaluation checkpoint"), "plan": plan, "back_url": back, "next_url": back},
        done=_("The checkpoint is saved."),
    )


@login_required
def lesson_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    plan = selectors.plan_get_for_user(user, pk)
    _require_manage(user, plan)
    form = f.LessonForm(
        _post(request), user=user, plan=plan, initial={"checkpoint": _int(request.GET.get("checkpoint"))}
    )
    back = _evaluation_url(plan)
    return _page(
        request,
        form=form,
        save=lambda: services.lesson_record(actor=user, plan=plan, **form.service_data()) and None,
        context={"title": _("New lesson learnt"), "plan": plan, "back_url": back, "next_url": back},
        done=_("The lesson is recorded."),
    )


@login_required
def lesson_to_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    lesson = get_or_404(user, Lesson.objects.select_related("plan"), pk=pk)
    plan = lesson.plan
    _require_manage(user, plan)
    if lesson.became_action_id:
        raise PermissionDenied(_("This lesson has already become an action."))
    form = f.LessonActionForm(_post(request), user=user, plan=plan, initial={"title": lesson.text[:300]})
    return _page(
        request,
        form=form,
        save=lambda: services.lesson_to_action(actor=user, lesson=lesson, **form.service_data()),
        context={
            "title": _("Make the lesson an action"),
            "plan": plan,
            "lesson": lesson,
            "back_url": _evaluation_url(plan),
        },
        done=_("The lesson is now an action of the plan."),
    )
