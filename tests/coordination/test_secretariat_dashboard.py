"""The dashboard as a work queue: today's and next meetings, minutes to write or approve, decisions
overdue, invitations awaiting a reply, and the user's committee roles."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from coordination import services
from coordination.models import Attendance
from tests.coordination.factories import AgendaItemFactory, DecisionFactory, MeetingFactory


def test_the_chairs_roles_list_chairing(cw, client_for):
    page = client_for(cw.carol).get("/").text
    assert "Your roles" in page and "No roles yet" not in page
    assert "Chair · " in page and "Harbour City Coordination Committee" in page


def test_work_queue_panels(cw, client_for):
    now = timezone.now()
    today = MeetingFactory(committee=cw.committee, title="Today's TLCC", starts_at=now + timedelta(minutes=30))
    today.invitations.create(person=cw.sam_person)
    today.invitations.create(person=cw.mike_person)
    held = MeetingFactory(committee=cw.committee, title="Last week", starts_at=now - timedelta(days=7))
    held.invitations.create(person=cw.sam_person)
    services.attendance_record(
        actor=cw.alice, meeting=held, entries=[{"person": cw.sam_person, "status": Attendance.Status.PRESENT}]
    )
    item = AgendaItemFactory(meeting=held)
    DecisionFactory(
        agenda_item=item,
        meeting=held,
        committee=cw.committee,
        text="Train the teachers",
        kind="action",
        due_date=timezone.localdate() - timedelta(days=2),
        owner_organisation=cw.org,
    )
    sam = client_for(cw.sam).get("/").text
    assert "Today and next meetings" in sam and "Today&#x27;s TLCC" in sam
    assert "Minutes to write or approve" in sam and "Last week" in sam and "to write" in sam
    assert "Decisions overdue" in sam and "Train the teachers" in sam and "Harbour Youth Forum" in sam
    mike = client_for(cw.mike).get("/").text
    assert "Invitations awaiting your reply" in mike and "Today&#x27;s TLCC" in mike
    assert "Minutes to write or approve" not in mike and "Train the teachers" not in mike
    outsider = client_for(cw.charlie).get("/").text
    assert "Today&#x27;s TLCC" not in outsider and "Train the teachers" not in outsider
