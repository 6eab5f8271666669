"""Reads of committees and meetings, already narrowed to what the user may see."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from coordination import permissions
from coordination.models import (
    MAX_MEETING_LENGTH,
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMembership,
    Decision,
    Invitation,
    Meeting,
)
from core.models import User
from core.permissions import AnyUser, get_visible_or_404, rule_q, visible
from stakeholders.models import Jurisdiction, Organisation, Person, Sector

SECURITY_DOMINANCE = 0.5  # more than half of the members with a sector come from security sectors


def _flag(q: Q | None) -> Any:
    return Value(True) if q is None else Case(When(q, then=Value(True)), default=Value(False))


# --- Committees --------------------------------------------------------------------------------


def _with_link_flags(qs: QuerySet[Committee], user: AnyUser) -> QuerySet[Committee]:
    """``parent_visible`` / ``secretariat_visible``: whether the user may see the body the committee
    reports to and its secretariat; pages name only those (a link to what the user cannot see is
    not shown, so it names nothing)."""
    committees = permissions.committees_visible_q(user)
    organisations = rule_q(user, Organisation)
    return qs.annotate(
        parent_visible=_probe(Committee, committees, "parent_id"),
        secretariat_visible=_probe(Organisation, organisations, "secretariat_id"),
    )


def _probe(model: Any, q: Q | None, ref: str) -> Any:
    """Whether the row ``ref`` points to is allowed by ``q``: a scalar subquery with ``LIMIT 1``,
    evaluated for the rows of the page only (one index probe each). Neither ``ref IN (every
    allowed row)`` nor ``EXISTS``, which PostgreSQL may run as one hash over all 180,000 visible
    organisations for each page (ADR 0014)."""
    if q is None:
        return Value(True)
    allowed = model.objects.filter(q, pk=OuterRef(ref)).values(flag=Value(True, output_field=BooleanField()))[:1]
    return Coalesce(Subquery(allowed), Value(False))


def committee_list_visible_to(
    user: AnyUser,
    *,
    q: str = "",
    kind: str = "",
    status: str = "",
    jurisdiction: Jurisdiction | None = None,
) -> QuerySet[Committee]:
    """Visible committees with their number of current members, their next meeting and whether the
    user manages them (the same rules as the object checks, evaluated in the one query)."""
    now = timezone.now()
    qs = permissions.committees_visible(user).select_related("jurisdiction", "parent")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(acronym__icontains=q) | Q(remit__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction__path__startswith=jurisdiction.path)
    # Correlated subqueries rather than Count/Min over joins: joining memberships and meetings
    # multiplied the rows (members x meetings) and aggregated every visible committee before the
    # page was cut; a subquery runs for the rows of the page only (bench/committee_visibility.py).
    members = (
        CommitteeMembership.objects.filter(permissions.current_memberships_q(), committee=OuterRef("pk"))
        .order_by()
        .values("committee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    next_meeting = (
        Meeting.objects.filter(committee=OuterRef("pk"), starts_at__gte=now, status=Meeting.Status.PLANNED)
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return (
        _with_link_flags(qs, user)
        .annotate(
            member_count=Coalesce(Subquery(members, output_field=IntegerField()), 0),
            next_meeting_at=Subquery(next_meeting),
            can_manage=_flag(permissions.committees_manageable_q(user)),
        )
        .order_by("name", "id")
    )


def committee_get_for_user(user: AnyUser, pk: Any) -> Committee:
    return get_visible_or_404(
        _with_link_flags(permissions.committees_visible(user), user).select_related(
            "jurisdiction", "parent", "secretariat"
        ),
        pk=pk,
    )


def committee_members(committee: Committee, *, current: bool = True) -> QuerySet[CommitteeMembership]:
    qs = committee.memberships.select_related("person", "organisation__sector", "organisation__jurisdiction").order_by(
        Case(*[When(role=r, then=Value(i)) for i, r in enumerate(CommitteeMembership.Role.values)]),
        "person__full_name",
        "id",
    )
    if current:
        qs = qs.filter(permissions.current_memberships_q())
    return qs


def committee_children_visible_to(user: AnyUser, committee: Committee) -> QuerySet[Committee]:
    return permissions.committees_visible(user).filter(parent=committee).select_related("jurisdiction")


def committee_meetings(committee: Committee, *, upcoming: bool, limit: int = 10) -> list[Meeting]:
    now = timezone.now()
    qs = committee.meetings.all()
    qs = (
        qs.filter(ends_at__gte=now).order_by("starts_at")
        if upcoming
        else qs.filter(ends_at__lt=now).order_by("-starts_at")
    )
    return list(qs[:limit])


def committee_backlog(committee: Committee) -> QuerySet[AgendaItem]:
    return (
        committee.agenda_items.filter(meeting__isnull=True)
        .select_related("proposed_by")
        .prefetch_related("paper_files")
        .order_by("created_at")
    )


def committees_for_forms(user: AnyUser) -> QuerySet[Committee]:
    return permissions.committees_visible(user).select_related("jurisdiction")


@dataclass
class Composition:
    """The balance of a committee's current members (ADR 0003: analytics use consented data only)."""

    total: int = 0
    by_sector: list[dict[str, Any]] = field(default_factory=list)
    security: int = 0
    non_security: int = 0
    no_sector: int = 0
    national: int = 0
    local: int = 0
    consented: int = 0
    women: int = 0
    youth: int = 0
    missing_sectors: list[Sector] = field(default_factory=list)

    @property
    def security_share(self) -> float:
        known = self.security + self.non_security
        return self.security / known if known else 0.0

    @property
    def security_percent(self) -> int:
        return round(self.security_share * 100)

    @property
    def security_dominates(self) -> bool:
        return self.security_share > SECURITY_DOMINANCE

    def chart_data(self) -> dict[str, Any]:
        total = sum(row["count"] for row in self.by_sector) or 1
        return {
            # Each label carries its share, so the chart says what the table says.
            "labels": [f"{row['name']} ({round(row['count'] * 100 / total)}%)" for row in self.by_sector],
            "counts": [row["count"] for row in self.by_sector],
            "security": [row["is_security"] for row in self.by_sector],
        }

    @property
    def rows_with_share(self) -> list[dict[str, Any]]:
        total = sum(row["count"] for row in self.by_sector) or 1
        return [{**row, "share": round(row["count"] * 100 / total)} for row in self.by_sector]


def committee_composition(committee: Committee, members: list[CommitteeMembership] | None = None) -> Composition:
    """Sector mix, security vs non-security, national vs local, women and youth (where consented),
    and the expected sectors nobody represents. One query for the members, one for the sectors."""
    if members is None:
        members = list(committee_members(committee))
    comp = Composition()
    seen: set[int] = set()
    sectors: Counter[int] = Counter()
    sector_rows: dict[int, Sector] = {}
    for m in members:
        if m.person_id in seen:
            continue
        seen.add(m.person_id)
        comp.total += 1
        org = m.organisation
        if org is None:
            comp.no_sector += 1
        else:
            sectors[org.sector_id] += 1
            sector_rows[org.sector_id] = org.sector
            if org.sector.is_security:
                comp.security += 1
            else:
                comp.non_security += 1
            if org.jurisdiction.level == Jurisdiction.Level.NATIONAL:
                comp.national += 1
            else:
                comp.local += 1
        person = m.person
        if person.demographics_consent_at is not None:
            comp.consented += 1
            comp.women += person.gender == Person.Gender.WOMAN
            comp.youth += bool(person.is_youth)
    comp.by_sector = [
        {"name": sector_rows[sid].display_name, "count": n, "is_security": sector_rows[sid].is_security}
        for sid, n in sorted(sectors.items(), key=lambda kv: (-kv[1], sector_rows[kv[0]].name))
    ]
    comp.missing_sectors = [s for s in committee.expected_sectors.all() if s.pk not in sectors]
    return comp


# --- Meetings ----------------------------------------------------------------------------------


def meeting_list_visible_to(
    user: AnyUser,
    *,
    committee: Committee | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    status: str = "",
) -> QuerySet[Meeting]:
    qs = permissions.meetings_visible(user).select_related("committee", "series")
    if committee is not None:
        qs = qs.filter(committee=committee)
    if start is not None:
        # Bounded by the longest a meeting may last, so the scan of the start index is the range's.
        qs = qs.filter(ends_at__gte=start, starts_at__gte=start - MAX_MEETING_LENGTH)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(
        can_manage=_flag(permissions.meetings_manageable_q(user)),
        can_read_minutes=_flag(permissions.minutes_readable_condition(user)),
    ).order_by("starts_at", "id")


def meeting_get_for_user(user: AnyUser, pk: Any) -> Meeting:
    return get_visible_or_404(
        meeting_list_visible_to(user).select_related("committee__jurisdiction", "minutes_approved_by"), pk=pk
    )


@dataclass
class MeetingPage:
    meeting: Meeting
    agenda: list[AgendaItem]
    invitations: list[Invitation]
    attendance: list[Attendance]
    my_invitation: Invitation | None
    can_manage: bool
    can_read_minutes: bool
    can_write_minutes: bool
    attended_count: int = 0
    backlog: list[AgendaItem] = field(default_factory=list)
    corrections: list[Any] = field(default_factory=list)
    proposals: list[AgendaItem] = field(default_factory=list)
    papers: list[Any] = field(default_factory=list)
    can_reopen: bool = False


def decision_related() -> list[str]:
    """What a decision's line reads with it: its owner and lead organisation, and, where an app has
    taken decisions over as actions (``Action.decision``, related name ``action``; ADR 0004), that
    action, so the page shows "tracked as an action" without a query per decision and without this
    app importing the one above it."""
    related = ["owner", "owner_organisation"]
    if any(r.name == "action" and r.one_to_one for r in Decision._meta.related_objects):
        related.append("action")
    return related


def meeting_page_for_user(user: AnyUser, meeting: Meeting) -> MeetingPage:
    """Everything the meeting page shows, in a fixed number of queries whatever the agenda's size.
    Minutes and outcomes are left out when the user may not read them (confidential meetings)."""
    can_read = bool(getattr(meeting, "can_read_minutes", False))
    can_manage = bool(getattr(meeting, "can_manage", False))
    decisions = Decision.objects.select_related(*decision_related()).order_by("created_at", "id")
    items_qs = meeting.agenda_items.select_related("carried_from__meeting", "follow_up_of__meeting")
    if can_read:
        # Papers follow the minutes' rule: a confidential meeting's papers, and even their titles,
        # reach its attendees only.
        items_qs = items_qs.prefetch_related(Prefetch("decisions", queryset=decisions), "paper_files")
    rows = list(items_qs.order_by("order", "id"))
    agenda = [i for i in rows if i.status in AgendaItem.ON_AGENDA]
    proposals = [i for i in rows if i.status == AgendaItem.Status.PROPOSED] if can_manage else []
    if not can_read:
        for item in agenda:
            item.minutes = ""  # and the template shows no outcomes: they were not fetched
    invitations = list(meeting.invitations.select_related("person__user").order_by("person__full_name", "id"))
    attendance = list(meeting.attendance.select_related("person", "represented_by"))
    user_id = getattr(user, "pk", None)
    mine = next((i for i in invitations if i.person.user_id == user_id and user_id is not None), None)
    page = MeetingPage(
        meeting=meeting,
        agenda=agenda,
        invitations=invitations,
        attendance=attendance,
        my_invitation=mine,
        can_manage=can_manage,
        can_read_minutes=can_read,
        can_write_minutes=can_manage and can_read,
        attended_count=sum(1 for a in attendance if a.status in Attendance.ATTENDED),
        proposals=proposals,
    )
    if can_manage and meeting.status == Meeting.Status.PLANNED:
        page.backlog = list(committee_backlog(meeting.committee))
    if can_read and meeting.status not in (Meeting.Status.PLANNED, Meeting.Status.CANCELLED):
        page.papers = list(meeting.papers.all())
    if can_read and meeting.status in (Meeting.Status.MINUTES_DRAFTED, Meeting.Status.MINUTES_APPROVED):
        # The reasons for corrections are part of the minutes: shown to those who read them.
        page.corrections = list(meeting.corrections.select_related("reopened_by"))
        page.can_reopen = (
            meeting.status == Meeting.Status.MINUTES_APPROVED
            and permissions.memberships_of(user)
            .filter(committee_id=meeting.committee_id, role__in=CommitteeMembership.CHAIR_ROLES)
            .exists()
        )
    return page


def agenda_items_for_meeting(user: AnyUser, meeting: Meeting) -> QuerySet[AgendaItem]:
    return permissions.agenda_items_visible(user).filter(meeting=meeting).order_by("order", "id")


def agenda_item_get_for_user(user: AnyUser, pk: Any) -> AgendaItem:
    return get_visible_or_404(permissions.agenda_items_visible(user).select_related("meeting", "committee"), pk=pk)


def decision_list_visible_to(user: AnyUser, *, meeting: Meeting | None = None) -> QuerySet[Decision]:
    qs = permissions.decisions_visible(user).select_related("owner", "owner_organisation", "meeting", "committee")
    if meeting is not None:
        qs = qs.filter(meeting=meeting)
    return qs.order_by("meeting__starts_at", "created_at", "id")


def decision_get_for_user(user: AnyUser, pk: Any) -> Decision:
    return get_visible_or_404(permissions.decisions_visible(user).select_related("meeting__committee", "owner"), pk=pk)


def decisions_open_owned_by(user: AnyUser) -> QuerySet[Decision]:
    """The dashboard's "my open decisions": undone decisions and actions the user owns."""
    if not user.is_authenticated:
        return Decision.objects.none()
    return (
        Decision.objects.filter(owner__user=user, kind__in=Decision.TRACKED_KINDS, status__in=Decision.UNDONE)
        .select_related("meeting", "committee")
        .order_by("due_date", "id")
    )


def my_committees(user: AnyUser) -> list[CommitteeMembership]:
    """The user's current memberships, each committee with its next planned meeting."""
    memberships = [copy.copy(m) for m in permissions.seats_of(user)]  # the request's seats, read once
    now = timezone.now()
    next_meetings: dict[int, Meeting] = {}
    ids = [m.committee_id for m in memberships]
    for meeting in Meeting.objects.filter(
        committee_id__in=ids, status=Meeting.Status.PLANNED, starts_at__gte=now
    ).order_by("starts_at"):
        next_meetings.setdefault(meeting.committee_id, meeting)
    for m in memberships:
        m.next_meeting = next_meetings.get(m.committee_id)  # type: ignore[attr-defined]
    return memberships


def invitation_list_visible_to(user: AnyUser, meeting: Meeting) -> QuerySet[Invitation]:
    return Invitation.objects.filter(meeting__in=permissions.meetings_visible(user), meeting=meeting).select_related(
        "person"
    )


def attendance_list_visible_to(user: AnyUser, meeting: Meeting) -> QuerySet[Attendance]:
    return Attendance.objects.filter(meeting__in=permissions.meetings_visible(user), meeting=meeting).select_related(
        "person", "represented_by"
    )


# --- Calendar ----------------------------------------------------------------------------------


CALENDAR_PER_DAY = 4
CALENDAR_DAY_LIST = 100


@dataclass
class CalendarMonth:
    """The month grid's data: per day (in the reader's zone) its first ``per_day`` meetings and how
    many there are in all, so a broad scope costs one bounded query, not a row per meeting."""

    meetings: dict[date, list[Meeting]]
    counts: dict[date, int]


def _calendar_scope(user: AnyUser, first_day: date, last_day: date, committee: Committee | None) -> QuerySet[Meeting]:
    """Meetings starting between two days (inclusive, in the current time zone): a range of the
    ``starts_at`` index, narrowed to what the user may see."""
    from datetime import time, timedelta

    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(first_day, time.min), zone)
    end = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min), zone)
    qs = permissions.meetings_visible(user).filter(starts_at__gte=start, starts_at__lt=end)
    if committee is not None:
        qs = qs.filter(committee=committee)
    return qs


def calendar_month(
    user: AnyUser,
    first_day: date,
    last_day: date,
    *,
    committee: Committee | None = None,
    per_day: int = CALENDAR_PER_DAY,
) -> CalendarMonth:
    """The grid from ``first_day`` to ``last_day``: one query whatever the number of meetings (the
    first ``per_day`` of each day and the day's total, by windows over the day)."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber, TruncDate

    zone = timezone.get_current_timezone()
    day = TruncDate("starts_at", tzinfo=zone)
    rows = (
        # The grid names no committee: no join to the committees for every meeting of the month.
        _calendar_scope(user, first_day, last_day, committee)
        .only("id", "title", "starts_at", "ends_at", "status", "committee")
        .annotate(
            day=day,
            day_total=Window(Count("pk"), partition_by=[day]),
            place=Window(RowNumber(), partition_by=[day], order_by=[F("starts_at").asc(), F("id").asc()]),
        )
        .filter(place__lte=per_day)
        .order_by("starts_at", "id")
    )
    meetings: dict[date, list[Meeting]] = {}
    counts: dict[date, int] = {}
    for m in rows:
        meetings.setdefault(m.day, []).append(m)
        counts[m.day] = m.day_total
    return CalendarMonth(meetings=meetings, counts=counts)


def calendar_day(user: AnyUser, day: date, *, committee: Committee | None = None) -> tuple[list[Meeting], bool]:
    """One day's meetings (the "+N more" of the grid), at most ``CALENDAR_DAY_LIST``, and whether
    there are more (then the committee filter narrows them)."""
    rows = list(
        _calendar_scope(user, day, day, committee)
        .select_related("committee")
        .order_by("starts_at", "id")[: CALENDAR_DAY_LIST + 1]
    )
    return rows[:CALENDAR_DAY_LIST], len(rows) > CALENDAR_DAY_LIST


def meetings_for_feed(user: AnyUser) -> QuerySet[Meeting]:
    """The personal feed: meetings the user is invited to, nothing else."""
    if not user.is_authenticated or not user.is_active:
        return Meeting.objects.none()
    return (
        Meeting.objects.filter(invitations__person__user=user)
        .select_related("committee__jurisdiction", "series__committee__jurisdiction")
        .order_by("starts_at", "id")
        .distinct()
    )


def people_for_forms(user: AnyUser) -> QuerySet[Person]:
    """People to seat on a committee, summon, or make owner of a decision: those the user may see in
    the registry (stakeholders' rule), with the committee's own fellow members."""
    return (
        (visible(user, Person) | Person.objects.filter(pk__in=permissions.fellow_member_person_ids(user)))
        .only("id", "full_name")
        .order_by("full_name", "id")
        .distinct()
    )


def today() -> date:
    return timezone.localdate()


def committees_review_due(user: AnyUser, *, within_days: int = 30) -> QuerySet[Committee]:
    """Committees the user manages whose terms of reference are due for review soon, or overdue."""
    from datetime import timedelta

    return (
        permissions.committees_manageable(user)
        .filter(
            mandate_review_date__isnull=False,
            mandate_review_date__lte=today() + timedelta(days=within_days),
            status__in=[Committee.Status.FORMING, Committee.Status.ACTIVE],
        )
        .order_by("mandate_review_date", "name")
    )


def calendar_feed_owner(token: str) -> User | None:
    """The active user whose personal feed ``token`` opens (none for a reset or unknown token, or a
    deactivated account)."""
    from coordination.models import CalendarFeedToken

    feed = CalendarFeedToken.objects.select_related("user").filter(token=token, user__is_active=True).first()
    return feed.user if feed is not None else None


def paper_get_for_user(user: AnyUser, pk: Any) -> Any:
    from coordination.models import Paper
    from core.permissions import get_or_404

    return get_or_404(user, Paper.objects.select_related("agenda_item__meeting", "meeting", "committee"), pk=pk)


def committee_papers(user: AnyUser, committee: Committee) -> list[Any]:
    from coordination.models import Paper
    from core.permissions import restrict

    return list(restrict(Paper.objects.filter(committee=committee), user).select_related("uploaded_by"))


# --- The work queue (dashboard) ------------------------------------------------------------------


def meetings_coming_up(user: AnyUser, *, days: int = 14, limit: int = 8) -> list[Meeting]:
    """Today's and the next meetings the user is invited to or manages, with their titles and times."""
    if not user.is_authenticated:
        return []
    from datetime import timedelta

    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    mine = Q(invitations__person__user=user)
    managed = permissions.meetings_manageable_q(user)
    scope = mine if managed is None and not user.is_superuser else (mine | managed if managed is not None else mine)
    return list(
        permissions.meetings_visible(user)
        .filter(scope, status=Meeting.Status.PLANNED, ends_at__gte=start, starts_at__lt=start + timedelta(days=days))
        .select_related("committee")
        .distinct()
        .order_by("starts_at", "id")[:limit]
    )


def minutes_to_do(user: AnyUser, *, limit: int = 10) -> list[Meeting]:
    """Meetings whose minutes the user writes and that wait for them: held (or past and not
    recorded) and not yet approved; ``minutes_drafted`` ones wait for approval."""
    if not user.is_authenticated:
        return []
    now = timezone.now()
    return list(
        permissions.meetings_manageable(user)
        .filter(permissions.minutes_readable_condition(user))
        .filter(
            Q(status__in=[Meeting.Status.HELD, Meeting.Status.MINUTES_DRAFTED])
            | Q(status=Meeting.Status.PLANNED, ends_at__lt=now)
        )
        .select_related("committee")
        .order_by("starts_at", "id")[:limit]
    )


def decisions_overdue(user: AnyUser, *, limit: int = 10) -> list[Decision]:
    """Undone decisions and actions past their due date, that the user owns or follows up."""
    if not user.is_authenticated:
        return []
    managed = permissions.committees_manageable(user).values("pk")
    return list(
        permissions.decisions_visible(user)
        .filter(Q(owner__user=user) | Q(committee__in=managed))
        .filter(kind__in=Decision.TRACKED_KINDS, status__in=Decision.UNDONE, due_date__lt=today())
        .select_related("committee", "owner", "owner_organisation", "meeting")
        .order_by("due_date", "id")[:limit]
    )


def invitations_awaiting_reply(user: AnyUser, *, limit: int = 10) -> list[Invitation]:
    if not user.is_authenticated:
        return []
    return list(
        Invitation.objects.filter(
            person__user=user,
            response=Invitation.Response.PENDING,
            meeting__status=Meeting.Status.PLANNED,
            meeting__published_at__isnull=False,
            meeting__starts_at__gt=timezone.now(),
        )
        .select_related("meeting__committee")
        .order_by("meeting__starts_at", "id")[:limit]
    )
