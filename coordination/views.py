"""Pages of the coordination app: thin views over the selectors and services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from coordination import ical, mailing, permissions, selectors, services
from coordination.forms import (
    AgendaItemForm,
    AttendanceForm,
    CommitteeFilterForm,
    CommitteeForm,
    DecisionForm,
    DecisionProgressForm,
    InviteForm,
    MeetingForm,
    MembershipForm,
    MinutesForm,
    MonthForm,
    PaperForm,
    ProposeItemForm,
    ReplyForm,
    WorkspaceForm,
)
from coordination.models import AgendaItem, CommitteeMembership, Meeting
from core.forms import apply_service_errors
from core.http import request_user
from core.models import User
from core.selectors import audit_list_for


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- Committees --------------------------------------------------------------------------------


@login_required
def committee_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    filters = CommitteeFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    committees = selectors.committee_list_visible_to(
        user, q=data.get("q") or "", kind=data.get("kind") or "", status=data.get("status") or ""
    )
    page = Paginator(committees, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "can_add": permissions.can_create_committee(user),
    }
    template = "coordination/partials/committee_table.html" if _htmx(request) else "coordination/committee_list.html"
    return render(request, template, context)


@login_required
def committee_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not permissions.can_create_committee(user):
        raise PermissionDenied
    form = CommitteeForm(request.POST or None, user=user, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.committee_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Committee “%(name)s” created.") % {"name": committee.name})
            return redirect(committee)
    return render(
        request,
        "coordination/form.html",
        {"form": form, "title": _("Create a committee"), "cancel_url": reverse("coordination:committee-list")},
    )


@login_required
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    committee = selectors.committee_get_for_user(user, pk)
    members = list(selectors.committee_members(committee))
    composition = selectors.committee_composition(committee, members)
    can_manage = permissions.can_manage_committee(user, committee)
    can_change = permissions.can_change_committee(user, committee)
    return render(
        request,
        "coordination/committee_detail.html",
        {
            "committee": committee,
            "members": members,
            "co_chairs": [m for m in members if m.role in CommitteeMembership.CHAIR_ROLES],
            "composition": composition,
            "chart_data": composition.chart_data(),
            "children": selectors.committee_children_visible_to(user, committee),
            "upcoming": selectors.committee_meetings(committee, upcoming=True),
            "past": selectors.committee_meetings(committee, upcoming=False),
            "backlog": selectors.committee_backlog(committee),
            "can_manage": can_manage,
            "can_change": can_change,
            "can_propose": can_manage or any(m.person.user_id == user.pk for m in members),
            "propose_form": ProposeItemForm(),
            "history": audit_list_for(committee)[:15] if can_change else [],
            "papers": selectors.committee_papers(user, committee),
        },
    )


@login_required
def committee_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    committee = selectors.committee_get_for_user(user, pk)
    if not permissions.can_change_committee(user, committee):
        raise PermissionDenied
    form = CommitteeForm(request.POST or None, instance=committee, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_update(actor=user, committee=committee, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Committee saved."))
            return redirect(committee)
    return render(
        request,
        "coordination/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": committee.name},
            "cancel_url": committee.get_absolute_url(),
        },
    )


@login_required
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    committee = selectors.committee_get_for_user(user, pk)
    if not permissions.can_manage_committee(user, committee):
        raise PermissionDenied
    form = MembershipForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_add(actor=user, committee=committee, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s added to the committee.") % {"name": membership.person})
            if "add_another" in request.POST:
                return redirect("coordination:membership-add", pk=committee.pk)
            return redirect(committee)
    return render(
        request,
        "coordination/form.html",
        {
            "form": form,
            "title": _("Add a member to %(name)s") % {"name": committee.name},
            "cancel_url": committee.get_absolute_url(),
            "add_another": True,
        },
    )


@login_required
@require_POST
def membership_end(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    user = request_user(request)
    committee = selectors.committee_get_for_user(user, pk)
    membership = committee.memberships.select_related("person").filter(pk=membership_pk).first()
    if membership is None:
        raise Http404
    try:
        services.membership_end(actor=user, membership=membership)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.person})
    return redirect(committee)


@login_required
@require_POST
def backlog_propose(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    committee = selectors.committee_get_for_user(user, pk)
    form = ProposeItemForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_item_propose(actor=user, committee=committee, **form.cleaned_data)
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("Item proposed to the backlog."))
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
    return redirect(f"{committee.get_absolute_url()}#backlog")


# --- Meetings ----------------------------------------------------------------------------------


@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    committee = selectors.committee_get_for_user(user, pk)
    if not permissions.can_manage_committee(user, committee):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, initial={"title": _("%(name)s meeting") % {"name": committee.name}})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(actor=user, committee=committee, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Meeting scheduled as a draft. Add its agenda, then publish it to send the invitations."),
            )
            return redirect(meeting)
    return render(
        request,
        "coordination/form.html",
        {
            "form": form,
            "title": _("Schedule a meeting of %(name)s") % {"name": committee.name},
            "cancel_url": committee.get_absolute_url(),
        },
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    meeting = selectors.meeting_get_for_user(user, pk)
    page = selectors.meeting_page_for_user(user, meeting)
    return render(
        request,
        "coordination/meeting_detail.html",
        {
            "meeting": meeting,
            "page": page,
            "agenda_form": AgendaItemForm(),
            "invite_form": InviteForm(user=user) if page.can_manage else None,
            # A summoned official sees the meeting, not the committee: no link to a page that is 404.
            "committee_visible": permissions.committees_visible(user).filter(pk=meeting.committee_id).exists(),
        },
    )


@login_required
def meeting_print(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    meeting = selectors.meeting_get_for_user(user, pk)
    page = selectors.meeting_page_for_user(user, meeting)
    return render(request, "coordination/meeting_print.html", {"meeting": meeting, "page": page})


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def meeting_agenda_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The agenda packet (agenda and papers list) as PDF, in the reader's language."""
    from coordination import pdf

    user = request_user(request)
    meeting = selectors.meeting_get_for_user(user, pk)
    page = selectors.meeting_page_for_user(user, meeting)
    body = pdf.agenda_packet(page, language=translation.get_language())
    return _pdf(body, f"agenda-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.pdf")


@login_required
def meeting_minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The approved minutes as PDF, to those who may read them (404 otherwise, and before approval)."""
    from coordination import pdf

    user = request_user(request)
    meeting = selectors.meeting_get_for_user(user, pk)
    page = selectors.meeting_page_for_user(user, meeting)
    if not page.can_read_minutes or not meeting.is_locked:
        raise Http404
    body = pdf.approved_minutes(page, language=translation.get_language())
    return _pdf(body, f"minutes-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.pdf")


@login_required
def meeting_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    meeting = selectors.meeting_get_for_user(user, pk)
    if not permissions.can_manage_meeting(user, meeting):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, instance=meeting, with_recurrence=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(actor=user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect(meeting)
    return render(
        request,
        "coordination/form.html",
        {
            "form": form,
            "title": _("Edit %(title)s") % {"title": meeting.title},
            "cancel_url": meeting.get_absolute_url(),
        },
    )


def _meeting_post(request: HttpRequest, pk: int) -> tuple[User, Meeting]:
    user = request_user(request)
    return user, selectors.meeting_get_for_user(user, pk)


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = _meeting_post(request, pk)
    try:
        services.meeting_cancel(actor=user, meeting=meeting, reason=request.POST.get("reason", "")[:500])
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Meeting cancelled."))
    return redirect(meeting)


@login_required
def meeting_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the agenda and send the invitations: a preview of what goes out (GET), then the
    sending (POST)."""
    user, meeting = _meeting_post(request, pk)
    if not permissions.can_manage_meeting(user, meeting):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.meeting_publish(actor=user, meeting=meeting)
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("Agenda published; the invitations are on their way."))
        return redirect(meeting)
    return render(
        request,
        "coordination/meeting_publish.html",
        {
            "meeting": meeting,
            "agenda": list(meeting.agenda_items.filter(status__in=AgendaItem.ON_AGENDA).order_by("order", "id")),
            "invitations": list(meeting.invitations.select_related("person").order_by("person__full_name", "id")),
            "preview": services.invitation_preview(actor=user, meeting=meeting),
        },
    )


@login_required
@require_POST
def meeting_reply(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = _meeting_post(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reply accepted, tentative or declined."))
        return redirect(meeting)
    invitation = services.invitation_respond(actor=user, meeting=meeting, response=form.cleaned_data["response"])
    if _htmx(request):
        return render(
            request, "coordination/partials/reply.html", {"meeting": meeting, "invitation": invitation, "saved": True}
        )
    messages.success(request, _("Your reply is saved: %(reply)s.") % {"reply": invitation.get_response_display()})
    return redirect(meeting)


@login_required
@require_POST
def meeting_invite(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = _meeting_post(request, pk)
    if not permissions.can_manage_meeting(user, meeting):
        raise PermissionDenied
    form = InviteForm(request.POST, user=user)
    if form.is_valid():
        try:
            invitation = services.invitation_add(actor=user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("%(name)s is invited to this meeting.") % {"name": invitation.person})
    else:
        messages.error(request, _("Choose a person to invite."))
    return redirect(f"{meeting.get_absolute_url()}#invitations")


@login_required
def attendance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = _meeting_post(request, pk)
    if not permissions.can_manage_meeting(user, meeting):
        raise PermissionDenied
    invitations = list(meeting.invitations.select_related("person").order_by("person__full_name"))
    attendance = list(meeting.attendance.all())
    form = AttendanceForm(request.POST or None, invitations=invitations, attendance=attendance, actor=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(actor=user, meeting=meeting, entries=form.entries())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Attendance recorded."))
            return redirect(f"{meeting.get_absolute_url()}#attendance")
    return render(request, "coordination/attendance_form.html", {"meeting": meeting, "form": form})


@login_required
def meeting_workspace(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendance, minutes per item and outcomes in one form with one save."""
    user, meeting = _meeting_post(request, pk)
    if not permissions.can_write_minutes(user, meeting):
        raise PermissionDenied
    invitations = list(meeting.invitations.select_related("person").order_by("person__full_name", "id"))
    attendance = list(meeting.attendance.all())
    items = list(
        meeting.agenda_items.filter(status__in=AgendaItem.ON_AGENDA)
        .prefetch_related("decisions__owner")
        .order_by("order", "id")
    )
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and "mark_all_present" in data:
        # Without JavaScript: every invitee present, the rest of what was typed kept, nothing saved.
        for invitation in invitations:
            if invitation.person.user_id != user.pk:  # one's own row is recorded by another manager
                data[f"status_{invitation.person_id}"] = "present"
    form = WorkspaceForm(
        data,
        invitations=invitations,
        attendance=attendance,
        items=items,
        people=selectors.people_choices(user, meeting),
        organisations=selectors.organisation_choices(user, meeting),
        actor=user,
    )
    if data is not None and "mark_all_present" not in data and form.is_valid():
        try:
            services.meeting_workspace_save(
                actor=user, meeting=meeting, attendance=form.entries(), items=form.item_entries()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Attendance, minutes and outcomes saved."))
            return redirect(reverse("coordination:meeting-workspace", args=[meeting.pk]))
    return render(
        request,
        "coordination/meeting_workspace.html",
        {"meeting": meeting, "form": form, "locked": meeting.is_locked},
    )


@login_required
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation step: what is being approved and any warnings (GET), the approval (POST
    with ``confirm``)."""
    user, meeting = _meeting_post(request, pk)
    if not permissions.can_write_minutes(user, meeting):
        raise PermissionDenied
    errors: list[str] = []
    if request.method == "POST" and request.POST.get("confirm"):
        try:
            services.minutes_approve(actor=user, meeting=meeting, confirmed=bool(request.POST.get("warnings_seen")))
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Minutes approved. Open items and decisions were carried over."))
            return redirect(meeting)
    page = selectors.meeting_page_for_user(user, meeting)
    return render(
        request,
        "coordination/minutes_approve.html",
        {
            "meeting": meeting,
            "page": page,
            "warnings": services.approval_warnings(meeting),
            "not_started": meeting.starts_at > timezone.now(),
            "errors": errors,
        },
    )


@login_required
@require_POST
def minutes_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = _meeting_post(request, pk)
    if not services.can_reopen_minutes(user, meeting):
        raise PermissionDenied
    try:
        services.minutes_reopen(actor=user, meeting=meeting, reason=request.POST.get("reason", "")[:2000])
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The minutes are open for correction; approve them again when corrected."))
    return redirect(meeting)


# --- Agenda items ------------------------------------------------------------------------------


@login_required
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = _meeting_post(request, pk)
    if not permissions.can_manage_meeting(user, meeting):
        raise PermissionDenied
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_add(actor=user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Agenda item added."))
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
        try:
            services.agenda_item_update(actor=user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Agenda item saved."))
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
        try:
            services.agenda_reorder(actor=user, meeting=meeting, item_ids=ids)
        except ValidationError as exc:
            _flash_errors(request, exc)
    return redirect(f"{meeting.get_absolute_url()}#agenda")


@login_required
@require_POST
def agenda_item_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Take an item from the committee's backlog onto this meeting's agenda."""
    user, meeting = _meeting_post(request, pk)
    item = selectors.agenda_item_get_for_user(user, request.POST.get("item"))
    try:
        services.agenda_item_schedule(actor=user, item=item, meeting=meeting)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("“%(title)s” is on the agenda.") % {"title": item.title})
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
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_update(actor=user, decision=decision, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Decision updated."))
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


# --- Calendar ----------------------------------------------------------------------------------


@login_required
def calendar_month(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = MonthForm(request.GET or None, user=user)
    data = form.cleaned_data if form.is_valid() else {}
    first: date = data.get("month") or timezone.localdate().replace(day=1)
    committee = data.get("committee")
    meetings = selectors.meetings_in_month(user, first.year, first.month, committee=committee)
    days: dict[date, list[Meeting]] = {}
    for m in meetings:
        days.setdefault(timezone.localtime(m.starts_at).date(), []).append(m)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    # The month grid: whole weeks from Monday, days outside the month shown greyed.
    start = first - timedelta(days=first.weekday())
    weeks = []
    day = start
    while day < following or day.weekday() != 0:
        week = []
        for _n in range(7):
            week.append({"date": day, "in_month": day.month == first.month, "meetings": days.get(day, [])})
            day += timedelta(days=1)
        weeks.append(week)
    context: dict[str, Any] = {
        "form": form,
        "month": first,
        "weeks": weeks,
        "weekdays": [start + timedelta(days=i) for i in range(7)],
        "today": timezone.localdate(),
        "days": sorted(days.items()),
        "previous": previous,
        "following": following,
        "committee": committee,
        "meeting_count": len(meetings),
    }
    template = "coordination/partials/calendar_month.html" if _htmx(request) else "coordination/calendar.html"
    return render(request, template, context)


@login_required
def calendar_feed_settings(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if request.method == "POST":
        services.calendar_feed_token_reset(user=user)
        messages.success(request, _("Your feed has a new address; the old one no longer works."))
        return redirect("coordination:calendar-feed-settings")
    token = services.calendar_feed_token_get(user=user)
    url = mailing.absolute(reverse("coordination:calendar-feed", args=[token.token]))
    webcal = "webcal://" + url.split("://", 1)[-1]
    return render(request, "coordination/calendar_feed.html", {"feed_url": url, "webcal_url": webcal})


@login_required
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Add to calendar": this one meeting as an iCalendar file (no minutes, no confidential agenda)."""
    user = request_user(request)
    meeting = selectors.meeting_get_for_user(user, pk)
    titles = list(
        meeting.agenda_items.filter(status__in=AgendaItem.ON_AGENDA)
        .order_by("order", "id")
        .values_list("title", flat=True)
    )
    response = HttpResponse(
        ical.meeting_ics(meeting, agenda_titles=titles), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="meeting-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.ics"'
    )
    return response


@never_cache
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal iCalendar feed: no session, the secret in the URL is the key."""
    owner = selectors.calendar_feed_owner(token)
    if owner is None:
        raise Http404
    meetings = selectors.meetings_for_feed(owner)
    body = ical.feed_ics(meetings, name=_("Roundtable meetings of %(name)s") % {"name": owner})
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="roundtable.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Papers --------------------------------------------------------------------------------------


def _paper_upload(request: HttpRequest, back: str, **target: Any) -> HttpResponse:
    user = request_user(request)
    form = PaperForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.paper_add(actor=user, upload=form.cleaned_data["file"], title=form.cleaned_data["title"], **target)
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("Paper added."))
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
    return redirect(back)


@login_required
@require_POST
def paper_upload_item(request: HttpRequest, item_pk: int) -> HttpResponse:
    user, item, meeting = _item_for(request, item_pk)
    if not permissions.can_manage_meeting(user, meeting):
        raise PermissionDenied
    return _paper_upload(request, f"{meeting.get_absolute_url()}#item-{item.pk}", agenda_item=item)


@login_required
@require_POST
def paper_upload_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = _meeting_post(request, pk)
    if not permissions.can_write_minutes(user, meeting):
        raise PermissionDenied
    return _paper_upload(request, f"{meeting.get_absolute_url()}#papers", meeting=meeting)


@login_required
@require_POST
def paper_upload_committee(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    committee = selectors.committee_get_for_user(user, pk)
    if not permissions.can_manage_committee(user, committee):
        raise PermissionDenied
    return _paper_upload(request, f"{committee.get_absolute_url()}#papers", committee=committee)


@login_required
@never_cache
def paper_download(request: HttpRequest, pk: int) -> FileResponse:
    """A paper, to whoever may read what it is attached to (404 to everyone else)."""
    paper = selectors.paper_get_for_user(request_user(request), pk)
    response = FileResponse(paper.file.open("rb"), as_attachment=True, filename=paper.name)
    response["Content-Type"] = paper.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def paper_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    paper = selectors.paper_get_for_user(user, pk)
    back = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "/"
    try:
        services.paper_remove(actor=user, paper=paper)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Paper removed."))
    return redirect(back)
