"""Who may see or change committees, meetings, minutes and decisions: the coordination app's rules,
registered once per model and action in the permission registry (``core.permissions``,
docs/adr/0009-permission-registry.md). The functions named ``can_*`` and ``*_visible`` below are thin
wrappers over the registry, kept for the callers that use them.

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

from datetime import date
from typing import Any

from django.db.models import DateTimeField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from coordination.models import (
    AgendaItem,
    Attendance,
    CalendarFeedToken,
    Committee,
    CommitteeGrant,
    CommitteeMembership,
    Decision,
    Invitation,
    Meeting,
    MeetingGrant,
    MeetingSeries,
)
from core import grants, roles
from core.models import GranteeKind, User
from core.permissions import (
    AnyUser,
    Rule,
    allows,
    condition,
    in_array_of,
    in_force_q,
    is_active_user,
    register,
    rule_q,
    rules,
    subtree_q,
    visible,
)
from stakeholders.models import Jurisdiction
from stakeholders.permissions import jurisdictions_manageable, scopes_for, subtree_ids_q

NOTHING = Q(pk__in=[])


# --- Memberships: the committee roles of a user ---------------------------------------------


def memberships_on_q(on: date, prefix: str = "") -> Q:
    """Memberships in force on ``on`` (open ends allowed; ``prefix`` to use it across a relation):
    the platform's one definition of "in force" (``core.permissions.in_force_q``)."""
    return in_force_q(prefix, on)


def current_memberships_q(prefix: str = "") -> Q:
    """Memberships in force today (``prefix`` to use it across a relation)."""
    return memberships_on_q(timezone.localdate(), prefix)


def memberships_of(user: AnyUser) -> QuerySet[CommitteeMembership]:
    if not is_active_user(user):
        return CommitteeMembership.objects.none()
    return CommitteeMembership.objects.filter(current_memberships_q(), person__user_id=user.pk or 0)


@roles.provider("coordination")
def current_seats(user: User) -> tuple[CommitteeMembership, ...]:
    """The user's current seats, each with its committee, by committee name: read once per request
    and shared by the committee principals, the dashboard's panels and its list of roles."""
    return tuple(memberships_of(user).select_related("committee").order_by("committee__name"))


def seats_of(user: AnyUser | None) -> tuple[CommitteeMembership, ...]:
    """:func:`current_seats` through the role resolver (nothing for anonymous or inactive users)."""
    seats: tuple[CommitteeMembership, ...] = roles.of(user, "coordination", ())
    return seats


@roles.principal_provider(GranteeKind.COMMITTEE)
def committee_principals(user: User) -> frozenset[int]:
    """The committees the user currently sits on: a grant to a committee means its current members."""
    return frozenset(m.committee_id for m in seats_of(user))


@roles.principal_subquery(GranteeKind.COMMITTEE)
def committee_principals_subquery(user: User) -> QuerySet[Any]:
    """The same committees inside a grant rule's query, for pages that have not read the seats."""
    return memberships_of(user).values("committee_id")


@roles.bulk_principal_provider(GranteeKind.COMMITTEE)
def committee_principals_of_many(users: list[User]) -> dict[int, frozenset[int]]:
    """The same for many users in one query (a batch of notifications checks its recipients)."""
    found: dict[int, set[int]] = {u.pk: set() for u in users}
    for user_id, committee_id in CommitteeMembership.objects.filter(
        current_memberships_q(), person__user_id__in=list(found)
    ).values_list("person__user_id", "committee_id"):
        found[user_id].add(committee_id)
    return {pk: frozenset(ids) for pk, ids in found.items()}


def _seat_committee_ids(user: AnyUser) -> list[int]:
    """The committees the user currently sits on, as the role resolver read them once for the
    request (:func:`committee_principals`, or its bulk form for a batch of recipients): a literal
    list whose few rows the planner counts right, where a subquery over the memberships was
    guessed at thousands of committees (ADR 0014)."""
    return sorted(roles.principals(user, GranteeKind.COMMITTEE))


def _managing_committee_ids(user: AnyUser) -> QuerySet[Any]:
    return memberships_of(user).filter(role__in=CommitteeMembership.MANAGING_ROLES).values("committee_id")


def fellow_member_person_ids(user: AnyUser) -> QuerySet[Any]:
    """People who currently sit on a committee on which ``user`` currently sits (they may reach each
    other: the registry's contact-details rule takes this in). A seat counts only when it shares
    contact details (``CommitteeMembership.shares_contact``: whoever seated the person could already
    see them), on both sides: seating someone is not a way to read, or hand out, contact details."""
    sharing = memberships_of(user).filter(shares_contact=True).values("committee_id")
    return CommitteeMembership.objects.filter(
        current_memberships_q(), shares_contact=True, committee_id__in=sharing
    ).values("person_id")


@roles.contribute("stakeholders.person_contact")
def person_contact_fellow_members(user: User) -> Q:
    """Fellow committee members may reach each other: the registry's contact rule asks for this
    through the role resolver (it does not import coordination)."""
    return Q(pk__in=fellow_member_person_ids(user))


# --- Committees --------------------------------------------------------------------------------


def _in_subtrees(paths: tuple[str, ...], user: AnyUser | None = None) -> Q:
    """Committees whose jurisdiction lies in one of the subtrees ``paths``: ``jurisdiction_id IN
    (jurisdictions by path prefix)``. Unlike a join on the jurisdiction's path, the subquery lets an
    OR with ``pk IN (memberships)`` be checked on the committee row alone, so a list ordered by
    name reads the committees in index order and stops at the page. For the user's small subtrees
    the ids are a literal list (read with the roles), so the planner expects the few committees a
    district holds, not a fraction of all of them (ADR 0014)."""
    if not paths:
        return NOTHING
    if user is not None:
        return subtree_ids_q("jurisdiction", user, paths)
    return Q(jurisdiction__in=Jurisdiction.objects.filter(subtree_q("path", paths)).values("pk"))


@register(Committee, "view")
def committee_view_rule(user: User) -> Q | None:
    """Platform admin; coordinators and liaisons of the subtree; current members; grantees
    (``CommitteeGrant``)."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    seats = _seat_committee_ids(user)
    if not scopes.reads_small_subtrees:  # a wide scope sees most
        return (
            _in_subtrees(scopes.read_paths, user)
            | Q(pk__in=seats)
            | grants.granted_q(user, CommitteeGrant, CommitteeGrant.VIEW)
        )
    # A narrow scope: one IN over a union whose parts PostgreSQL counts right (the subtree's
    # committees by literal jurisdiction ids, the seats as literal ids, the grants), where an OR
    # with the grants' subquery made it expect half of all committees and read every one, in name
    # order, for a district's 25 (ADR 0014).
    granted = grants.grants_held(user, CommitteeGrant, CommitteeGrant.VIEW).order_by().values("target_id")
    parts = [Committee.objects.filter(pk__in=seats).order_by().values("pk"), granted]
    if scopes.read_paths:
        parts.append(Committee.objects.filter(_in_subtrees(scopes.read_paths, user)).order_by().values("pk"))
    return Q(pk__in=parts[0].union(*parts[1:]))


@register(Committee, "grantee")
def committee_grantee_rule(user: User) -> Q | None:
    """A committee can be named as a grantee (meaning its current members) by whoever sees it."""
    return rule_q(user, Committee, "view")


@register(Committee, "manage")
def committee_manage_rule(user: User) -> Q | None:
    """Meetings, agenda, attendance, minutes and members: coordinators, chairs and secretaries."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    return _in_subtrees(scopes.coordinator_paths, user) | Q(pk__in=_managing_committee_ids(user))


@register(Committee, "change")
def committee_change_rule(user: User) -> Q | None:
    """The body itself (name, remit, mandate, quorum, parent, status): coordinators and admins."""
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return None
    return _in_subtrees(scopes.coordinator_paths, user)


def committees_visible_q(user: AnyUser) -> Q | None:
    """``None`` means every committee."""
    return condition(user, Committee, "view")


def committees_visible(user: AnyUser) -> QuerySet[Committee]:
    return visible(user, Committee, "view")


def committees_manageable_q(user: AnyUser) -> Q | None:
    return condition(user, Committee, "manage")


def committees_manageable(user: AnyUser) -> QuerySet[Committee]:
    return visible(user, Committee, "manage")


def can_manage_committee(user: AnyUser, committee: Committee) -> bool:
    return allows(user, committee, "manage")


def committees_changeable(user: AnyUser) -> QuerySet[Committee]:
    return visible(user, Committee, "change")


def can_change_committee(user: AnyUser, committee: Committee) -> bool:
    return allows(user, committee, "change")


def jurisdictions_for_new_committees(user: AnyUser) -> QuerySet[Jurisdiction]:
    return jurisdictions_manageable(user)


def can_create_committee(user: AnyUser, jurisdiction: Jurisdiction | None = None) -> bool:
    scopes = scopes_for(user)
    if jurisdiction is None:
        return scopes.is_platform_admin or bool(scopes.coordinator_paths)
    return jurisdictions_for_new_committees(user).filter(pk=jurisdiction.pk).exists()


def can_propose_agenda_item(user: AnyUser, committee: Committee) -> bool:
    """Members propose to the backlog; those who manage the committee may too."""
    return memberships_of(user).filter(committee=committee).exists() or can_manage_committee(user, committee)


# --- Memberships -------------------------------------------------------------------------------


@register(CommitteeMembership, "view")
def membership_view_rule(user: User) -> Q | None:
    """Who sits on a committee is seen by whoever sees the committee."""
    q = rule_q(user, Committee, "view")
    return None if q is None else Q(committee__in=Committee.objects.filter(q).values("pk"))


@register(CommitteeMembership, "manage")
def membership_manage_rule(user: User) -> Q | None:
    q = rule_q(user, Committee, "manage")
    return None if q is None else Q(committee__in=Committee.objects.filter(q).values("pk"))


# --- Meetings ----------------------------------------------------------------------------------


def _invited_meeting_ids(user: AnyUser) -> QuerySet[Any]:
    return Invitation.objects.filter(person__user_id=user.pk or 0).values("meeting_id")


@register(Meeting, "view")
def meeting_view_rule(user: User) -> QuerySet[Meeting] | None:
    """Meetings of visible committees, meetings the user is invited to (a summoned official), and
    meetings granted to them (``MeetingGrant``, view or read_minutes)."""
    q = rule_q(user, Committee, "view")
    if q is None:
        return None
    invited = _invited_meeting_ids(user).order_by()
    granted = grants.grants_held(user, MeetingGrant, MeetingGrant.PERMISSIONS).order_by().values("target_id")
    scopes = scopes_for(user)
    if not scopes.read_paths:
        # Members and invitees see a few meetings: one IN over a union of index reads (the seats'
        # committees as literal ids read once for the request, committees granted, invitations,
        # meetings granted) lets the planner fetch them by index, where an OR of subqueries made it
        # expect 75,000 meetings and read all 100,000 for a member's first page. (For a
        # coordinator's subtree the union is right too, but PostgreSQL then hash-joins it with
        # every meeting: a small subtree's sets are arrays below, a wide one keeps the OR.)
        def meetings_of(committees: Any) -> QuerySet[Any]:
            return Meeting.objects.filter(committee__in=committees).order_by().values("pk")

        seats = meetings_of(_seat_committee_ids(user))
        granted_committees = meetings_of(
            grants.grants_held(user, CommitteeGrant, CommitteeGrant.VIEW).values("target_id")
        )
        return Meeting.objects.filter(pk__in=seats.union(granted_committees, invited, granted))
    if scopes.reads_small_subtrees:
        # A coordinator or liaison of a small subtree (a district's 25 committees of 5,000): the
        # three id sets as arrays read once, so PostgreSQL reads their meetings by index and sorts
        # them (a bitmap OR), instead of walking every meeting in date order to find theirs (8,300
        # rows for a page at 5,000 committees, and more as committees elsewhere are added).
        committees = Committee.objects.filter(q).values("pk")
        return Meeting.objects.filter(
            in_array_of("committee_id", committees) | in_array_of("pk", invited) | in_array_of("pk", granted)
        )
    return Meeting.objects.filter(Q(committee__in=Committee.objects.filter(q)) | Q(pk__in=invited) | Q(pk__in=granted))


@register(Meeting, "manage")
def meeting_manage_rule(user: User) -> Q | None:
    q = rule_q(user, Committee, "manage")
    return None if q is None else Q(committee__in=Committee.objects.filter(q))


def meetings_visible(user: AnyUser) -> QuerySet[Meeting]:
    return visible(user, Meeting, "view")


def meetings_manageable_q(user: AnyUser) -> Q | None:
    return condition(user, Meeting, "manage")


def meetings_manageable(user: AnyUser) -> QuerySet[Meeting]:
    return visible(user, Meeting, "manage")


def can_manage_meeting(user: AnyUser, meeting: Meeting) -> bool:
    return allows(user, meeting, "manage")


@register(MeetingSeries, "view")
def meeting_series_view_rule(user: User) -> Q | None:
    """A series is seen by whoever sees one of its meetings."""
    meetings = visible(user, Meeting, "view")
    return Q(pk__in=meetings.exclude(series=None).values("series_id"))


# --- Minutes (the confidentiality rule, once) ------------------------------------------------


def attended_meeting_ids(user: AnyUser) -> QuerySet[Any]:
    """Meetings the user attended, as a grant of their minutes (ADR 0003, "attendance is a grant"):
    present or represented, or the stand-in who represented someone, where

    * the login is the one the attendee (or the stand-in) had when the attendance was recorded
      (re-linking a person record to another login later carries nothing over);
    * someone other than the user recorded it (nobody grants themself a safe space's minutes);
    * the attendee (or the stand-in) was invited before the meeting started (a guest added once the
      meeting was under way or over does not gain its minutes).
    """
    if user.pk is None:
        return Attendance.objects.none().values("meeting_id")
    # Attendance is recorded for invitees only (the service's rule); an invitation made once the
    # meeting had started does not open its minutes.
    invited_late = Invitation.objects.filter(meeting_id=OuterRef("meeting_id"), after_start=True)
    attendee = Q(attendee_user_id=user.pk, status__in=Attendance.ATTENDED) & ~Exists(
        invited_late.filter(person_id=OuterRef("person_id"))
    )
    stand_in = Q(stand_in_user_id=user.pk, status=Attendance.Status.REPRESENTED) & ~Exists(
        invited_late.filter(person_id=OuterRef("represented_by_id"))
    )
    return Attendance.objects.filter(attendee | stand_in).exclude(recorded_by_id=user.pk).values("meeting_id")


def _member_during_q(user: AnyUser, prefix: str = "") -> Q:
    """Meetings held while the user sat on the committee (the meeting's date within a membership of
    theirs, current or past): a new member does not read what was said before they joined, and an
    ex-member does not read what was said after they left."""
    held_on = TruncDate(ExpressionWrapper(OuterRef(f"{prefix}starts_at"), output_field=DateTimeField()))
    seat = CommitteeMembership.objects.filter(
        Q(start_date__isnull=True) | Q(start_date__lte=held_on),
        Q(end_date__isnull=True) | Q(end_date__gte=held_on),
        committee_id=OuterRef(f"{prefix}committee_id"),
        person__user_id=user.pk or 0,
    )
    return Q(Exists(seat))


def minutes_readable_q(user: AnyUser, prefix: str = "") -> Q:
    """On a meeting the user can see: whether its minutes are readable.

    * not confidential: platform admins; coordinators and liaisons of the committee's jurisdiction;
      members whose membership covers the meeting's date; those invited to it; grantees of
      ``read_minutes`` (``MeetingGrant``);
    * confidential or not: those who attended it (:func:`attended_meeting_ids`). No role overrides
      the confidentiality rule, platform admins included: a safe space stays safe.
    """
    if not is_active_user(user):
        return NOTHING
    attended = Q(**{f"{prefix}pk__in": attended_meeting_ids(user)})
    not_confidential = Q(**{f"{prefix}is_confidential": False})
    scopes = scopes_for(user)
    if scopes.is_platform_admin:
        return not_confidential | attended
    entitled = _member_during_q(user, prefix) | Q(**{f"{prefix}pk__in": _invited_meeting_ids(user)})
    if scopes.read_paths:
        in_scope = Committee.objects.filter(_in_subtrees(scopes.read_paths, user)).values("pk")
        entitled |= Q(**{f"{prefix}committee__in": in_scope})
    granted = grants.grants_held(user, MeetingGrant, MeetingGrant.READ_MINUTES).values("target_id")
    entitled |= Q(**{f"{prefix}pk__in": granted})
    return (not_confidential & entitled) | attended


#: ``minutes_readable_q`` as a shared, compiled condition for the rows of a meeting list (which are
#: visible already): not a registered rule, since alone it does not narrow to visible meetings.
_MINUTES_READABLE = Rule(Meeting, "minutes_readable_on_visible", lambda user: minutes_readable_q(user))


def minutes_readable_condition(user: AnyUser) -> Q | None:
    """On a meeting the user can see: whether its minutes are readable (:func:`minutes_readable_q`,
    compiled once per user and roles)."""
    return rules.condition_of(user, _MINUTES_READABLE)


@register(Meeting, "read_minutes")
def meeting_read_minutes_rule(user: User) -> Q:
    return Q(pk__in=visible(user, Meeting, "view").values("pk")) & minutes_readable_q(user)


@register(Meeting, "write_minutes")
def meeting_write_minutes_rule(user: User) -> Q:
    """Writing needs managing the meeting and reading its minutes (so a confidential meeting's
    minutes are written by a chair or secretary who attended)."""
    manage = rule_q(user, Meeting, "manage")
    read = Q(pk__in=visible(user, Meeting, "read_minutes").values("pk"))
    return read if manage is None else manage & read


def meetings_with_readable_minutes(user: AnyUser) -> QuerySet[Meeting]:
    return visible(user, Meeting, "read_minutes")


def can_read_minutes(user: AnyUser, meeting: Meeting) -> bool:
    return allows(user, meeting, "read_minutes")


def can_write_minutes(user: AnyUser, meeting: Meeting) -> bool:
    return allows(user, meeting, "write_minutes")


# --- Agenda items, invitations, attendance, decisions --------------------------------------


@register(AgendaItem, "view")
def agenda_item_view_rule(user: User) -> Q:
    """Items of visible meetings, and the backlog of visible committees (titles, not minutes)."""
    return Q(meeting__in=visible(user, Meeting, "view")) | Q(
        meeting__isnull=True, committee__in=visible(user, Committee, "view")
    )


def agenda_items_visible(user: AnyUser) -> QuerySet[AgendaItem]:
    return visible(user, AgendaItem, "view")


@register(Invitation, "view")
def invitation_view_rule(user: User) -> Q:
    """Who is invited to a meeting is seen by whoever sees the meeting."""
    return Q(meeting__in=visible(user, Meeting, "view"))


@register(Attendance, "view")
def attendance_view_rule(user: User) -> Q:
    return Q(meeting__in=visible(user, Meeting, "view"))


@register(CalendarFeedToken, "view")
def calendar_feed_token_view_rule(user: User) -> Q:
    """A feed's secret is its owner's alone (platform admins included)."""
    return Q(user=user)


@register(Decision, "view")
def decision_view_rule(user: User) -> Q:
    """Outcomes are part of the minutes; their owner sees them too (to act on them)."""
    return Q(meeting__in=visible(user, Meeting, "read_minutes")) | Q(owner__user=user)


@register(Decision, "update_progress")
def decision_update_progress_rule(user: User) -> Q:
    """Status, owner and due date: those who write the meeting's minutes, and the decision's owner."""
    return Q(owner__user=user) | Q(meeting__in=visible(user, Meeting, "write_minutes"))


def decisions_visible(user: AnyUser) -> QuerySet[Decision]:
    return visible(user, Decision, "view")


def can_update_decision_progress(user: AnyUser, decision: Decision) -> bool:
    return allows(user, decision, "update_progress")


# --- Grantees ----------------------------------------------------------------------------------

grants.register_grantee_model(GranteeKind.COMMITTEE, Committee)
