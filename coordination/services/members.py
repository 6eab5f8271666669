"""Writes to committees and meetings. Each function checks the actor, validates, writes and audits"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination import permissions
from coordination.models import (
    Committee,
    CommitteeMembership,
    Invitation,
    Meeting,
)
from coordination.services._common import _queue_invitations, _require_known_people
from core.models import User
from core.permissions import is_in_force, require, require_visible
from core.services import audit_record
from stakeholders.models import Organisation, Person
from stakeholders.permissions import can_see_person_contact


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
    require(permissions.can_manage_committee(actor, committee), _("You may not manage this committee's members."))
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
        permissions.can_manage_committee(actor, membership.committee), _("You may not manage this committee's members.")
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
