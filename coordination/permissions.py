"""Who may see or change committees, meetings, minutes and decisions. Each rule is written once,
as a queryset or ``Q``; object checks ask the same queryset (``core.permissions.allowed``).

Roles (DESIGN.md, docs/adr/0003-committee-permissions.md):
* platform admin: sees and manages every committee;
* coordinator of a jurisdiction: creates committees in its subtree, changes and manages them;
* liaison of a jurisdiction: reads the committees of its subtree, never confidential minutes;
* chair, co-chair, secretary (current membership): manage the committee's meetings, agenda,
  minutes and members;
* member (current membership): reads the committee, its meetings and minutes, proposes agenda items;
* invitee (a summoned official, a guest): sees the meeting invited to, not the committee;
* everyone else: 404.
Confidential (safe-space) minutes: only those who attended (present, represented, or the one who
represented them), whatever their role - platform admins included.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone

from coordination.models import (
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMembership,
    Decision,
    Invitation,
    Meeting,
)
from core import roles
from core.models import User
from core.permissions import AnyUser, allowed, subtree_q
from stakeholders.models import Jurisdiction, Person
from stakeholders.permissions import jurisdictions_manageable, scopes_for

NOTHING = Q(pk__in=[])


# --- Memberships: the committee roles of a user ---------------------------------------------


def current_memberships_q(prefix: str = "") -> Q:
    """Memberships in force today (``prefix`` to use it across a relation)."""
    today = timezone.localdate()
    return (Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": today})) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})
    )


def memberships_of(user: AnyUser) -> QuerySet[CommitteeMembership]:
    if not user.is_authenticated or not user.is_active:
        return CommitteeMembership.objects.none()
    return CommitteeMembership.objects.filter(current_memberships_q(), person__user=user)


def _member_committee_ids(user: AnyUser) -> QuerySet[Any]:
    return memberships_of(user).values("committee_id")


def _managing_committee_ids(user: AnyUser) -> QuerySet[Any]:
    return memberships_of(user).filter(role__in=CommitteeMembership.MANAGING_ROLES).values("committee_id")


def fellow_member_person_ids(user: AnyUser) -> QuerySet[Any]:
    """People who currently sit on a committee on which ``user`` currently sits (they may reach each
    other: stakeholders.permissions.person_contact_fellow_members_q uses this)."""
    return CommitteeMembership.objects.filter(
        current_memberships_q(), committee_id__in=_member_committee_ids(user)
    ).values("person_id")


@roles.contribute("stakeholders.person_contact")
def person_contact_fellow_members(user: User) -> Q:
    """Fellow committee members may reach each other: the registry's contact rule asks for this
    through the role resolver (it does not import coordination)."""
    return Q(pk__in=fellow_member_person_ids(user))


# --- Committees --------------------------------------------------------------------------------


def _in_subtrees(paths: tuple[str, ...]) -> Q:
    """Committees whose jurisdiction lies in one of the subtrees ``paths``: ``jurisdiction_id IN
    (jurisdictions by path prefix)``. Unlike a join on the jurisdiction's path, the subquery lets an
    OR with ``pk IN (memberships)`` be checked on the committee row alone, so a list ordered by
    name reads the committees in index order and stops at the page."""
    if not paths:
        return NOTHING
    return Q(jurisdiction__in=Jurisdiction.objects.filter(subtree_q("path", paths)).values("pk"))


def committees_visible_q(user: AnyUser) -> Q | None:
    """``None`` means every committee."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    return _in_subtrees(scopes.read_paths) | Q(pk__in=_member_committee_ids(user))


def committees_visible(user: AnyUser) -> QuerySet[Committee]:
    q = committees_visible_q(user)
    return Committee.objects.all() if q is None else Committee.objects.filter(q)


def committees_manageable_q(user: AnyUser) -> Q | None:
    """Meetings, agenda, attendance, minutes and members: coordinators, chairs and secretaries."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    return _in_subtrees(scopes.coordinator_paths) | Q(pk__in=_managing_committee_ids(user))


def committees_manageable(user: AnyUser) -> QuerySet[Committee]:
    q = committees_manageable_q(user)
    return Committee.objects.all() if q is None else Committee.objects.filter(q)


def can_manage_committee(user: AnyUser, committee: Committee) -> bool:
    return allowed(committees_manageable(user), committee)


def committees_changeable(user: AnyUser) -> QuerySet[Committee]:
    """The body itself (name, remit, mandate, quorum, parent, status): coordinators and admins."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return Committee.objects.all()
    return Committee.objects.filter(_in_subtrees(scopes.coordinator_paths))


def can_change_committee(user: AnyUser, committee: Committee) -> bool:
    return allowed(committees_changeable(user), committee)


def jurisdictions_for_new_committees(user: AnyUser) -> QuerySet[Jurisdiction]:
    return jurisdictions_manageable(user)


def can_create_committee(user: AnyUser, jurisdiction: Jurisdiction | None = None) -> bool:
    scopes = scopes_for(user)
    if jurisdiction is None:
        return scopes.is_platform_admin or bool(scopes.coordinator_paths)
    return allowed(jurisdictions_for_new_committees(user), jurisdiction)


def can_propose_agenda_item(user: AnyUser, committee: Committee) -> bool:
    """Members propose to the backlog; those who manage the committee may too."""
    return memberships_of(user).filter(committee=committee).exists() or can_manage_committee(user, committee)


# --- Meetings ----------------------------------------------------------------------------------


def _invited_meeting_ids(user: AnyUser) -> QuerySet[Any]:
    return Invitation.objects.filter(person__user_id=user.pk or 0).values("meeting_id")


def meetings_visible(user: AnyUser) -> QuerySet[Meeting]:
    """Meetings of visible committees, and meetings the user is invited to (a summoned official)."""
    if not user.is_authenticated or not user.is_active:
        return Meeting.objects.none()
    q = committees_visible_q(user)
    if q is None:
        return Meeting.objects.all()
    invited = _invited_meeting_ids(user).order_by()
    if not scopes_for(user).read_paths:
        # Members and invitees see a few meetings: one IN over the union of both sets lets the
        # planner fetch them by index instead of walking every meeting in date order.
        ids = Meeting.objects.filter(committee__in=_member_committee_ids(user)).order_by().values("pk")
        return Meeting.objects.filter(pk__in=ids.union(invited))
    return Meeting.objects.filter(Q(committee__in=Committee.objects.filter(q)) | Q(pk__in=invited))


def meetings_manageable_q(user: AnyUser) -> Q | None:
    q = committees_manageable_q(user)
    return None if q is None else Q(committee__in=Committee.objects.filter(q))


def meetings_manageable(user: AnyUser) -> QuerySet[Meeting]:
    q = meetings_manageable_q(user)
    return Meeting.objects.all() if q is None else Meeting.objects.filter(q)


def can_manage_meeting(user: AnyUser, meeting: Meeting) -> bool:
    return allowed(meetings_manageable(user), meeting)


# --- Minutes (the confidentiality rule, once) ------------------------------------------------


def attended_meeting_ids(user: AnyUser) -> QuerySet[Any]:
    """Meetings the user attended: present, represented, or representing someone."""
    # The user's person (at most one: Person.user is one-to-one) as a scalar subquery, so each
    # branch of the OR is an index condition rather than a join over every attendance row.
    if user.pk is None:
        return Attendance.objects.none().values("meeting_id")
    person = Subquery(Person.objects.filter(user_id=user.pk).order_by().values("pk")[:1])
    return Attendance.objects.filter(
        Q(person_id=person, status__in=Attendance.ATTENDED) | Q(represented_by_id=person)
    ).values("meeting_id")


def minutes_readable_q(user: AnyUser, prefix: str = "") -> Q:
    """On a meeting the user can see: its minutes are readable unless it is confidential and the
    user did not attend. Platform admins are not exempt: a safe space stays safe."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    return Q(**{f"{prefix}is_confidential": False}) | Q(**{f"{prefix}pk__in": attended_meeting_ids(user)})


def meetings_with_readable_minutes(user: AnyUser) -> QuerySet[Meeting]:
    return meetings_visible(user).filter(minutes_readable_q(user))


def can_read_minutes(user: AnyUser, meeting: Meeting) -> bool:
    return allowed(meetings_with_readable_minutes(user), meeting)


def can_write_minutes(user: AnyUser, meeting: Meeting) -> bool:
    """Writing needs managing the meeting and reading its minutes (so a confidential meeting's
    minutes are written by a chair or secretary who attended)."""
    return can_manage_meeting(user, meeting) and can_read_minutes(user, meeting)


# --- Agenda items and decisions ------------------------------------------------------------


def agenda_items_visible(user: AnyUser) -> QuerySet[AgendaItem]:
    """Items of visible meetings, and the backlog of visible committees (titles, not minutes)."""
    return AgendaItem.objects.filter(
        Q(meeting__in=meetings_visible(user)) | Q(meeting__isnull=True, committee__in=committees_visible(user))
    )


def decisions_visible(user: AnyUser) -> QuerySet[Decision]:
    """Outcomes are part of the minutes; their owner sees them too (to act on them)."""
    if not user.is_authenticated or not user.is_active:
        return Decision.objects.none()
    return Decision.objects.filter(Q(meeting__in=meetings_with_readable_minutes(user)) | Q(owner__user=user))


def can_update_decision_progress(user: AnyUser, decision: Decision) -> bool:
    """Status, owner and due date: those who manage the committee, and the decision's owner."""
    if decision.owner_id and decision.owner is not None and decision.owner.user_id == getattr(user, "pk", None):
        return True
    return can_write_minutes(user, decision.meeting)
