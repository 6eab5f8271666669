"""Writes to committees and meetings. Each function checks the actor, validates, writes and audits"""

from __future__ import annotations

from datetime import date, datetime
from typing import Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination import permissions
from coordination.models import (
    AgendaItem,
    Committee,
    Invitation,
    Meeting,
    MeetingSeries,
)
from coordination.recurrence import expand
from coordination.services._common import (
    MEETING_FIELDS,
    MeetingFields,
    _queue_invitations,
    _require_known_people,
)
from core.models import User
from core.permissions import require
from core.services import assign_fields, audit_record
from stakeholders.models import Person


def _current_member_ids(committee: Committee, on: date) -> list[int]:
    return list(
        committee.memberships.filter(permissions.memberships_on_q(on)).values_list("person_id", flat=True).distinct()
    )


@transaction.atomic
def meeting_schedule(
    *,
    actor: User,
    committee: Committee,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str = "",
    online_url: str = "",
    is_confidential: bool = False,
    recurrence: str = "",
) -> Meeting:
    """Schedule a meeting, or a series (RFC 5545 RRULE): one Meeting row per occurrence, each with
    its own agenda and attendance. Each starts as a draft: current members are on the invitation
    list, and nothing is sent until the agenda is published (:func:`meeting_publish`).
    Returns the first meeting."""
    require(permissions.can_manage_committee(actor, committee), _("You may not schedule this committee's meetings."))
    first = Meeting(
        committee=committee,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        online_url=online_url,
        is_confidential=is_confidential,
    )
    first.full_clean()  # times in order, fields valid: checked before the rule is expanded
    from core.timezones import zone

    # On the wall clock of the committee's jurisdiction: 10:00 stays 10:00 there across DST.
    rule, starts = expand(recurrence, starts_at, tz=zone(committee.jurisdiction.effective_time_zone()))
    duration = ends_at - starts_at
    series = None
    if rule:
        series = MeetingSeries.objects.create(
            committee=committee,
            title=title,
            location=location,
            online_url=online_url,
            rrule=rule,
            dtstart=starts_at,
            duration=duration,
        )
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                committee=committee,
                series=series,
                occurrence_start=start if series else None,
                title=title,
                starts_at=start,
                ends_at=start + duration,
                location=location,
                online_url=online_url,
                is_confidential=is_confidential,
            )
            for start in starts
        ]
    )
    meetings = list(Meeting.objects.filter(uid__in=[m.uid for m in meetings]).order_by("starts_at"))
    people = _current_member_ids(committee, timezone.localdate())
    Invitation.objects.bulk_create([Invitation(meeting=m, person_id=pid) for m in meetings for pid in people])
    audit_record(
        actor=actor,
        action="meeting.schedule",
        target=meetings[0],
        changes={"occurrences": len(meetings), "recurrence": rule},
    )
    return meetings[0]


@transaction.atomic
def meeting_publish(*, actor: User, meeting: Meeting) -> Meeting:
    """Publish the agenda and send the invitations (after commit), once: a published meeting's
    later changes go out as updates. An occurrence of a series sends the whole series (its RRULE)
    to an invitee whose calendar does not hold it yet, and this occurrence's agenda to the others."""
    require(permissions.can_manage_meeting(actor, meeting), _("You may not publish this meeting."))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Only a planned meeting can be published."))
    if meeting.published_at is not None:
        raise ValidationError(_("The agenda of this meeting is already published; changes are sent as updates."))
    if meeting.ends_at <= timezone.now():
        raise ValidationError(_("This meeting is over: there is nobody to invite to it any more."))
    meeting.published_at = timezone.now()
    meeting.save(update_fields=["published_at", "updated_at"])
    # Invitees whose calendar holds this occurrence through the series get its agenda now.
    meeting.invitations.update(sent_at=None)
    audit_record(
        actor=actor,
        action="meeting.publish",
        target=meeting,
        changes={
            "invitees": meeting.invitations.count(),
            "agenda_items": meeting.agenda_items.filter(status__in=AgendaItem.ON_AGENDA).count(),
        },
    )
    _queue_invitations([meeting.pk])
    return meeting


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, **data: Unpack[MeetingFields]) -> Meeting:
    require(permissions.can_manage_meeting(actor, meeting), _("You may not change this meeting."))
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting is cancelled."))
    changes = assign_fields(meeting, data, MEETING_FIELDS)
    meeting.full_clean()
    if changes:
        meeting.sequence += 1
    meeting.save()
    if changes:
        audit_record(actor=actor, action="meeting.update", target=meeting, changes=changes)
        if {"starts_at", "ends_at", "location", "online_url", "title"} & changes.keys() and (
            meeting.status == Meeting.Status.PLANNED and meeting.published_at is not None
        ):
            meeting.invitations.filter(sent_at__isnull=False).update(sent_at=None)  # the update goes out
            _queue_invitations([meeting.pk])
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str = "") -> Meeting:
    require(permissions.can_manage_meeting(actor, meeting), _("You may not cancel this meeting."))
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    audit_record(actor=actor, action="meeting.cancel", target=meeting, reason=reason)
    # Those who were sent the invitation get the cancellation (iTIP CANCEL), once each; those never
    # sent one get nothing.
    sent = list(meeting.invitations.filter(sent_at__isnull=False).values_list("pk", flat=True))
    meeting.invitations.filter(sent_at__isnull=True).update(sent_at=timezone.now())
    meeting.invitations.filter(pk__in=sent).update(sent_at=None)
    _queue_invitations([meeting.pk])
    return meeting


@transaction.atomic
def invitation_add(
    *, actor: User, meeting: Meeting, person: Person, kind: str = Invitation.Kind.SUMMONED
) -> Invitation:
    """Invite someone to this one meeting (summoning an official does not make them a member)."""
    require(permissions.can_manage_meeting(actor, meeting), _("You may not invite people to this meeting."))
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting is cancelled."))
    _require_known_people(actor, person=person)
    invitation = Invitation(meeting=meeting, person=person, kind=kind, after_start=timezone.now() >= meeting.starts_at)
    invitation.full_clean()
    invitation.save()
    audit_record(actor=actor, action="meeting.invite", target=meeting, changes={"person": str(person), "kind": kind})
    if meeting.published_at is not None:
        _queue_invitations([meeting.pk])
    return invitation


@transaction.atomic
def invitation_respond(*, actor: User, meeting: Meeting, response: str) -> Invitation:
    """The invitee's own reply, made in the portal."""
    invitation = Invitation.objects.select_for_update().filter(meeting=meeting, person__user=actor).first()
    require(invitation is not None, _("You are not invited to this meeting."))
    assert invitation is not None
    if response not in Invitation.Response.values or response == Invitation.Response.PENDING:
        raise ValidationError({"response": _("Reply accepted, tentative or declined.")})
    invitation.response = response
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "responded_at"])
    audit_record(actor=actor, action="meeting.reply", target=meeting, changes={"response": response})
    return invitation
