"""Writes to committees and meetings. Each function checks the actor, validates, writes and audits"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from coordination import mailing, permissions
from coordination.models import (
    AgendaItem,
    Invitation,
    Meeting,
)
from core.models import User
from core.permissions import require
from stakeholders.models import Person


def _address(person: Person) -> str:
    return mailing.address(person)


INVITATION_KIND = "coordination.invitation"


def _agenda_titles(meeting: Meeting) -> list[str]:
    return list(
        meeting.agenda_items.filter(status__in=AgendaItem.ON_AGENDA)
        .order_by("order", "id")
        .values_list("title", flat=True)
    )


def invitations_send(*, meeting_id: int) -> int:
    """Send the meeting's unsent invitations (first invitations, updates, cancellations), each under
    the delivery guarantee (ADR 0012): the delivery row is committed ``sending`` before the send and
    ``sent`` after, with a Message-ID fixed per invitation and SEQUENCE, so a retry, a second worker
    or the sweep never sends one twice. A draft sends nothing. An occurrence of a series goes out as
    the whole series (the RRULE) to an invitee whose calendar does not hold it yet, and as that
    occurrence (RECURRENCE-ID, with its agenda) to the others. Each in the recipient's language."""
    from core.models import Delivery
    from core.notifications import send_once

    meeting = Meeting.objects.select_related("committee__jurisdiction", "series").filter(pk=meeting_id).first()
    if meeting is None or meeting.status not in (Meeting.Status.PLANNED, Meeting.Status.CANCELLED):
        return 0
    cancelled = meeting.status == Meeting.Status.CANCELLED
    if not cancelled and meeting.published_at is None:
        return 0
    series_meetings = (
        list(meeting.series.meetings.select_related("committee__jurisdiction"))
        if meeting.series and not cancelled
        else None
    )
    titles = _agenda_titles(meeting)
    sent = 0
    pending = meeting.invitations.filter(sent_at__isnull=True).values_list("pk", flat=True)
    for pk in list(pending):
        invitation = Invitation.objects.select_related("person__user").filter(pk=pk, sent_at__isnull=True).first()
        if invitation is None:
            continue
        address = _address(invitation.person)
        if not address:
            continue
        series_known = bool(
            meeting.series_id
            and Invitation.objects.filter(
                meeting__series_id=meeting.series_id, person_id=invitation.person_id, sent_at__isnull=False
            ).exists()
        )
        whole_series = series_meetings if series_meetings and not series_known else None

        def make(mid: str, inv: Invitation = invitation, series: list[Meeting] | None = whole_series) -> Any:
            return mailing.invitation_message(
                inv, meeting, series_meetings=series, agenda_titles=titles, message_id=mid
            ).email()

        state = send_once(
            kind=INVITATION_KIND,
            subject=invitation,
            recipient=invitation.person.user,
            recipient_key=f"email:{address.lower()}",
            address=address,
            due_key=f"{meeting.sequence}:{'cancel' if cancelled else 'request'}",
            make_message=make,
        )
        if state != Delivery.State.SENT:
            continue
        now = timezone.now()
        if whole_series:
            # The series is in their calendar now: a cancelled occurrence reaches them too.
            Invitation.objects.filter(
                meeting__series_id=meeting.series_id, person_id=invitation.person_id, sent_at__isnull=True
            ).update(sent_at=now)
        Invitation.objects.filter(pk=pk).update(sent_at=now, sent_sequence=meeting.sequence)
        sent += 1
    return sent


def invitation_preview(*, actor: User, meeting: Meeting) -> mailing.Message | None:
    """The invitation as the first invitee will receive it (in their language), for the preview
    before publishing; ``None`` when nobody is invited yet."""
    require(permissions.can_manage_meeting(actor, meeting), _("You may not publish this meeting."))
    invitation = meeting.invitations.select_related("person__user").order_by("person__full_name", "id").first()
    if invitation is None:
        return None
    series_meetings = list(meeting.series.meetings.select_related("committee")) if meeting.series else None
    return mailing.invitation_message(
        invitation, meeting, series_meetings=series_meetings, agenda_titles=_agenda_titles(meeting)
    )
