from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coordination import services
from coordination.models import (
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMembership,
    Decision,
    Invitation,
    Meeting,
    MeetingSeries,
)
from core.models import AuditEvent
from tests.coordination.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory, directory_person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Meeting.objects.count(),
        MeetingSeries.objects.count(),
        Invitation.objects.count(),
        AgendaItem.objects.count(),
        Attendance.objects.count(),
        Decision.objects.count(),
        CommitteeMembership.objects.count(),
        Committee.objects.count(),
    )


def _schedule(cw, *, days: int = 7, committed=None, publish: bool = True, **extra):  # type: ignore[no-untyped-def]
    """Schedule and (by default) publish the first meeting, as a secretariat does."""
    start = (timezone.now() + timedelta(days=days)).replace(microsecond=0)
    if committed is not None:
        with committed():
            return _schedule(cw, days=days, publish=publish, **extra)
    meeting = services.meeting_schedule(
        actor=cw.carol,
        committee=cw.committee,
        title="Monthly meeting",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        **extra,
    )
    if publish:
        services.meeting_publish(actor=cw.carol, meeting=meeting)
        meeting.refresh_from_db()
    return meeting


def _held(cw, meeting, *present):  # type: ignore[no-untyped-def]
    """The meeting took place (it started an hour ago): Sam records the others present; the chair
    records Sam (nobody records their own attendance)."""
    started = timezone.now() - timedelta(hours=1)
    if meeting.starts_at > started:
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=started, ends_at=started + timedelta(hours=2))
    people = present or (cw.sam_person, cw.carol_person)
    others = [{"person": p, "status": Attendance.Status.PRESENT} for p in people if p != cw.sam_person]
    services.attendance_record(actor=cw.sam, meeting=meeting, entries=others)
    if cw.sam_person in people:
        services.attendance_record(
            actor=cw.carol, meeting=meeting, entries=[{"person": cw.sam_person, "status": Attendance.Status.PRESENT}]
        )
    meeting.refresh_from_db()
    return meeting


# --- Committees --------------------------------------------------------------------------------


def test_coordinator_creates_a_committee_in_her_subtree_and_it_is_audited(cw):
    committee = services.committee_create(
        actor=cw.alice,
        name="Harbour CAT",
        kind="cat",
        jurisdiction=cw.city,
        parent=cw.committee,
        expected_sectors=[cw.civil, cw.police],
    )
    assert committee.parent == cw.committee
    assert set(committee.expected_sectors.all()) == {cw.civil, cw.police}
    assert AuditEvent.objects.filter(action="committee.create", target_id=str(committee.pk)).exists()


@pytest.mark.parametrize(
    ("actor", "error"),
    [
        ("bob", PermissionDenied),
        ("carol", PermissionDenied),
        ("charlie", PermissionDenied),
        ("alice_elsewhere", ValidationError),
    ],
)
def test_who_may_not_create_committees(cw, actor, error):
    before = _counts()
    jurisdiction = cw.other_district if actor == "alice_elsewhere" else cw.city
    user = cw.alice if actor == "alice_elsewhere" else getattr(cw, actor)
    with pytest.raises(error):
        services.committee_create(actor=user, name="X", kind="lpn", jurisdiction=jurisdiction)
    assert _counts() == before


def test_committee_cannot_report_to_a_body_below_it(cw):
    child = services.committee_create(
        actor=cw.alice, name="Ward team", kind="community_team", jurisdiction=cw.city, parent=cw.committee
    )
    with pytest.raises(ValidationError) as exc:
        services.committee_update(actor=cw.alice, committee=cw.committee, parent=child)
    assert "parent" in exc.value.message_dict


@pytest.mark.parametrize(("rule", "value"), [("count", None), ("percent", 120), ("percent", 0)])
def test_quorum_rule_needs_a_sensible_value(cw, rule, value):
    with pytest.raises(ValidationError):
        services.committee_create(
            actor=cw.alice, name="Q", kind="lpn", jurisdiction=cw.city, quorum_rule=rule, quorum_value=value
        )
    assert not Committee.objects.filter(name="Q").exists()


def test_chair_may_not_change_the_body_itself(cw):
    with pytest.raises(PermissionDenied):
        services.committee_update(actor=cw.carol, committee=cw.committee, remit="Ours now")


# --- Members -----------------------------------------------------------------------------------


def test_chair_adds_a_member_who_is_invited_to_planned_meetings(cw, committed):
    meeting = _schedule(cw, committed=committed)
    mail.outbox.clear()
    newcomer = directory_person(cw.org, full_name="Nadia New", email="nadia@example.org")
    with committed():
        services.membership_add(
            actor=cw.carol,
            committee=cw.committee,
            person=newcomer,
            organisation=cw.org,
            role="permanent",
            designation="civil_society",
        )
    assert Invitation.objects.filter(meeting=meeting, person=newcomer).exists()
    assert [m.to for m in mail.outbox] == [["nadia@example.org"]]


def test_a_new_member_gets_one_email_per_meeting_and_one_per_series(cw, committed):
    _schedule(cw, committed=committed)
    _schedule(cw, days=9, committed=committed)
    _schedule(cw, days=11, committed=committed, recurrence="FREQ=WEEKLY;COUNT=4")
    mail.outbox.clear()
    newcomer = directory_person(cw.org, email="nadia@example.org")
    with committed():
        services.membership_add(actor=cw.carol, committee=cw.committee, person=newcomer)
    assert Invitation.objects.filter(person=newcomer).count() == 6
    assert len(mail.outbox) == 3
    assert not Invitation.objects.filter(person=newcomer, sent_at__isnull=True).exists()


def test_member_may_not_add_members_and_duplicates_are_refused(cw):
    newcomer = directory_person(cw.org)
    with pytest.raises(PermissionDenied):
        services.membership_add(actor=cw.mike, committee=cw.committee, person=newcomer)
    before = _counts()
    with pytest.raises(ValidationError, match="already a member"):
        services.membership_add(actor=cw.carol, committee=cw.committee, person=cw.mike_person)
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        services.membership_add(
            actor=cw.carol,
            committee=cw.committee,
            person=newcomer,
            start_date=timezone.localdate(),
            end_date=timezone.localdate() - timedelta(days=1),
        )
    assert _counts() == before


def test_ending_a_membership_removes_access(cw):
    membership = CommitteeMembership.objects.get(person=cw.mike_person)
    services.membership_end(actor=cw.sam, membership=membership, end_date=timezone.localdate() - timedelta(days=1))
    from coordination.permissions import committees_visible

    assert cw.committee not in committees_visible(cw.mike)


# --- Meetings and invitations ----------------------------------------------------------------


def test_scheduling_invites_current_members_by_email_with_an_ics(cw, committed):
    meeting = _schedule(
        cw, committed=committed, location="Town hall, room 2", online_url="https://meet.example.org/hccc"
    )
    assert set(meeting.invitations.values_list("person__full_name", flat=True)) == {
        "Carol Chair",
        "Sam Secretary",
        "Mike Member",
        "Olly Observer",
    }
    assert len(mail.outbox) == 4
    message = mail.outbox[0]
    assert "Monthly meeting" in message.subject
    part = next(p for p in message.message().walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "REQUEST"
    ics = part.get_payload(decode=True).decode()
    assert "BEGIN:VEVENT" in ics and f"UID:{meeting.uid}@" in ics and "Town hall" in ics
    assert not Invitation.objects.filter(sent_at__isnull=True).exists()


def test_sending_invitations_again_sends_nothing_twice(cw, committed):
    meeting = _schedule(cw, committed=committed)
    assert len(mail.outbox) == 4
    from coordination.tasks import send_meeting_invitations_task

    assert send_meeting_invitations_task.delay(meeting.pk).get() == 0
    assert len(mail.outbox) == 4


def test_recurring_meeting_creates_one_row_per_occurrence_and_one_invitation_email_per_person(cw, committed):
    first = _schedule(cw, committed=committed, recurrence="FREQ=WEEKLY;COUNT=4")
    series = first.series
    assert series is not None and series.rrule == "FREQ=WEEKLY;COUNT=4"
    meetings = list(series.meetings.order_by("starts_at"))
    assert len(meetings) == 4
    assert [m.starts_at - first.starts_at for m in meetings] == [timedelta(weeks=w) for w in range(4)]
    assert all(m.ends_at - m.starts_at == timedelta(hours=2) for m in meetings)
    assert Invitation.objects.filter(meeting__series=series).count() == 16
    assert len(mail.outbox) == 4  # one per person: the invitation carries the RRULE
    ics = next(p for p in mail.outbox[0].message().walk() if p.get_content_type() == "text/calendar")
    assert "RRULE:FREQ=WEEKLY;COUNT=4" in ics.get_payload(decode=True).decode()
    assert not Invitation.objects.filter(meeting__series=series, sent_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=WEEKLY", "never ends"),
        ("FREQ=WEEKLY;INTERVAL=2", "never ends"),
        ("FREQ=FORTNIGHTLY;COUNT=3", "malformed"),
        ("FREQ=WEEKLY;COUNT=three", "malformed"),
        ("every monday", "not a recurrence rule"),
        ("FREQ=WEEKLY;COUNT=2\nRRULE:FREQ=DAILY", "not a recurrence rule"),
        ("COUNT=3", "needs a FREQ"),
        ("FREQ=DAILY;COUNT=400", "more than 200"),
        ("FREQ=WEEKLY;UNTIL=20000101", "no date"),
    ],
)
def test_bad_recurrence_is_refused_with_a_clear_message_and_nothing_saved(cw, rule, message):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _schedule(cw, recurrence=rule)
    assert message in " ".join(exc.value.message_dict["recurrence"])
    assert _counts() == before
    assert mail.outbox == []


def test_a_meeting_ending_before_it_starts_is_refused_and_nothing_saved(cw):
    before = _counts()
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        services.meeting_schedule(
            actor=cw.carol,
            committee=cw.committee,
            title="Backwards",
            starts_at=start,
            ends_at=start - timedelta(minutes=30),
            recurrence="FREQ=WEEKLY;COUNT=3",
        )
    assert "must end after it starts" in str(exc.value)
    assert _counts() == before


def test_only_managers_schedule(cw):
    start = timezone.now() + timedelta(days=3)
    for user in (cw.mike, cw.bob, cw.charlie):
        with pytest.raises(PermissionDenied):
            services.meeting_schedule(
                actor=user, committee=cw.committee, title="x", starts_at=start, ends_at=start + timedelta(hours=1)
            )
    assert services.meeting_schedule(
        actor=cw.alice,
        committee=cw.committee,
        title="by the coordinator",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )


def test_moving_a_meeting_sends_the_updated_invitation(cw, committed):
    meeting = _schedule(cw, committed=committed)
    mail.outbox.clear()
    with committed():
        services.meeting_update(
            actor=cw.sam,
            meeting=meeting,
            starts_at=meeting.starts_at + timedelta(hours=1),
            ends_at=meeting.ends_at + timedelta(hours=1),
        )
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert len(mail.outbox) == 4
    assert (
        "SEQUENCE:1"
        in next(p for p in mail.outbox[0].message().walk() if p.get_content_type() == "text/calendar")
        .get_payload(decode=True)
        .decode()
    )


def test_summoning_an_official_does_not_make_them_a_member(cw):
    meeting = _schedule(cw)
    official = directory_person(cw.org, full_name="Deputy Commissioner", email="dc@example.org")
    invitation = services.invitation_add(actor=cw.sam, meeting=meeting, person=official)
    assert invitation.kind == Invitation.Kind.SUMMONED
    assert not CommitteeMembership.objects.filter(person=official).exists()
    assert not Invitation.objects.filter(person=official).exclude(meeting=meeting).exists()
    services.attendance_record(actor=cw.sam, meeting=meeting, entries=[{"person": official, "status": "present"}])


def test_invitees_reply_in_the_portal(cw):
    meeting = _schedule(cw)
    invitation = services.invitation_respond(actor=cw.mike, meeting=meeting, response="declined")
    assert invitation.response == "declined" and invitation.responded_at is not None
    with pytest.raises(PermissionDenied):
        services.invitation_respond(actor=cw.alice, meeting=meeting, response="accepted")  # not invited
    with pytest.raises(ValidationError):
        services.invitation_respond(actor=cw.mike, meeting=meeting, response="maybe")


# --- Agenda ------------------------------------------------------------------------------------


def test_agenda_with_a_duplicate_order_is_refused(cw):
    meeting = _schedule(cw)
    services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Opening", order=1)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Clash", order=1)
    assert "already has this place" in " ".join(exc.value.messages)
    assert _counts() == before
    assert services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Next").order == 2


def test_reorder_the_agenda_and_refuse_duplicates(cw):
    meeting = _schedule(cw)
    a, b, c = (services.agenda_item_add(actor=cw.sam, meeting=meeting, title=t) for t in "ABC")
    services.agenda_reorder(actor=cw.sam, meeting=meeting, item_ids=[c.pk, a.pk, b.pk])
    assert list(meeting.agenda_items.order_by("order").values_list("title", flat=True)) == ["C", "A", "B"]
    for bad in ([c.pk, c.pk, a.pk], [a.pk, b.pk]):
        with pytest.raises(ValidationError):
            services.agenda_reorder(actor=cw.sam, meeting=meeting, item_ids=bad)
    assert list(meeting.agenda_items.order_by("order").values_list("order", "title")) == [(1, "C"), (2, "A"), (3, "B")]
    with pytest.raises(PermissionDenied):
        services.agenda_reorder(actor=cw.mike, meeting=meeting, item_ids=[a.pk, b.pk, c.pk])


def test_members_propose_to_the_backlog_and_the_secretary_schedules(cw):
    meeting = _schedule(cw)
    item = services.agenda_item_propose(actor=cw.mike, committee=cw.committee, title="Youth centre closure")
    assert item.meeting is None and item.status == AgendaItem.Status.PROPOSED
    with pytest.raises(PermissionDenied):
        services.agenda_item_propose(actor=cw.charlie, committee=cw.committee, title="Spam")
    with pytest.raises(PermissionDenied):
        services.agenda_item_schedule(actor=cw.mike, item=item, meeting=meeting)
    services.agenda_item_schedule(actor=cw.sam, item=item, meeting=meeting)
    item.refresh_from_db()
    assert item.meeting == meeting and item.status == AgendaItem.Status.SCHEDULED and item.order == 1


# --- Attendance and quorum ------------------------------------------------------------------


def test_attendance_for_a_non_invitee_is_refused_and_nothing_is_half_saved(cw):
    meeting = _schedule(cw)
    stranger = PersonFactory(full_name="Stranger")
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(
            actor=cw.sam,
            meeting=meeting,
            entries=[
                {"person": cw.carol_person, "status": "present"},
                {"person": stranger, "status": "present"},
            ],
        )
    # One message, naming nobody (issue #7, finding 7).
    assert exc.value.messages == ["This person is not invited to this meeting: invite them first."]
    assert _counts() == before
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED and meeting.quorum_met is None


def test_represented_needs_a_stand_in(cw):
    meeting = _schedule(cw)
    with pytest.raises(ValidationError, match="Say who represented them"):
        services.attendance_record(
            actor=cw.sam, meeting=meeting, entries=[{"person": cw.mike_person, "status": "represented"}]
        )
    assert not Attendance.objects.exists()


def test_quorum_counts_members_who_attended_but_not_observers(cw):
    meeting = _schedule(cw)
    _held(cw, meeting, cw.sam_person, cw.olly_person)  # the observer does not count
    assert meeting.quorum_met is False and meeting.status == Meeting.Status.HELD
    services.attendance_record(
        actor=cw.sam,
        meeting=meeting,
        entries=[{"person": cw.mike_person, "status": "represented", "represented_by": cw.olly_person}],
    )
    meeting.refresh_from_db()
    assert meeting.quorum_met is True


def test_percentage_quorum(cw):
    cw.committee.quorum_rule, cw.committee.quorum_value = "percent", 75
    cw.committee.save()
    meeting = _held(cw, _schedule(cw), cw.sam_person, cw.carol_person)  # 2 of 3 eligible < 75%
    assert meeting.quorum_met is False
    meeting = _held(cw, _schedule(cw, days=9), cw.sam_person, cw.carol_person, cw.mike_person)
    assert meeting.quorum_met is True


# --- Minutes, decisions, approval, carry-over -------------------------------------------------


def test_minutes_are_sanitised(cw):
    meeting = _held(cw, _schedule(cw))
    item = services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Reports")
    services.minutes_record(
        actor=cw.sam,
        item=item,
        minutes=(
            '<p>Agreed <strong>plan</strong>.</p><script>alert("x")</script>'
            '<a href="javascript:alert(1)">click</a> <a href="https://example.org/r">report</a>'
            '<img src=x onerror="alert(2)"><p onclick="steal()">ok</p>'
        ),
    )
    item.refresh_from_db()
    assert "<script" not in item.minutes and "alert" not in item.minutes
    assert "javascript:" not in item.minutes and "onclick" not in item.minutes and "<img" not in item.minutes
    assert "<strong>plan</strong>" in item.minutes
    assert 'href="https://example.org/r"' in item.minutes
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.MINUTES_DRAFTED


def test_minutes_need_a_held_meeting_and_the_right_people(cw):
    meeting = _schedule(cw)
    item = services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Reports")
    with pytest.raises(ValidationError, match="Record attendance first"):
        services.minutes_record(actor=cw.sam, item=item, minutes="<p>x</p>")
    _held(cw, meeting)
    with pytest.raises(PermissionDenied):
        services.minutes_record(actor=cw.mike, item=item, minutes="<p>x</p>")


def test_confidential_minutes_are_written_by_a_manager_who_attended(cw):
    meeting = _schedule(cw, is_confidential=True)
    item = services.agenda_item_add(actor=cw.sam, meeting=meeting, title="A case")
    _held(cw, meeting, cw.sam_person)
    services.minutes_record(actor=cw.sam, item=item, minutes="<p>Discussed</p>")
    with pytest.raises(PermissionDenied):
        services.minutes_record(actor=cw.alice, item=item, minutes="<p>Coordinator was not there</p>")


def test_approval_locks_minutes_and_outcomes_but_not_follow_up(cw):
    meeting = _held(cw, _schedule(cw))
    item = services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Reports")
    decision = services.decision_record(
        actor=cw.sam,
        item=item,
        text="Open a youth desk",
        owner=cw.mike_person,
        due_date=timezone.localdate() + timedelta(days=30),
    )
    services.minutes_approve(actor=cw.carol, meeting=meeting, confirmed=True)
    meeting.refresh_from_db()
    assert meeting.is_locked and meeting.minutes_approved_by == cw.carol
    with pytest.raises(ValidationError, match="locked"):
        services.minutes_record(actor=cw.sam, item=item, minutes="<p>rewrite history</p>")
    with pytest.raises(ValidationError, match="locked"):
        services.decision_record(actor=cw.sam, item=item, text="late addition")
    with pytest.raises(ValidationError, match="locked"):
        services.decision_update(actor=cw.sam, decision=decision, text="something else")
    with pytest.raises(ValidationError, match="locked"):
        services.agenda_item_add(actor=cw.sam, meeting=meeting, title="late")
    with pytest.raises(ValidationError, match="locked"):
        services.attendance_record(actor=cw.sam, meeting=meeting, entries=[])
    # the owner reports progress on the follow-up; an unrelated member may not
    services.decision_update(actor=cw.mike, decision=decision, status="in_progress")
    with pytest.raises(PermissionDenied):
        services.decision_update(actor=cw.olly, decision=decision, status="done")
    decision.refresh_from_db()
    assert decision.status == "in_progress" and decision.text == "Open a youth desk"
    with pytest.raises(ValidationError, match="Only the minutes of a meeting that was held"):
        services.minutes_approve(actor=cw.carol, meeting=meeting, confirmed=True)


def test_decision_owner_is_notified(cw, committed):
    meeting = _held(cw, _schedule(cw))
    item = services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Reports")
    with committed():
        services.decision_record(actor=cw.sam, item=item, text="Map youth services", owner=cw.mike_person)
    assert cw.mike.notifications.filter(title__contains="Map youth services").exists()


def test_open_items_and_undone_decisions_carry_over_to_the_next_meeting(cw):
    first = _schedule(cw, recurrence="FREQ=MONTHLY;COUNT=3")
    second, third = first.series.meetings.order_by("starts_at")[1:]
    open_item = services.agenda_item_add(actor=cw.sam, meeting=first, title="Safe-space policy")
    closed = services.agenda_item_add(actor=cw.sam, meeting=first, title="Welcome")
    untouched = services.agenda_item_add(actor=cw.sam, meeting=first, title="Not reached")
    _held(cw, first)
    services.minutes_record(actor=cw.sam, item=open_item, minutes="<p>Not finished</p>", status="open")
    services.minutes_record(actor=cw.sam, item=closed, minutes="<p>Done</p>", status="closed")
    undone = services.decision_record(actor=cw.sam, item=closed, text="Map youth services", owner=cw.mike_person)
    services.decision_record(actor=cw.sam, item=closed, text="Budget approved", status="done")
    services.decision_record(actor=cw.sam, item=closed, text="Noted the report", kind="information")
    services.minutes_approve(actor=cw.carol, meeting=first, confirmed=True)

    carried = list(second.agenda_items.order_by("order"))
    assert [i.title for i in carried] == ["Safe-space policy", "Not reached", "Follow-up: Map youth services"]
    assert carried[0].carried_from == open_item and carried[1].carried_from == untouched
    assert carried[2].follow_up_of == undone
    assert not third.agenda_items.exists()

    # at the next meeting the decision is still not done: it carries again, once
    _held(cw, second)
    services.minutes_approve(actor=cw.carol, meeting=second, confirmed=True)
    assert [i.title for i in third.agenda_items.filter(follow_up_of=undone)] == ["Follow-up: Map youth services"]


def test_without_a_next_meeting_carried_items_wait_in_the_backlog(cw):
    meeting = _held(cw, _schedule(cw))
    item = services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Open question")
    services.minutes_approve(actor=cw.sam, meeting=meeting, confirmed=True)
    backlog = AgendaItem.objects.get(committee=cw.committee, meeting=None)
    assert backlog.carried_from == item and backlog.status == AgendaItem.Status.PROPOSED


def test_follow_up_of_a_confidential_decision_does_not_repeat_its_text(cw):
    first = _schedule(cw, is_confidential=True)
    _schedule(cw, days=30)
    item = services.agenda_item_add(actor=cw.sam, meeting=first, title="A case")
    _held(cw, first)
    services.minutes_record(actor=cw.sam, item=item, minutes="", status="closed")
    services.decision_record(actor=cw.sam, item=item, text="Refer family X to services")
    services.minutes_approve(actor=cw.sam, meeting=first, confirmed=True)
    follow_up = AgendaItem.objects.exclude(meeting=first).get(follow_up_of__isnull=False)
    assert "family X" not in follow_up.title and "confidential meeting" in follow_up.title


# --- Reminders ---------------------------------------------------------------------------------


def _meeting_in(cw, delta: timedelta) -> Meeting:  # type: ignore[no-untyped-def]
    meeting = MeetingFactory(
        committee=cw.committee, starts_at=timezone.now() + delta, ends_at=timezone.now() + delta + timedelta(hours=1)
    )
    for person in (cw.carol_person, cw.mike_person):
        Invitation.objects.create(meeting=meeting, person=person, sent_at=timezone.now())
    return meeting


def _reminders(now=None) -> int:  # type: ignore[no-untyped-def]
    from core.models import Delivery
    from core.notifications.jobs import run

    run(now=now)
    return Delivery.objects.filter(kind="coordination.meeting_reminder", state=Delivery.State.SENT).count()


def test_reminders_are_sent_once_whatever_the_retries(cw):
    from core.tasks import send_notifications_task

    _meeting_in(cw, timedelta(hours=20))
    send_notifications_task.delay()
    send_notifications_task.delay()
    reminders = [m for m in mail.outbox if m.subject.startswith("Reminder")]
    assert len(reminders) == 2 and _reminders() == 2
    assert {m.to[0] for m in reminders} == {"carol@example.org", "mike@example.org"}
    assert all(m.extra_headers["Message-ID"].endswith(">") for m in reminders)


def test_a_missed_run_catches_up_but_never_reminds_of_the_past_or_the_far_future(cw):
    from core.models import Delivery

    soon = _meeting_in(cw, timedelta(hours=2))  # its reminder time passed 22 hours ago: still reminded
    _meeting_in(cw, timedelta(days=3))  # too early
    _meeting_in(cw, -timedelta(minutes=10))  # already started
    cancelled = _meeting_in(cw, timedelta(hours=5))
    cancelled.status = Meeting.Status.CANCELLED
    cancelled.save()
    Invitation.objects.filter(meeting=soon, person=cw.mike_person).update(response="declined")
    assert _reminders() == 1
    assert Delivery.objects.get(kind="coordination.meeting_reminder").subject_id == soon.pk


def test_the_lead_time_is_set_per_committee(cw):
    cw.committee.reminder_lead_hours = 72
    cw.committee.save()
    _meeting_in(cw, timedelta(days=2))  # within 72 hours
    assert _reminders() == 2


def test_a_moved_meeting_is_reminded_again(cw):
    meeting = _meeting_in(cw, timedelta(hours=10))
    assert _reminders() == 2
    meeting.starts_at += timedelta(hours=3)
    meeting.ends_at += timedelta(hours=3)
    meeting.save()
    assert _reminders() == 4
    assert _reminders() == 4


# --- Calendar feed -----------------------------------------------------------------------------


def test_feed_token_reset_invalidates_the_old_one(cw):
    old = services.calendar_feed_token_get(user=cw.mike).token
    assert services.calendar_feed_token_get(user=cw.mike).token == old
    new = services.calendar_feed_token_reset(user=cw.mike).token
    assert new != old and len(new) >= 40


def test_agenda_item_factory_sanity(cw):
    item = AgendaItemFactory(meeting=MeetingFactory(committee=CommitteeFactory(jurisdiction=cw.city)))
    assert item.committee == item.meeting.committee


def test_cancelling_sends_an_itip_cancel_to_those_invited_by_email(cw, committed):
    first = _schedule(cw, committed=committed, recurrence="FREQ=WEEKLY;COUNT=3")
    second = first.series.meetings.order_by("starts_at")[1]
    late = PersonFactory(email="late@example.org")
    Invitation.objects.create(meeting=second, person=late)  # never emailed: no cancellation either
    Invitation.objects.filter(meeting=second, person=late).update(sent_at=None)
    mail.outbox.clear()
    with committed():
        services.meeting_cancel(actor=cw.sam, meeting=second, reason="Public holiday")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "carol@example.org",
        "mike@example.org",
        "olly@example.org",
        "sam@example.org",
    ]
    part = next(p for p in mail.outbox[0].message().walk() if p.get_content_type() == "text/calendar")
    ics = part.get_payload(decode=True).decode()
    assert part.get_param("method") == "CANCEL" and "STATUS:CANCELLED" in ics
    assert f"UID:{first.series.uid}@" in ics and "RECURRENCE-ID" in ics
    assert mail.outbox[0].subject.startswith("Cancelled:")
    from coordination.tasks import send_meeting_invitations_task

    assert send_meeting_invitations_task.delay(second.pk).get() == 0  # a retry sends nothing twice
    with pytest.raises(ValidationError):
        services.meeting_cancel(actor=cw.sam, meeting=second)


def test_services_take_known_fields_only(cw):
    """An argument a use case does not take is an error, not silently dropped."""
    with pytest.raises(TypeError, match="colour"):
        services.committee_update(actor=cw.alice, committee=cw.committee, colour="red")  # type: ignore[call-arg]
    meeting = _schedule(cw)
    with pytest.raises(TypeError, match="status"):
        services.meeting_update(actor=cw.sam, meeting=meeting, status="held")  # type: ignore[call-arg]
    cw.committee.refresh_from_db()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
