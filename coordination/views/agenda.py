"""Pages of the coordination app: thin views over the selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coordination import permissions, selectors, services
from coordination.forms import (
    AgendaItemForm,
    DecisionForm,
    DecisionProgressForm,
    MinutesForm,
)
from coordination.models import AgendaItem, Meeting
from coordination.views._common import _attempt, _flash_errors
from coordination.views.meetings import _meeting_post
from core.forms import apply_service_errors
from core.http import request_user
from core.models import User
from core.widgets import near_first


@login_required
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = _meeting_post(request, pk)
    if not permissions.can_manage_meeting(user, meeting):
        raise PermissionDenied
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            request,
            lambda: services.agenda_item_add(actor=user, meeting=meeting, **form.cleaned_data),
            form=form,
            success=_("Agenda item added."),
        )
        if done:
            return redirect(f"{meeting.get_absolute_url()}#agenda")
    return render(
        request,
        "coordination/form.html",
        {
            "form": form,
            "title": _("Add an agenda item"),
            "cancel_url": meeting.get_absolute_url(),
        },
    )


def _item_for(request: HttpRequest, item_pk: int) -> tuple[User, AgendaItem, Meeting]:
    user = request_user(request)
    item = selectors.agenda_item_get_for_user(user, item_pk)
    if item.meeting is None:
        raise Http404
    meeting = selectors.meeting_get_for_user(user, item.meeting_id)
    return user, item, meeting


@login_required
def agenda_item_edit(request: HttpRequest, item_pk: int) -> HttpResponse:
    user, item, meeting = _item_for(request, item_pk)
    if not permissions.can_manage_meeting(user, meeting):
        raise PermissionDenied
    form = AgendaItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            request,
            lambda: services.agenda_item_update(actor=user, item=item, **form.cleaned_data),
            form=form,
            success=_("Agenda item saved."),
        )
        if done:
            return redirect(f"{meeting.get_absolute_url()}#agenda")
    return render(
        request,
        "coordination/form.html",
        {
            "form": form,
            "title": _("Edit agenda item"),
            "cancel_url": meeting.get_absolute_url(),
        },
    )


@login_required
@require_POST
def agenda_item_move(request: HttpRequest, item_pk: int) -> HttpResponse:
    user, item, meeting = _item_for(request, item_pk)
    ids = list(
        meeting.agenda_items.filter(status__in=AgendaItem.ON_AGENDA)
        .order_by("order", "id")
        .values_list("pk", flat=True)
    )
    index = ids.index(item.pk)
    other = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
        _attempt(request, lambda: services.agenda_reorder(actor=user, meeting=meeting, item_ids=ids))
    return redirect(f"{meeting.get_absolute_url()}#agenda")


@login_required
@require_POST
def agenda_item_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Take an item from the committee's backlog onto this meeting's agenda."""
    user, meeting = _meeting_post(request, pk)
    item = selectors.agenda_item_get_for_user(user, request.POST.get("item"))
    _attempt(
        request,
        lambda: services.agenda_item_schedule(actor=user, item=item, meeting=meeting),
        success=_("“%(title)s” is on the agenda.") % {"title": item.title},
    )
    return redirect(f"{meeting.get_absolute_url()}#agenda")


@login_required
@require_POST
def proposal_review(request: HttpRequest, item_pk: int) -> HttpResponse:
    """Keep a carried-over proposal on this meeting's agenda, or drop it."""
    user, item, meeting = _item_for(request, item_pk)
    if not permissions.can_manage_meeting(user, meeting):
        raise PermissionDenied
    keep = request.POST.get("decision") == "keep"
    try:
        if keep:
            services.proposal_keep(actor=user, item=item)
        else:
            services.proposal_drop(actor=user, item=item)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        message = _("“%(title)s” is on the agenda.") if keep else _("“%(title)s” was dropped.")
        messages.success(request, message % {"title": item.title})
    return redirect(f"{meeting.get_absolute_url()}#proposals")


@login_required
def item_minutes(request: HttpRequest, item_pk: int) -> HttpResponse:
    """Minutes and outcomes of one agenda item."""
    user, item, meeting = _item_for(request, item_pk)
    if not permissions.can_write_minutes(user, meeting):
        raise PermissionDenied
    # One form: recording an outcome saves the minutes typed above it too, so nothing is lost.
    posted = request.method == "POST"
    minutes_bound = posted and "minutes" in request.POST
    minutes_form = MinutesForm(
        request.POST if minutes_bound else None,
        initial={
            "minutes": item.minutes,
            "status": item.status if item.status == AgendaItem.Status.OPEN else AgendaItem.Status.CLOSED,
        },
    )
    adding = "add_decision" in request.POST
    decision_form = DecisionForm(request.POST if adding else None, user=user, prefix="decision")
    near_first(decision_form, meeting.committee.jurisdiction.path)
    valid = (not minutes_bound or minutes_form.is_valid()) and (not adding or decision_form.is_valid())
    if (minutes_bound or adding) and valid:
        try:
            with transaction.atomic():
                if minutes_bound and (not adding or minutes_form.has_changed()):
                    services.minutes_record(actor=user, item=item, **minutes_form.cleaned_data)
                if adding:
                    services.decision_record(actor=user, item=item, **decision_form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(decision_form if adding else minutes_form, exc)
        else:
            if adding:
                messages.success(request, _("Minutes and outcome saved."))
                return redirect(reverse("coordination:item-minutes", args=[item.pk]))
            messages.success(request, _("Minutes saved."))
            return redirect(f"{meeting.get_absolute_url()}#item-{item.pk}")
    return render(
        request,
        "coordination/item_minutes.html",
        {
            "meeting": meeting,
            "item": item,
            "minutes_form": minutes_form,
            "decision_form": decision_form,
            "decisions": item.decisions.select_related("owner", "owner_organisation"),
        },
    )


@login_required
def decision_edit(request: HttpRequest, decision_pk: int) -> HttpResponse:
    user = request_user(request)
    decision = selectors.decision_get_for_user(user, decision_pk)
    if not permissions.can_update_decision_progress(user, decision):
        raise PermissionDenied
    form = DecisionProgressForm(request.POST or None, instance=decision, user=user)
    near_first(form, decision.committee.jurisdiction.path)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            request,
            lambda: services.decision_update(actor=user, decision=decision, **form.cleaned_data),
            form=form,
            success=_("Decision updated."),
        )
        if done:
            return redirect(decision)
    return render(
        request,
        "coordination/form.html",
        {
            "form": form,
            "title": _("Follow-up of a decision"),
            "intro": decision.text,
            "cancel_url": decision.get_absolute_url(),
        },
    )
