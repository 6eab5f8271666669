"""Coordination's reminders, registered with the one mechanism in ``core.notifications``.

Each scan answers what is due now in a fixed number of queries (subjects, then recipients of all
of them at once); the wording is built at send time, after the recipient's right to the subject is
checked again, and is neutral (a title and a link) for confidential meetings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination import permissions
from coordination.models import Committee, CommitteeMembership, Decision, Invitation, Meeting
from core.models import Delivery, User
from core.notifications import Content, Due, escalate_after, notify, register_kind, reminder, sweeper
from core.notifications.delivery import site_url
from core.timezones import zone
from stakeholders.models import JurisdictionRole

MANDATE_REVIEW_NOTICE = timedelta(days=30)
MAX_LEAD = timedelta(days=14)


def minutes_due_after() -> timedelta:
    return timedelta(days=getattr(settings, "NOTIFY_MINUTES_DUE_AFTER_DAYS", 3))


def approval_due_after() -> timedelta:
    return timedelta(days=getattr(settings, "NOTIFY_MINUTES_APPROVAL_AFTER_DAYS", 14))


def meeting_zone(meeting: Meeting) -> Any:
    return zone(meeting.committee.jurisdiction.effective_time_zone())


def local_when(meeting: Meeting) -> str:
    """ "Tuesday 1 December 2026, 10:00–11:30 (Europe/Skopje)": the meeting's own zone, named."""
    tz = meeting_zone(meeting)
    start, end = meeting.starts_at.astimezone(tz), meeting.ends_at.astimezone(tz)
    from core.bidi import isolate, when_text

    return f"{when_text(start, end)} ({isolate(tz.key, ltr=True)})"


# --- who to tell (batched) ----------------------------------------------------------------------


def members_in_roles(committee_ids: Iterable[int], roles: Iterable[str]) -> dict[int, list[User]]:
    """Each committee's current members in ``roles`` who have a login, in one query (the recipient
    lookup every app's reminders share)."""
    out: dict[int, list[User]] = defaultdict(list)
    memberships = CommitteeMembership.objects.filter(
        permissions.current_memberships_q(),
        committee_id__in=list(committee_ids),
        role__in=list(roles),
        person__user__isnull=False,
    ).select_related("person__user")
    for m in memberships:
        assert m.person.user is not None
        out[m.committee_id].append(m.person.user)
    return out


def chairs_of(committee_ids: Iterable[int]) -> dict[int, list[User]]:
    """Each committee's current chair and co-chairs who have a login."""
    return members_in_roles(committee_ids, CommitteeMembership.CHAIR_ROLES)


def coordinators_of(jurisdiction_paths: Iterable[str]) -> dict[str, list[User]]:
    """The coordinators of each path's jurisdiction or of one above it, in one query (the recipient
    lookup every app's escalations share)."""
    ancestors = {path: {int(p) for p in path.strip("/").split("/") if p.isdigit()} for path in set(jurisdiction_paths)}
    by_jurisdiction: dict[int, list[User]] = defaultdict(list)
    for role in JurisdictionRole.objects.filter(
        role=JurisdictionRole.Role.COORDINATOR, jurisdiction_id__in={i for ids in ancestors.values() for i in ids}
    ).select_related("user"):
        by_jurisdiction[role.jurisdiction_id].append(role.user)
    return {path: [u for jid in ids for u in by_jurisdiction.get(jid, [])] for path, ids in ancestors.items()}


def _coordinators(committees: Iterable[Committee]) -> dict[int, list[User]]:
    """Coordinators of each committee's jurisdiction or of one above it."""
    committees = list(committees)
    by_path = coordinators_of(c.jurisdiction.path for c in committees)
    return {c.pk: by_path[c.jurisdiction.path] for c in committees}


def _link(path: str) -> str:
    return f"{site_url()}{path}"


# --- meeting reminders ----------------------------------------------------------------------------


def _meeting_reminder_content(meeting: Meeting, user: User, _row: Delivery) -> Content:
    title = _("Reminder: %(title)s, %(when)s") % {"title": meeting.title, "when": local_when(meeting)}
    body = render_to_string(
        "coordination/email/reminder.txt",
        {"meeting": meeting, "user": user, "when": local_when(meeting), "link": _link(meeting.get_absolute_url())},
    )
    return Content(title=title, body=body, url=meeting.get_absolute_url())


def _may_view_meeting(user: User, meeting: Meeting) -> bool:
    return permissions.meetings_visible(user).filter(pk=meeting.pk).exists()


@reminder(
    kind="coordination.meeting_reminder",
    label=gettext_lazy("Meeting reminders"),
    model=Meeting,
    build=_meeting_reminder_content,
    neutral=lambda meeting: meeting.is_confidential,
    may_view=_may_view_meeting,
    select_related=("committee__jurisdiction",),
)
def meetings_soon(now: datetime) -> Iterator[Due]:
    """Invitees (not declined) of planned meetings that start within their committee's lead time,
    once per start time: a moved meeting is reminded again; a missed run still finds every meeting
    whose reminder time has passed and which has not started."""
    meetings = [
        m
        for m in Meeting.objects.filter(
            status=Meeting.Status.PLANNED, starts_at__gt=now, starts_at__lte=now + MAX_LEAD
        ).select_related("committee")
        if m.starts_at <= now + timedelta(hours=m.committee.reminder_lead_hours)
    ]
    invitees: dict[int, list[User]] = defaultdict(list)
    for inv in (
        Invitation.objects.filter(meeting__in=[m.pk for m in meetings], person__user__isnull=False)
        .exclude(response=Invitation.Response.DECLINED)
        .select_related("person__user")
    ):
        assert inv.person.user is not None
        invitees[inv.meeting_id].append(inv.person.user)
    for meeting in meetings:
        yield Due(subject=meeting, recipients=invitees.get(meeting.pk, []), due_key=meeting.starts_at.isoformat())


# --- terms of reference ---------------------------------------------------------------------------


def _may_view_committee(user: User, committee: Committee) -> bool:
    return permissions.committees_visible(user).filter(pk=committee.pk).exists()


def _mandate_content(committee: Committee, user: User, row: Delivery) -> Content:
    escalated = row.kind.endswith("escalation")
    title = (
        _("Overdue: the terms of reference of %(committee)s were due for review on %(date)s")
        if escalated
        else _("Terms of reference of %(committee)s are due for review on %(date)s")
    ) % {"committee": committee.name, "date": row.due_key}
    body = render_to_string(
        "coordination/email/mandate_review.txt",
        {
            "committee": committee,
            "user": user,
            "date": row.due_key,
            "escalated": escalated,
            "link": _link(committee.get_absolute_url()),
        },
    )
    return Content(title=title, body=body, url=committee.get_absolute_url())


def _open_committees() -> Any:
    return Committee.objects.filter(
        mandate_review_date__isnull=False, status__in=[Committee.Status.FORMING, Committee.Status.ACTIVE]
    )


@reminder(
    kind="coordination.mandate_review",
    label=gettext_lazy("Terms of reference due for review"),
    model=Committee,
    build=_mandate_content,
    may_view=_may_view_committee,
)
def mandate_reviews_due(now: datetime) -> Iterator[Due]:
    """The chair, co-chairs and secretary, 30 days before the review date (or once overdue)."""
    today = timezone.localdate(now)
    committees = list(_open_committees().filter(mandate_review_date__lte=today + MANDATE_REVIEW_NOTICE))
    managers = members_in_roles([c.pk for c in committees], CommitteeMembership.MANAGING_ROLES)
    for c in committees:
        assert c.mandate_review_date is not None
        yield Due(subject=c, recipients=managers.get(c.pk, []), due_key=c.mandate_review_date.isoformat())


@reminder(
    kind="coordination.mandate_review_escalation",
    label=gettext_lazy("Reviews overdue (escalated to coordinators)"),
    model=Committee,
    build=_mandate_content,
    may_view=_may_view_committee,
    select_related=("jurisdiction",),
)
def mandate_reviews_escalated(now: datetime) -> Iterator[Due]:
    """A review overdue by ``NOTIFY_ESCALATE_AFTER_DAYS`` goes to the jurisdiction's coordinators."""
    today = timezone.localdate(now)
    committees = list(
        _open_committees().filter(mandate_review_date__lt=today - escalate_after()).select_related("jurisdiction")
    )
    coordinators = _coordinators(committees)
    for c in committees:
        assert c.mandate_review_date is not None
        yield Due(subject=c, recipients=coordinators.get(c.pk, []), due_key=c.mandate_review_date.isoformat())


# --- minutes ---------------------------------------------------------------------------------------


def _minutes_content(meeting: Meeting, user: User, row: Delivery) -> Content:
    when = local_when(meeting)
    if row.kind == "coordination.minutes_due":
        title = _("The minutes of %(title)s (%(when)s) are not written yet") % {"title": meeting.title, "when": when}
    else:
        title = _("The minutes of %(title)s (%(when)s) await approval") % {"title": meeting.title, "when": when}
    url = meeting.get_absolute_url()
    return Content(title=title, body=f"{title}.\n\n{_link(url)}\n", url=url)


@reminder(
    kind="coordination.minutes_due",
    label=gettext_lazy("Minutes not written yet"),
    model=Meeting,
    build=_minutes_content,
    neutral=lambda meeting: meeting.is_confidential,
    may_view=_may_view_meeting,
    select_related=("committee__jurisdiction",),
)
def minutes_not_written(now: datetime) -> Iterator[Due]:
    """Secretary and chairs, ``NOTIFY_MINUTES_DUE_AFTER_DAYS`` after a meeting with no minutes."""
    meetings = list(
        Meeting.objects.filter(
            status__in=[Meeting.Status.PLANNED, Meeting.Status.HELD],
            ends_at__lt=now - minutes_due_after(),
            ends_at__gt=now - timedelta(days=90),
        )
    )
    managers = members_in_roles({m.committee_id for m in meetings}, CommitteeMembership.MANAGING_ROLES)
    for m in meetings:
        yield Due(subject=m, recipients=managers.get(m.committee_id, []), due_key=m.ends_at.date().isoformat())


@reminder(
    kind="coordination.minutes_approval",
    label=gettext_lazy("Minutes awaiting approval"),
    model=Meeting,
    build=_minutes_content,
    neutral=lambda meeting: meeting.is_confidential,
    may_view=_may_view_meeting,
    select_related=("committee__jurisdiction",),
)
def minutes_awaiting_approval(now: datetime) -> Iterator[Due]:
    """Chairs, ``NOTIFY_MINUTES_APPROVAL_AFTER_DAYS`` after a meeting whose minutes are drafted only."""
    meetings = list(
        Meeting.objects.filter(
            status=Meeting.Status.MINUTES_DRAFTED,
            ends_at__lt=now - approval_due_after(),
            ends_at__gt=now - timedelta(days=180),
        )
    )
    chairs = members_in_roles({m.committee_id for m in meetings}, CommitteeMembership.CHAIR_ROLES)
    for m in meetings:
        yield Due(subject=m, recipients=chairs.get(m.committee_id, []), due_key=m.ends_at.date().isoformat())


# --- decisions ----------------------------------------------------------------------------------------


def _may_view_decision(user: User, decision: Decision) -> bool:
    return permissions.decisions_visible(user).filter(pk=decision.pk).exists()


def _decision_content(decision: Decision, user: User, row: Delivery) -> Content:
    escalated = row.kind.endswith("escalation")
    text = decision.text[:120]
    title = (
        _("Overdue since %(date)s (owner not done yet): %(text)s")
        if escalated
        else _("Overdue since %(date)s: %(text)s")
    ) % {"date": row.due_key, "text": text}
    url = decision.get_absolute_url()
    return Content(title=title, body=f"{title}\n\n{_link(url)}\n", url=url)


def _undone_overdue(before: Any) -> list[Decision]:
    return list(
        Decision.objects.filter(
            kind__in=Decision.TRACKED_KINDS, status__in=Decision.UNDONE, due_date__lt=before
        ).select_related("owner__user", "meeting")
    )


@reminder(
    kind="coordination.decision_overdue",
    label=gettext_lazy("Decisions and follow-up actions overdue"),
    model=Decision,
    build=_decision_content,
    neutral=lambda decision: decision.meeting.is_confidential,
    may_view=_may_view_decision,
    select_related=("meeting",),
)
def decisions_overdue(now: datetime) -> Iterator[Due]:
    """The owner, once per due date (a new due date is a new reminder)."""
    for d in _undone_overdue(timezone.localdate(now)):
        assert d.due_date is not None
        owner = d.owner.user if d.owner is not None else None
        yield Due(subject=d, recipients=[owner] if owner else [], due_key=d.due_date.isoformat())


@reminder(
    kind="coordination.decision_escalation",
    label=gettext_lazy("Decisions overdue (escalated to chairs)"),
    model=Decision,
    build=_decision_content,
    neutral=lambda decision: decision.meeting.is_confidential,
    may_view=_may_view_decision,
    select_related=("meeting",),
)
def decisions_escalated(now: datetime) -> Iterator[Due]:
    """Overdue by ``NOTIFY_ESCALATE_AFTER_DAYS``: the committee's chair and co-chairs hear of it."""
    decisions = _undone_overdue(timezone.localdate(now) - escalate_after())
    chairs = members_in_roles({d.committee_id for d in decisions}, CommitteeMembership.CHAIR_ROLES)
    for d in decisions:
        assert d.due_date is not None
        yield Due(subject=d, recipients=chairs.get(d.committee_id, []), due_key=d.due_date.isoformat())


# --- decisions assigned (an event) ------------------------------------------------------------------

DECISION_ASSIGNED = "coordination.decision_assigned"


def _assigned_content(decision: Decision, user: User, row: Delivery) -> Content:
    title = _("A decision was assigned to you: %(text)s") % {"text": decision.text[:120]}
    body = render_to_string(
        "coordination/email/decision_assigned.txt",
        {
            "decision": decision,
            "user": user,
            "due": decision.due_date,
            "link": _link(decision.get_absolute_url()),
        },
    )
    return Content(title=title, body=body, url=decision.get_absolute_url())


register_kind(
    kind=DECISION_ASSIGNED,
    label=gettext_lazy("Decisions assigned to me"),
    model=Decision,
    build=_assigned_content,
    # A confidential meeting's decision is announced without its text (a title and a link).
    neutral=lambda decision: decision.meeting.is_confidential,
    may_view=_may_view_decision,
    select_related=("meeting", "committee"),
)


def decision_assigned(*, decision: Decision, actor: User) -> None:
    """Tell a decision's new owner (not the one who assigned it to themself), once per owner, through
    their preferences; worded and checked at send time like every reminder."""
    owner = decision.owner
    if owner is None or not owner.user_id or owner.user_id == actor.pk:
        return
    assert owner.user is not None
    notify(kind=DECISION_ASSIGNED, subject=decision, recipients=[owner.user], due_key=f"owner:{owner.pk}")


# --- invitations: the sweep ----------------------------------------------------------------------------


@sweeper
def invitations_sweep(now: datetime) -> int:
    """Invitations still unsent a few minutes after they were made (the publish after the commit
    failed, or its worker died): sent now. One call per series (its first unsent meeting)."""
    from coordination.services import invitations_send

    rows = (
        Invitation.objects.filter(
            sent_at__isnull=True,
            created_at__lt=now - timedelta(minutes=5),
            meeting__status__in=[Meeting.Status.PLANNED, Meeting.Status.CANCELLED],
            meeting__starts_at__gt=now,
        )
        .values_list("meeting_id", "meeting__series_id", "meeting__starts_at")
        .order_by("meeting__starts_at")
        .distinct()[:500]
    )
    seen_series: set[int] = set()
    sent = 0
    for meeting_id, series_id, _start in rows:
        if series_id is not None:
            if series_id in seen_series:
                continue
            seen_series.add(series_id)
        sent += invitations_send(meeting_id=meeting_id)
    return sent
