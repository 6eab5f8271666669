"""Writes to committees and meetings. Each function checks the actor, validates, writes and audits"""

from __future__ import annotations

from datetime import date
from typing import Any, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination import permissions
from coordination.models import (
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMembership,
    Decision,
    Meeting,
    MinutesCorrection,
)
from coordination.services._common import (
    DECISION_CONTENT_FIELDS,
    DECISION_PROGRESS_FIELDS,
    DecisionFields,
    _require_known_people,
    _require_unlocked,
    _send_update,
    sanitise_minutes,
)
from coordination.services.agenda import _next_order
from core.models import User
from core.permissions import require, require_visible
from core.services import assign_fields, audit_record, reject_unknown_fields
from stakeholders.models import Organisation, Person


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
    require(permissions.can_manage_meeting(actor, meeting), _("You may not record attendance at this meeting."))
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
        _("You may not write the minutes of this meeting."),
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
        _("You may not record outcomes of this meeting."),
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
    from coordination.notifications import decision_assigned

    decision_assigned(decision=decision, actor=actor)
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

    require(permissions.can_manage_meeting(actor, meeting), _("You may not record this meeting."))
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
    reject_unknown_fields(Decision, data, DECISION_CONTENT_FIELDS + DECISION_PROGRESS_FIELDS)
    content = {k: v for k, v in data.items() if k in DECISION_CONTENT_FIELDS and getattr(decision, k) != v}
    if content:
        require(permissions.can_write_minutes(actor, decision.meeting), _("You may not change this outcome."))
        _require_unlocked(decision.meeting)
    progress: dict[str, Any] = {k: v for k, v in data.items() if k in DECISION_PROGRESS_FIELDS}
    if progress:
        require(permissions.can_update_decision_progress(actor, decision), _("You may not update this decision."))
        if progress.get("owner_organisation") not in (None, decision.owner_organisation):
            require_visible(actor, owner_organisation=progress["owner_organisation"])
        if progress.get("owner") not in (None, decision.owner):
            _require_known_people(actor, owner=progress["owner"])
    changes = assign_fields(decision, {**content, **progress}, DECISION_CONTENT_FIELDS + DECISION_PROGRESS_FIELDS)
    decision.full_clean()
    decision.save()
    if changes:
        # The text is part of the minutes: the audit says that it changed, never what it says.
        recorded: dict[str, Any] = {**changes, **({"text": "(changed)"} if "text" in changes else {})}
        audit_record(actor=actor, action="decision.update", target=decision, changes=recorded)
    if "owner" in changes:
        from coordination.notifications import decision_assigned

        decision_assigned(decision=decision, actor=actor)
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
    require(permissions.can_write_minutes(actor, meeting), _("You may not approve these minutes."))
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
    require(can_reopen_minutes(actor, meeting), _("Only the chair may reopen approved minutes."))
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
    require(
        meeting is not None and permissions.can_manage_meeting(actor, meeting), _("You may not change this agenda.")
    )
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
