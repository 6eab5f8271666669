"""Pages of the coordination app: thin views over the selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from coordination import permissions, selectors, services
from coordination.forms import (
    AgendaItemForm,
    AttendanceForm,
    InviteForm,
    MeetingForm,
    ReplyForm,
    WorkspaceForm,
)
from coordination.models import AgendaItem, Meeting
from coordination.views._common import _attempt, _htmx
from core.forms import apply_service_errors
from core.http import request_user
from core.models import User
from core.timezones import zone
from core.widgets import near_first
from stakeholders.permissions import organisations_visible


def _zones(user: User, meeting: Meeting) -> dict[str, str]:
    """The meeting's zone, and the reader's own where it differs (their account's, else the site's)."""
    from django.conf import settings

    meeting_zone = meeting.committee.jurisdiction.effective_time_zone()
    reader_zone = getattr(user, "time_zone", "") or settings.TIME_ZONE
    return {"meeting_zone": meeting_zone, "reader_zone": reader_zone if reader_zone != meeting_zone else ""}


def _zone_help(form: Any) -> None:
    form.fields["starts_at"].help_text = _("In the committee's time zone, %(zone)s.") % {
        "zone": timezone.get_current_timezone_name()
    }


@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    committee = selectors.committee_get_for_user(user, pk)
    if not permissions.can_manage_committee(user, committee):
        raise PermissionDenied
    # Times are entered and shown in the committee's zone (its jurisdiction's, inherited).
    with timezone.override(zone(committee.jurisdiction.effective_time_zone())):
        form = MeetingForm(request.POST or None, initial={"title": _("%(name)s meeting") % {"name": committee.name}})
        _zone_help(form)
        if request.method == "POST" and form.is_valid():
            done = _attempt(
                request,
                lambda: services.meeting_schedule(actor=user, committee=committee, **form.cleaned_data),
                form=form,
                success=_("Meeting scheduled as a draft. Add its agenda, then publish it to send the invitations."),
            )
            if done:
                return redirect(done.value)
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
            **_zones(user, meeting),
            "agenda_form": AgendaItemForm(),
            "invite_form": _near(InviteForm(user=user), meeting) if page.can_manage else None,
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
@require_safe
def meeting_agenda_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The agenda packet (agenda and papers list) as PDF, in the reader's language."""
    from coordination import pdf

    user = request_user(request)
    meeting = selectors.meeting_get_for_user(user, pk)
    page = selectors.meeting_page_for_user(user, meeting)
    body = pdf.agenda_packet(page, language=translation.get_language())
    return _pdf(body, f"agenda-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.pdf")


@login_required
@require_safe
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
    with timezone.override(zone(meeting.committee.jurisdiction.effective_time_zone())):
        form = MeetingForm(request.POST or None, instance=meeting, with_recurrence=False)
        _zone_help(form)
        if request.method == "POST" and form.is_valid():
            done = _attempt(
                request,
                lambda: services.meeting_update(actor=user, meeting=meeting, **form.cleaned_data),
                form=form,
                success=_("Meeting saved."),
            )
            if done:
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
    _attempt(
        request,
        lambda: services.meeting_cancel(actor=user, meeting=meeting, reason=request.POST.get("reason", "")[:500]),
        success=_("Meeting cancelled."),
    )
    return redirect(meeting)


@login_required
def meeting_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the agenda and send the invitations: a preview of what goes out (GET), then the
    sending (POST)."""
    user, meeting = _meeting_post(request, pk)
    if not permissions.can_manage_meeting(user, meeting):
        raise PermissionDenied
    if request.method == "POST":
        _attempt(
            request,
            lambda: services.meeting_publish(actor=user, meeting=meeting),
            success=_("Agenda published; the invitations are on their way."),
        )
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


def _near(form: Any, meeting: Meeting) -> Any:
    """The form's pickers offer the committee's own jurisdiction first."""
    near_first(form, meeting.committee.jurisdiction.path)
    return form


@login_required
@require_POST
def meeting_invite(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting = _meeting_post(request, pk)
    if not permissions.can_manage_meeting(user, meeting):
        raise PermissionDenied
    form = _near(InviteForm(request.POST, user=user), meeting)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.invitation_add(actor=user, meeting=meeting, **form.cleaned_data),
            success=lambda invitation: _("%(name)s is invited to this meeting.") % {"name": invitation.person},
        )
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
        done = _attempt(
            request,
            lambda: services.attendance_record(actor=user, meeting=meeting, entries=form.entries()),
            form=form,
            success=_("Attendance recorded."),
        )
        if done:
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
        people=selectors.people_for_forms(user),
        organisations=organisations_visible(user),
        actor=user,
    )
    _near(form, meeting)
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
    _attempt(
        request,
        lambda: services.minutes_reopen(actor=user, meeting=meeting, reason=request.POST.get("reason", "")[:2000]),
        success=_("The minutes are open for correction; approve them again when corrected."),
    )
    return redirect(meeting)
