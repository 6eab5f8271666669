"""Writes to committees and meetings. Each function checks the actor, validates, writes and audits
atomically; emails go out after the commit, from Celery tasks that take ids."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypedDict, Unpack

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination import mailing, permissions
from coordination.models import (
    AgendaItem,
    Attendance,
    CalendarFeedToken,
    Committee,
    CommitteeMembership,
    Decision,
    Invitation,
    Meeting,
    MeetingSeries,
    MinutesCorrection,
    Paper,
)
from coordination.recurrence import expand
from core.models import User
from core.permissions import NOT_FOUND_MESSAGE, is_in_force, require, require_visible
from core.services import audit_record, changed_fields, notification_send
from stakeholders.models import Jurisdiction, Organisation, Person, Sector
from stakeholders.permissions import can_see_person_contact

COMMITTEE_FIELDS = (
    "name",
    "acronym",
    "kind",
    "jurisdiction",
    "parent",
    "remit",
    "mandate",
    "mandate_review_date",
    "secretariat",
    "status",
    "quorum_rule",
    "quorum_value",
    "reminder_lead_hours",
)
MEETING_FIELDS = ("title", "starts_at", "ends_at", "location", "online_url", "is_confidential")
AGENDA_FIELDS = ("title", "description", "presenter", "duration_minutes", "papers", "order")
DECISION_CONTENT_FIELDS = ("kind", "text")
DECISION_PROGRESS_FIELDS = ("owner", "owner_organisation", "due_date", "status")

# Rich-text minutes: a small allowlist; nh3 drops <script>/<style> with their content and any
# URL scheme other than these (so no javascript: links).
MINUTES_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h3",
    "h4",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
MINUTES_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
MINUTES_URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_minutes(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=MINUTES_TAGS,
        attributes=MINUTES_ATTRIBUTES,
        url_schemes=MINUTES_URL_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()


class CommitteeFields(TypedDict, total=False):
    """What a committee's create and update accept (``COMMITTEE_FIELDS``)."""

    name: str
    acronym: str
    kind: str
    jurisdiction: Jurisdiction
    parent: Committee | None
    remit: str
    mandate: str
    mandate_review_date: date | None
    secretariat: Organisation | None
    status: str
    quorum_rule: str
    quorum_value: int | None


class MeetingFields(TypedDict, total=False):
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    online_url: str
    is_confidential: bool


class AgendaItemDetails(TypedDict, total=False):
    """An agenda item's fields besides its title and place (``agenda_item_add``)."""

    description: str
    presenter: str
    duration_minutes: int | None
    papers: str


class AgendaItemFields(TypedDict, total=False):
    title: str
    description: str
    presenter: str
    duration_minutes: int | None
    papers: str
    order: int | None


class DecisionFields(TypedDict, total=False):
    kind: str
    text: str
    owner: Person | None
    owner_organisation: Organisation | None
    due_date: date | None
    status: str


def _reject_unknown(data: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    """An argument the use case does not take is a programming error, never silently dropped."""
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise TypeError(f"Unknown field(s): {', '.join(unknown)}")


def _assign(instance: Any, data: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, list[Any]]:
    _reject_unknown(data, fields)
    data = dict(data)
    changes = changed_fields(instance, data) if instance.pk else {}
    for name, value in data.items():
        setattr(instance, name, value)
    return changes


def _require_known_people(actor: User, **people: Person | None) -> None:
    """Person arguments must be people the actor may name (``selectors.people_for_forms``: seen in
    the registry, or a fellow committee member); any other answers like a missing row."""
    from coordination.selectors import people_for_forms

    wanted = {field: p for field, p in people.items() if p is not None}
    if not wanted:
        return
    known = set(people_for_forms(actor).filter(pk__in=[p.pk for p in wanted.values()]).values_list("pk", flat=True))
    errors = {field: [str(NOT_FOUND_MESSAGE)] for field, p in wanted.items() if p.pk not in known}
    if errors:
        raise ValidationError(errors)


def _require_visible_changes(actor: User, instance: Any, data: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    """The foreign keys ``data`` sets to a new row must be rows the actor may see (an unchanged
    link is left alone: a coordinator may edit a body whose parent they cannot see)."""
    changed = {
        f: data[f]
        for f in fields
        if f in data and data[f] is not None and data[f].pk != getattr(instance, f"{f}_id", None)
    }
    require_visible(actor, **changed)


def _require_visible_all(actor: User, field: str, objects: Any) -> None:
    for obj in objects or ():
        require_visible(actor, **{field: obj})


def _queue_invitations(meeting_ids: list[int]) -> None:
    from coordination.tasks import send_meeting_invitations_task

    for meeting_id in meeting_ids:
        # robust: a broker outage loses nothing, the notifications job's sweep sends what stayed unsent.
        transaction.on_commit(lambda mid=meeting_id: send_meeting_invitations_task.delay(mid), robust=True)  # type: ignore[misc]


def _send_update(meeting: Meeting) -> None:
    """The meeting (its time, place or agenda) changed after invitations went out: one update
    (iTIP REQUEST, the next SEQUENCE) to each invitee already sent one; nothing for a draft."""
    meeting.refresh_from_db(fields=["published_at", "status"])
    if meeting.published_at is None or meeting.status != Meeting.Status.PLANNED:
        return
    Meeting.objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1)
    meeting.refresh_from_db(fields=["sequence"])
    meeting.invitations.filter(sent_at__isnull=False).update(sent_at=None)
    _queue_invitations([meeting.pk])


def _require_unlocked(meeting: Meeting) -> None:
    if meeting.is_locked:
        raise ValidationError(_("The minutes of this meeting are approved: they and its outcomes are locked."))


# --- Committees --------------------------------------------------------------------------------


@transaction.atomic
def committee_create(
    *, actor: User, expected_sectors: Iterable[Sector] | None = None, **data: Unpack[CommitteeFields]
) -> Committee:
    require(permissions.can_create_committee(actor), "You may not create committees.")
    committee = Committee()
    _require_visible_changes(actor, committee, data, ("jurisdiction", "parent", "secretariat"))
    _require_visible_all(actor, "expected_sectors", expected_sectors)
    _assign(committee, data, COMMITTEE_FIELDS)
    if committee.jurisdiction_id and not permissions.can_create_committee(actor, committee.jurisdiction):
        raise ValidationError({"jurisdiction": _("You may only create committees in your own jurisdictions.")})
    committee.full_clean()
    committee.save()
    if expected_sectors is not None:
        committee.expected_sectors.set(expected_sectors)
    audit_record(actor=actor, action="committee.create", target=committee)
    return committee


@transaction.atomic
def committee_update(
    *,
    actor: User,
    committee: Committee,
    expected_sectors: Iterable[Sector] | None = None,
    **data: Unpack[CommitteeFields],
) -> Committee:
    require(permissions.can_change_committee(actor, committee), "You may not change this committee.")
    _require_visible_changes(actor, committee, data, ("jurisdiction", "parent", "secretariat"))
    if expected_sectors is not None:
        current = set(committee.expected_sectors.values_list("pk", flat=True))
        _require_visible_all(actor, "expected_sectors", [s for s in expected_sectors if s.pk not in current])
    if (
        "jurisdiction" in data
        and data["jurisdiction"] != committee.jurisdiction
        and not (permissions.can_create_committee(actor, data["jurisdiction"]))
    ):
        raise ValidationError({"jurisdiction": _("You may only move committees to your own jurisdictions.")})
    changes = _assign(committee, data, COMMITTEE_FIELDS)
    committee.full_clean()
    committee.save()
    if expected_sectors is not None:
        committee.expected_sectors.set(expected_sectors)
    if changes:
        audit_record(actor=actor, action="committee.update", target=committee, changes=changes)
    return committee


# --- Members -----------------------------------------------------------------------------------


@transaction.atomic
def membership_add(
    *,
    actor: User,
    committee: Committee,
    person: Person,
    role: str = CommitteeMembership.Role.MEMBER,
    organisation: Organisation | None = None,
    designation: str = "",
    start_date: date | None = None,
    end_date: date | None = None,
) -> CommitteeMembership:
    """Seat a person on the committee; they are invited to its planned meetings from now on.

    A seat is a grant (ADR 0003): from its start date the person reads the minutes of the meetings
    held while they sit (a seat starts today unless dated: dating it earlier is a deliberate grant of
    earlier minutes, recorded in the audit); and fellow members reach each other's contact details
    only through seats made by someone who could already see that person's contact details."""
    require(permissions.can_manage_committee(actor, committee), "You may not manage this committee's members.")
    _require_known_people(actor, person=person)
    require_visible(actor, organisation=organisation)
    if start_date is None:
        today = timezone.localdate()
        start_date = min(today, end_date) if end_date is not None else today
    membership = CommitteeMembership(
        committee=committee,
        person=person,
        role=role,
        organisation=organisation,
        designation=designation,
        start_date=start_date,
        end_date=end_date,
        shares_contact=can_see_person_contact(actor, person),
    )
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="committee.member_add",
        target=committee,
        changes={
            "person": str(person),
            "role": role,
            "start_date": str(start_date),
            "shares_contact": membership.shares_contact,
        },
    )
    now = timezone.now()
    future = Meeting.objects.filter(committee=committee, status=Meeting.Status.PLANNED, starts_at__gt=now).exclude(
        invitations__person=person
    )
    if end_date is not None:
        future = future.filter(starts_at__date__lte=end_date)
    if start_date is not None:
        future = future.filter(starts_at__date__gte=start_date)
    rows = list(future.order_by("starts_at").values_list("pk", "series_id", "published_at"))
    Invitation.objects.bulk_create([Invitation(meeting_id=mid, person=person) for mid, _s, _p in rows])
    # One email per published one-off meeting, one per series (its invitation covers every
    # occurrence); drafts are sent when their agenda is published.
    first_of_series: dict[int, int] = {}
    for mid, series_id, published in rows:
        if series_id is not None and published is not None:
            first_of_series.setdefault(series_id, mid)
    _queue_invitations(
        [mid for mid, series_id, published in rows if series_id is None and published is not None]
        + list(first_of_series.values())
    )
    return membership


@transaction.atomic
def membership_end(*, actor: User, membership: CommitteeMembership, end_date: date | None = None) -> None:
    require(
        permissions.can_manage_committee(actor, membership.committee), "You may not manage this committee's members."
    )
    membership.end_date = end_date or timezone.localdate()
    membership.full_clean()
    membership.save(update_fields=["end_date"])
    withdrawn = _withdraw_member_invitations(membership)
    audit_record(
        actor=actor,
        action="committee.member_end",
        target=membership.committee,
        changes={
            "person": str(membership.person),
            "end_date": str(membership.end_date),
            "invitations_withdrawn": withdrawn,
        },
    )


def _withdraw_member_invitations(membership: CommitteeMembership) -> int:
    """An ended seat takes its invitations with it: the member invitations to the committee's
    meetings after the end date (not those they attended, nor those another seat of theirs on the
    committee covers) are withdrawn. A summoned official's or guest's invitation stays: that was a
    separate decision."""
    ended = membership.end_date
    assert ended is not None
    other_seats = list(
        CommitteeMembership.objects.filter(committee_id=membership.committee_id, person_id=membership.person_id)
        .exclude(pk=membership.pk)
        .values_list("start_date", "end_date")
    )
    candidates = (
        Invitation.objects.filter(
            person_id=membership.person_id,
            kind=Invitation.Kind.MEMBER,
            meeting__committee_id=membership.committee_id,
        )
        .exclude(meeting__attendance__person_id=membership.person_id)
        .select_related("meeting")
    )
    withdraw = []
    for invitation in candidates:
        held_on = timezone.localtime(invitation.meeting.starts_at).date()
        if held_on <= ended:
            continue
        if any(is_in_force(s, e, held_on) for s, e in other_seats):
            continue
        withdraw.append(invitation.pk)
    Invitation.objects.filter(pk__in=withdraw).delete()
    return len(withdraw)


# --- Meetings ----------------------------------------------------------------------------------


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
    require(permissions.can_manage_committee(actor, committee), "You may not schedule this committee's meetings.")
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
    require(permissions.can_manage_meeting(actor, meeting), "You may not publish this meeting.")
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
    require(permissions.can_manage_meeting(actor, meeting), "You may not change this meeting.")
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting is cancelled."))
    changes = _assign(meeting, data, MEETING_FIELDS)
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
    require(permissions.can_manage_meeting(actor, meeting), "You may not cancel this meeting.")
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
    require(permissions.can_manage_meeting(actor, meeting), "You may not invite people to this meeting.")
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
    require(invitation is not None, "You are not invited to this meeting.")
    assert invitation is not None
    if response not in Invitation.Response.values or response == Invitation.Response.PENDING:
        raise ValidationError({"response": _("Reply accepted, tentative or declined.")})
    invitation.response = response
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "responded_at"])
    audit_record(actor=actor, action="meeting.reply", target=meeting, changes={"response": response})
    return invitation


# --- Agenda ------------------------------------------------------------------------------------


def _require_free_place(item: AgendaItem) -> None:
    """The unique (meeting, order) constraint, reported on the ``order`` field."""
    if (
        item.meeting_id
        and item.order is not None
        and AgendaItem.objects.filter(meeting_id=item.meeting_id, order=item.order).exclude(pk=item.pk).exists()
    ):
        raise ValidationError({"order": _("Another agenda item already has this place in the order.")})


def _next_order(meeting: Meeting) -> int:
    return (meeting.agenda_items.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def agenda_item_add(
    *, actor: User, meeting: Meeting, title: str, order: int | None = None, **data: Unpack[AgendaItemDetails]
) -> AgendaItem:
    require(permissions.can_manage_meeting(actor, meeting), "You may not change this agenda.")
    _require_unlocked(meeting)
    item = AgendaItem(
        committee_id=meeting.committee_id, meeting=meeting, title=title, status=AgendaItem.Status.SCHEDULED
    )
    _assign(item, data, AGENDA_FIELDS)
    item.order = order if order is not None else _next_order(meeting)
    _require_free_place(item)
    item.full_clean()
    item.save()
    audit_record(actor=actor, action="agenda.add", target=meeting, changes={"item": title})
    _send_update(meeting)
    return item


@transaction.atomic
def agenda_item_update(*, actor: User, item: AgendaItem, **data: Unpack[AgendaItemFields]) -> AgendaItem:
    require(
        item.meeting is not None
        and permissions.can_manage_meeting(actor, item.meeting)
        or item.meeting is None
        and permissions.can_manage_committee(actor, item.committee),
        "You may not change this agenda.",
    )
    if item.meeting is not None:
        _require_unlocked(item.meeting)
    changes = _assign(item, data, AGENDA_FIELDS)
    _require_free_place(item)
    item.full_clean()
    item.save()
    if changes:
        audit_record(actor=actor, action="agenda.update", target=item, changes=changes)
        if item.meeting is not None and changes.keys() & {"title", "order", "presenter", "duration_minutes"}:
            _send_update(item.meeting)
    return item


@transaction.atomic
def agenda_reorder(*, actor: User, meeting: Meeting, item_ids: list[int]) -> list[AgendaItem]:
    """Put the agenda in the given order (every item exactly once)."""
    require(permissions.can_manage_meeting(actor, meeting), "You may not change this agenda.")
    _require_unlocked(meeting)
    items = {i.pk: i for i in meeting.agenda_items.filter(status__in=AgendaItem.ON_AGENDA).select_for_update()}
    if len(set(item_ids)) != len(item_ids):
        raise ValidationError({"order": _("An agenda item appears twice in the order.")})
    if set(item_ids) != set(items):
        raise ValidationError({"order": _("The order must list every item of this agenda exactly once.")})
    # Two steps, so the unique (meeting, order) never sees two items in one place mid-way.
    offset = len(items) + 1000
    for position, pk in enumerate(item_ids, start=1):
        items[pk].order = position + offset
    AgendaItem.objects.bulk_update(items.values(), ["order"])
    for item in items.values():
        item.order = (item.order or 0) - offset
    AgendaItem.objects.bulk_update(items.values(), ["order"])
    audit_record(actor=actor, action="agenda.reorder", target=meeting, changes={"order": item_ids})
    _send_update(meeting)
    return sorted(items.values(), key=lambda i: i.order or 0)


@transaction.atomic
def agenda_item_propose(*, actor: User, committee: Committee, title: str, description: str = "") -> AgendaItem:
    """A member proposes an item to the committee's backlog; the chair or secretary schedules it."""
    require(permissions.can_propose_agenda_item(actor, committee), "You may not propose agenda items here.")
    item = AgendaItem(
        committee=committee, title=title, description=description, status=AgendaItem.Status.PROPOSED, proposed_by=actor
    )
    item.full_clean()
    item.save()
    audit_record(actor=actor, action="agenda.propose", target=committee, changes={"item": title})
    return item


@transaction.atomic
def agenda_item_schedule(*, actor: User, item: AgendaItem, meeting: Meeting) -> AgendaItem:
    require(permissions.can_manage_meeting(actor, meeting), "You may not change this agenda.")
    require_visible(actor, item=item)
    if item.meeting_id is not None or item.committee_id != meeting.committee_id:
        raise ValidationError({"meeting": _("Only an item of this committee's backlog can be scheduled.")})
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError({"meeting": _("Items can be scheduled on planned meetings only.")})
    item.meeting = meeting
    item.order = _next_order(meeting)
    item.status = AgendaItem.Status.SCHEDULED
    item.save(update_fields=["meeting", "order", "status", "updated_at"])
    audit_record(actor=actor, action="agenda.schedule", target=meeting, changes={"item": item.title})
    _send_update(meeting)
    return item


# --- Attendance, minutes, decisions ----------------------------------------------------------


def _quorum_met(meeting: Meeting) -> bool | None:
    committee = meeting.committee
    if committee.quorum_rule == Committee.QuorumRule.NONE:
        return None
    on = timezone.localtime(meeting.starts_at).date()
    eligible = set(
        committee.memberships.filter(permissions.memberships_on_q(on))
        .exclude(role=CommitteeMembership.Role.OBSERVER)
        .values_list("person_id", flat=True)
    )
    attended = set(meeting.attendance.filter(status__in=Attendance.ATTENDED).values_list("person_id", flat=True))
    return len(eligible & attended) >= committee.quorum_required(len(eligible))


@transaction.atomic
def attendance_record(*, actor: User, meeting: Meeting, entries: list[dict[str, Any]]) -> list[Attendance]:
    """Record who attended: ``entries`` of ``{"person", "status", "represented_by"}``. Everyone must
    be an invitee; all entries are saved or none. Works out whether the quorum was met.

    Attendance is a grant (a confidential meeting's minutes, ADR 0003): nobody records their own
    (as attendee or stand-in, however their person record is linked); each row keeps who recorded it
    and the logins the attendee and the stand-in had then."""
    require(permissions.can_manage_meeting(actor, meeting), "You may not record attendance at this meeting.")
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting is cancelled."))
    _require_unlocked(meeting)
    invited = set(meeting.invitations.values_list("person_id", flat=True))
    saved = []
    for entry in entries:
        person = entry["person"]
        if person.pk not in invited:
            # One message whoever the person is: it names nobody and tells nothing about who exists.
            raise ValidationError({"person": _("This person is not invited to this meeting: invite them first.")})
        status = entry.get("status")
        represented_by = entry.get("represented_by") if status == Attendance.Status.REPRESENTED else None
        if represented_by is not None and represented_by.pk not in invited:
            # A stand-in reads the minutes (of a confidential meeting too): only another invitee can be one.
            raise ValidationError(
                {"represented_by": _("The stand-in must be invited to this meeting: invite them first.")}
            )
        if person.user_id == actor.pk:
            raise ValidationError(
                {"person": _("Your own attendance is recorded by another manager of the committee, not by you.")}
            )
        if represented_by is not None and represented_by.user_id == actor.pk:
            raise ValidationError(
                {
                    "represented_by": _(
                        "Your own attendance is recorded by another manager of the committee, not by you."
                    )
                }
            )
        attendance = Attendance.objects.filter(meeting=meeting, person=person).first() or Attendance(
            meeting=meeting, person=person
        )
        attendance.status = status or ""
        attendance.represented_by = represented_by
        attendance.recorded_by = actor
        attendance.attendee_user_id = person.user_id
        attendance.stand_in_user_id = represented_by.user_id if represented_by is not None else None
        attendance.full_clean(validate_unique=False)
        attendance.save()
        saved.append(attendance)
    meeting.quorum_met = _quorum_met(meeting)
    if meeting.status == Meeting.Status.PLANNED:
        meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["quorum_met", "status", "updated_at"])
    audit_record(
        actor=actor,
        action="meeting.attendance",
        target=meeting,
        changes={"recorded": len(saved), "quorum_met": meeting.quorum_met},
    )
    return saved


@transaction.atomic
def minutes_record(*, actor: User, item: AgendaItem, minutes: str, status: str | None = None) -> AgendaItem:
    """Minutes of one agenda item, sanitised (no scripts, no javascript: links)."""
    meeting = item.meeting
    require(
        meeting is not None and permissions.can_write_minutes(actor, meeting),
        "You may not write the minutes of this meeting.",
    )
    assert meeting is not None
    _require_unlocked(meeting)
    if meeting.status in (Meeting.Status.PLANNED, Meeting.Status.CANCELLED):
        raise ValidationError(_("Record attendance first: minutes are written for a meeting that was held."))
    item.minutes = sanitise_minutes(minutes)
    if status is not None:
        if status not in (AgendaItem.Status.OPEN, AgendaItem.Status.CLOSED):
            raise ValidationError({"status": _("After the meeting an item is either still open or closed.")})
        item.status = status
    item.full_clean()
    item.save()
    if meeting.status == Meeting.Status.HELD:
        meeting.status = Meeting.Status.MINUTES_DRAFTED
        meeting.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="minutes.record", target=item)
    return item


@transaction.atomic
def decision_record(
    *,
    actor: User,
    item: AgendaItem,
    text: str,
    kind: str = Decision.Kind.DECISION,
    owner: Person | None = None,
    owner_organisation: Organisation | None = None,
    due_date: date | None = None,
    status: str = Decision.Status.OPEN,
) -> Decision:
    meeting = item.meeting
    require(
        meeting is not None and permissions.can_write_minutes(actor, meeting),
        "You may not record outcomes of this meeting.",
    )
    assert meeting is not None
    _require_unlocked(meeting)
    if meeting.status in (Meeting.Status.PLANNED, Meeting.Status.CANCELLED):
        raise ValidationError(_("Record attendance first: outcomes are recorded for a meeting that was held."))
    _require_known_people(actor, owner=owner)
    require_visible(actor, owner_organisation=owner_organisation)
    decision = Decision(
        agenda_item=item,
        meeting=meeting,
        committee_id=meeting.committee_id,
        kind=kind,
        text=text,
        owner=owner,
        owner_organisation=owner_organisation,
        due_date=due_date,
        status=status,
    )
    decision.full_clean()
    decision.save()
    audit_record(actor=actor, action="decision.record", target=decision)
    if owner is not None and owner.user_id and owner.user_id != actor.pk:
        user = owner.user
        assert user is not None
        url = decision.get_absolute_url()
        # A notification outlives the ownership (and is readable in the admin): a confidential
        # meeting's decision is announced without its text, which the owner reads on the meeting page.
        title = (
            _("A decision of the confidential meeting of %(date)s was assigned to you")
            % {"date": timezone.localtime(meeting.starts_at).date().isoformat()}
            if meeting.is_confidential
            else _("A decision was assigned to you: %(text)s") % {"text": text[:120]}
        )
        transaction.on_commit(lambda: notification_send(recipient=user, title=title, url=url))
    return decision


@transaction.atomic
def meeting_workspace_save(
    *, actor: User, meeting: Meeting, attendance: list[dict[str, Any]], items: list[dict[str, Any]]
) -> dict[str, int]:
    """Save the meeting workspace in one go: attendance, then each item's minutes and status, then
    the new outcomes. All or nothing: on any error nothing is saved and the caller shows the form
    again with everything that was typed. Only what changed is written (and audited)."""
    from coordination.selectors import people_for_forms
    from stakeholders.permissions import organisations_visible

    require(permissions.can_manage_meeting(actor, meeting), "You may not record this meeting.")
    saved = {"attendance": 0, "minutes": 0, "decisions": 0}
    current = {a.person_id: (a.status, a.represented_by_id) for a in meeting.attendance.all()}
    wanted = {
        e["person"].pk: (e["status"], e["represented_by"].pk if e.get("represented_by") else None) for e in attendance
    }
    changed_rows = [e for e in attendance if current.get(e["person"].pk) != wanted[e["person"].pk]]
    if changed_rows:
        saved["attendance"] = len(attendance_record(actor=actor, meeting=meeting, entries=changed_rows))
        meeting.refresh_from_db(fields=["status", "quorum_met"])
    owner_ids = {e["decision"]["owner_id"] for e in items if e["decision"] and e["decision"]["owner_id"]}
    org_ids = {
        e["decision"]["owner_organisation_id"]
        for e in items
        if e["decision"] and e["decision"]["owner_organisation_id"]
    }
    owners = people_for_forms(actor).in_bulk(owner_ids) if owner_ids else {}
    orgs = organisations_visible(actor).in_bulk(org_ids) if org_ids else {}
    for entry in items:
        item: AgendaItem = entry["item"]
        item.meeting = meeting
        new_minutes = sanitise_minutes(entry["minutes"])
        changed = new_minutes != item.minutes or (entry["status"] and entry["status"] != item.status)
        # An untouched item with nothing typed stays as it was (it shows as lacking minutes).
        if changed and (new_minutes or item.minutes or entry["status"] == AgendaItem.Status.OPEN):
            minutes_record(actor=actor, item=item, minutes=entry["minutes"], status=entry["status"])
            saved["minutes"] += 1
            meeting.refresh_from_db(fields=["status"])
        decision = entry["decision"]
        if decision:
            owner = owners.get(decision["owner_id"]) if decision["owner_id"] else None
            org = orgs.get(decision["owner_organisation_id"]) if decision["owner_organisation_id"] else None
            if decision["owner_id"] and owner is None:
                raise ValidationError({f"decision_owner_{item.pk}": _("Choose an owner from the list.")})
            if decision["owner_organisation_id"] and org is None:
                raise ValidationError({f"decision_org_{item.pk}": _("Choose an organisation from the list.")})
            decision_record(
                actor=actor,
                item=item,
                kind=decision["kind"] or Decision.Kind.DECISION,
                text=decision["text"],
                owner=owner,
                owner_organisation=org,
                due_date=decision["due_date"],
            )
            saved["decisions"] += 1
    return saved


@transaction.atomic
def decision_update(*, actor: User, decision: Decision, **data: Unpack[DecisionFields]) -> Decision:
    """Text and kind change only until the minutes are approved; owner, due date and status are
    follow-up tracking and stay open to the committee's managers and to the owner."""
    _reject_unknown(data, DECISION_CONTENT_FIELDS + DECISION_PROGRESS_FIELDS)
    content = {k: v for k, v in data.items() if k in DECISION_CONTENT_FIELDS and getattr(decision, k) != v}
    if content:
        require(permissions.can_write_minutes(actor, decision.meeting), "You may not change this outcome.")
        _require_unlocked(decision.meeting)
    progress: dict[str, Any] = {k: v for k, v in data.items() if k in DECISION_PROGRESS_FIELDS}
    if progress:
        require(permissions.can_update_decision_progress(actor, decision), "You may not update this decision.")
        if progress.get("owner_organisation") not in (None, decision.owner_organisation):
            require_visible(actor, owner_organisation=progress["owner_organisation"])
        if progress.get("owner") not in (None, decision.owner):
            _require_known_people(actor, owner=progress["owner"])
    changes = _assign(decision, {**content, **progress}, DECISION_CONTENT_FIELDS + DECISION_PROGRESS_FIELDS)
    decision.full_clean()
    decision.save()
    if changes:
        # The text is part of the minutes: the audit says that it changed, never what it says.
        recorded: dict[str, Any] = {**changes, **({"text": "(changed)"} if "text" in changes else {})}
        audit_record(actor=actor, action="decision.update", target=decision, changes=recorded)
    return decision


def approval_warnings(meeting: Meeting) -> list[str]:
    """What the approver must confirm they have seen: the quorum was not met, items have no
    minutes. Empty when there is nothing to warn about."""
    warnings = []
    if meeting.quorum_met is False:
        warnings.append(_("The quorum was not met at this meeting."))
    attended = meeting.attendance.filter(status__in=Attendance.ATTENDED).count()
    if attended == 0:
        warnings.append(_("Nobody is recorded as attending this meeting."))
    missing = list(
        meeting.agenda_items.filter(minutes="", status__in=AgendaItem.ON_AGENDA)
        .order_by("order", "id")
        .values_list("title", flat=True)
    )
    if missing:
        warnings.append(
            _("%(count)d agenda item(s) have no minutes: %(titles)s.")
            % {"count": len(missing), "titles": ", ".join(missing)}
        )
    return warnings


@transaction.atomic
def minutes_approve(*, actor: User, meeting: Meeting, confirmed: bool = False) -> Meeting:
    """Approve the minutes (they and the outcomes lock) and carry open items and undone decisions
    over to the committee's next planned meeting (or to its backlog when none is planned).

    Refused before the meeting has started; when the quorum was not met, nobody attended or items
    have no minutes, refused unless ``confirmed`` (the approver saw the warnings)."""
    require(permissions.can_write_minutes(actor, meeting), "You may not approve these minutes.")
    meeting = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("This meeting has not started yet: its minutes cannot be approved."))
    if meeting.status not in (Meeting.Status.HELD, Meeting.Status.MINUTES_DRAFTED):
        raise ValidationError(_("Only the minutes of a meeting that was held can be approved."))
    warnings = approval_warnings(meeting)
    if warnings and not confirmed:
        raise ValidationError(
            [_("Confirm that you approve the minutes despite these warnings."), *warnings], code="confirm"
        )
    meeting.status = Meeting.Status.MINUTES_APPROVED
    meeting.minutes_approved_at = timezone.now()
    meeting.minutes_approved_by = actor
    meeting.save(update_fields=["status", "minutes_approved_at", "minutes_approved_by", "updated_at"])
    carried = _carry_over(meeting)
    audit_record(
        actor=actor,
        action="minutes.approve",
        target=meeting,
        changes={"carried_over": carried, **({"warnings_confirmed": warnings} if warnings else {})},
    )
    return meeting


def can_reopen_minutes(actor: User, meeting: Meeting) -> bool:
    """The chair (or a co-chair) of the committee, who may read these minutes."""
    return permissions.memberships_of(actor).filter(
        committee_id=meeting.committee_id, role__in=CommitteeMembership.CHAIR_ROLES
    ).exists() and permissions.can_read_minutes(actor, meeting)


@transaction.atomic
def minutes_reopen(*, actor: User, meeting: Meeting, reason: str) -> MinutesCorrection:
    """The chair reopens approved minutes for a correction: audited, with the reason, which the
    minutes show from then on. The corrected minutes are approved again as usual."""
    require(can_reopen_minutes(actor, meeting), "Only the chair may reopen approved minutes.")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.MINUTES_APPROVED:
        raise ValidationError(_("Only approved minutes can be reopened."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what needs correcting: the reason is shown on the minutes.")})
    correction = MinutesCorrection(
        meeting=meeting, reopened_by=actor, reason=reason, previously_approved_at=meeting.minutes_approved_at
    )
    correction.full_clean()
    correction.save()
    meeting.status = Meeting.Status.MINUTES_DRAFTED
    meeting.minutes_approved_at = None
    meeting.minutes_approved_by = None
    meeting.save(update_fields=["status", "minutes_approved_at", "minutes_approved_by", "updated_at"])
    audit_record(actor=actor, action="minutes.reopen", target=meeting, reason=reason)
    return correction


def _carry_over(meeting: Meeting) -> int:
    """Open items and undone decisions go to the committee's next planned meeting as *proposals*
    the secretary keeps or drops (or to the backlog when none is planned). Each item is carried
    once, each decision followed up once per meeting, whatever approvals are repeated (the unique
    constraints hold it even against a concurrent approval). Nothing from a confidential meeting
    is copied into another meeting's agenda text: its carried items say only where they come from."""
    target = (
        Meeting.objects.filter(
            committee_id=meeting.committee_id, status=Meeting.Status.PLANNED, starts_at__gt=meeting.starts_at
        )
        .order_by("starts_at", "id")
        .first()
    )
    carried_already = set(
        AgendaItem.objects.filter(carried_from__meeting=meeting).values_list("carried_from_id", flat=True)
    )
    existing = AgendaItem.objects.filter(committee_id=meeting.committee_id)
    existing = existing.filter(meeting=target) if target else existing.filter(meeting__isnull=True)
    already_decisions = set(existing.exclude(follow_up_of=None).values_list("follow_up_of_id", flat=True))
    when = timezone.localtime(meeting.starts_at).date().isoformat()
    new: list[AgendaItem] = []

    def add(**fields: Any) -> None:
        new.append(
            AgendaItem(
                committee_id=meeting.committee_id,
                meeting=target,
                order=None,
                status=AgendaItem.Status.PROPOSED,
                **fields,
            )
        )

    open_items = (
        meeting.agenda_items.filter(status__in=[AgendaItem.Status.SCHEDULED, AgendaItem.Status.OPEN])
        .exclude(pk__in=carried_already)
        .order_by("order", "id")
    )
    for item in open_items:
        if meeting.is_confidential:
            title = _("Item carried over from the confidential meeting of %(date)s") % {"date": when}
            add(title=title[:300], carried_from=item)
        else:
            add(title=item.title[:300], description=item.description, presenter=item.presenter, carried_from=item)
    undone = (
        Decision.objects.filter(
            committee_id=meeting.committee_id,
            kind__in=Decision.TRACKED_KINDS,
            status__in=Decision.UNDONE,
            meeting__starts_at__lte=meeting.starts_at,
        )
        .exclude(pk__in=already_decisions)
        .select_related("meeting")
        .order_by("meeting__starts_at", "id")
    )
    for decision in undone:
        if decision.meeting.is_confidential:
            title = _("Follow-up of a decision of the confidential meeting of %(date)s") % {
                "date": timezone.localtime(decision.meeting.starts_at).date().isoformat()
            }
        else:
            title = _("Follow-up: %(text)s") % {"text": decision.text}
        add(title=title[:300], follow_up_of=decision)
    AgendaItem.objects.bulk_create(new)
    return len(new)


def _require_proposal(actor: User, item: AgendaItem) -> Meeting:
    meeting = item.meeting
    require(meeting is not None and permissions.can_manage_meeting(actor, meeting), "You may not change this agenda.")
    assert meeting is not None
    if item.status != AgendaItem.Status.PROPOSED:
        raise ValidationError(_("This item was already kept or dropped."))
    return meeting


@transaction.atomic
def proposal_keep(*, actor: User, item: AgendaItem) -> AgendaItem:
    """The secretary takes a carried-over proposal onto the meeting's agenda (at the end)."""
    item = AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=item.pk)
    meeting = _require_proposal(actor, item)
    _require_unlocked(meeting)
    item.status = AgendaItem.Status.SCHEDULED
    item.order = _next_order(meeting)
    item.save(update_fields=["status", "order", "updated_at"])
    audit_record(actor=actor, action="agenda.keep", target=meeting, changes={"item": item.title})
    _send_update(meeting)
    return item


@transaction.atomic
def proposal_drop(*, actor: User, item: AgendaItem) -> AgendaItem:
    """The secretary drops a carried-over proposal: it stays recorded (so it is never carried again)
    but never appears on an agenda."""
    item = AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=item.pk)
    meeting = _require_proposal(actor, item)
    item.status = AgendaItem.Status.DROPPED
    item.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="agenda.drop", target=meeting, changes={"item": item.title})
    return item


# --- Calendar feed -------------------------------------------------------------------------------


def calendar_feed_token_get(*, user: User) -> CalendarFeedToken:
    token, _created = CalendarFeedToken.objects.get_or_create(user=user, defaults={"token": secrets.token_urlsafe(32)})
    return token


@transaction.atomic
def calendar_feed_token_reset(*, user: User) -> CalendarFeedToken:
    """A new secret feed URL; the old one stops working at once."""
    CalendarFeedToken.objects.filter(user=user).delete()
    token = CalendarFeedToken.objects.create(user=user, token=secrets.token_urlsafe(32))
    audit_record(actor=user, action="calendar_feed.reset", target=user)
    return token


# --- Emails (called by tasks) ------------------------------------------------------------------


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
    require(permissions.can_manage_meeting(actor, meeting), "You may not publish this meeting.")
    invitation = meeting.invitations.select_related("person__user").order_by("person__full_name", "id").first()
    if invitation is None:
        return None
    series_meetings = list(meeting.series.meetings.select_related("committee")) if meeting.series else None
    return mailing.invitation_message(
        invitation, meeting, series_meetings=series_meetings, agenda_titles=_agenda_titles(meeting)
    )


# --- Papers --------------------------------------------------------------------------------------


@transaction.atomic
def paper_add(
    *,
    actor: User,
    upload: Any,
    title: str = "",
    agenda_item: AgendaItem | None = None,
    meeting: Meeting | None = None,
    committee: Committee | None = None,
) -> Paper:
    """Attach a file to an agenda item (the meeting's managers), to a meeting's minutes (those who
    write them, until they are approved) or to a committee (its managers). Checked by content, size
    and the optional virus scan before anything is stored."""
    from coordination import papers

    if agenda_item is not None:
        target_meeting = agenda_item.meeting
        require(
            target_meeting is not None
            and permissions.can_manage_meeting(actor, target_meeting)
            or target_meeting is None
            and permissions.can_manage_committee(actor, agenda_item.committee),
            "You may not add papers to this agenda.",
        )
        audit_target: Any = target_meeting or agenda_item.committee
    elif meeting is not None:
        require(permissions.can_write_minutes(actor, meeting), "You may not add papers to these minutes.")
        _require_unlocked(meeting)
        audit_target = meeting
    else:
        require(
            committee is not None and permissions.can_manage_committee(actor, committee),
            "You may not add papers to this committee.",
        )
        audit_target = committee
    name, content_type, size, sha256 = papers.check(upload)
    paper = Paper(
        agenda_item=agenda_item,
        meeting=meeting if agenda_item is None else None,
        committee=committee if agenda_item is None and meeting is None else None,
        title=(title or name)[:200],
        name=name,
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_by=actor,
    )
    paper.full_clean(exclude=["file"])
    paper.file.save(name, upload, save=False)
    paper.save()
    audit_record(actor=actor, action="paper.add", target=audit_target, changes={"paper": paper.pk, "size": size})
    return paper


@transaction.atomic
def paper_remove(*, actor: User, paper: Paper) -> None:
    """Remove a paper (whoever may add one there); the file goes once the removal is committed."""
    if paper.agenda_item_id:
        item = paper.agenda_item
        assert item is not None
        allowed = (
            permissions.can_manage_meeting(actor, item.meeting)
            if item.meeting is not None
            else permissions.can_manage_committee(actor, item.committee)
        )
        target: Any = item.meeting or item.committee
    elif paper.meeting_id:
        assert paper.meeting is not None
        allowed = permissions.can_write_minutes(actor, paper.meeting)
        if allowed:
            _require_unlocked(paper.meeting)
        target = paper.meeting
    else:
        assert paper.committee is not None
        allowed = permissions.can_manage_committee(actor, paper.committee)
        target = paper.committee
    require(allowed, "You may not remove this paper.")
    name, storage = str(paper.file.name), paper.file.storage
    paper.delete()
    audit_record(actor=actor, action="paper.remove", target=target, changes={"paper": name})
    transaction.on_commit(lambda: storage.delete(name))
