"""Approval with guards: not before the start, warnings to confirm, a confirmation step, and an
audited reopen for correction by the chair with the reason shown on the minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from coordination import services
from coordination.models import Attendance, Meeting
from core.models import AuditEvent


def _meeting(cw, *, hours_from_now: float):  # type: ignore[no-untyped-def]
    start = (timezone.now() + timedelta(hours=hours_from_now)).replace(microsecond=0)
    meeting = services.meeting_schedule(
        actor=cw.sam, committee=cw.committee, title="April meeting", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Reports")
    services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Budget")
    return meeting


def _attend(cw, meeting, *people):  # type: ignore[no-untyped-def]
    services.attendance_record(
        actor=cw.alice,
        meeting=meeting,
        entries=[{"person": p, "status": Attendance.Status.PRESENT} for p in people],
    )


def _write_all(cw, meeting):  # type: ignore[no-untyped-def]
    for item in meeting.agenda_items.all():
        services.minutes_record(actor=cw.sam, item=item, minutes="<p>Discussed.</p>", status="closed")


def test_approval_before_the_meeting_has_started_is_refused(cw, client_for):
    meeting = _meeting(cw, hours_from_now=3)
    _attend(cw, meeting, cw.sam_person, cw.carol_person)  # recorded early, by mistake
    _write_all(cw, meeting)
    with pytest.raises(ValidationError, match="has not started yet"):
        services.minutes_approve(actor=cw.sam, meeting=meeting, confirmed=True)
    url = reverse("coordination:minutes-approve", args=[meeting.pk])
    page = client_for(cw.sam).post(url, {"confirm": "1", "warnings_seen": "1"})
    assert page.status_code == 200 and "has not started yet" in page.text
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.MINUTES_DRAFTED


def test_quorum_not_met_and_items_without_minutes_need_confirmation(cw, client_for):
    meeting = _meeting(cw, hours_from_now=-1)
    _attend(cw, meeting, cw.sam_person)  # quorum is 2
    services.minutes_record(actor=cw.sam, item=meeting.agenda_items.get(title="Reports"), minutes="<p>x</p>")
    warnings = services.approval_warnings(Meeting.objects.get(pk=meeting.pk))
    assert any("quorum was not met" in w for w in warnings)
    assert any("have no minutes: Budget" in w for w in warnings)
    with pytest.raises(ValidationError, match="Confirm"):
        services.minutes_approve(actor=cw.sam, meeting=meeting)
    url = reverse("coordination:minutes-approve", args=[meeting.pk])
    sam = client_for(cw.sam)
    step = sam.get(url)
    assert step.status_code == 200 and "quorum was not met" in step.text and "warnings_seen" in step.text
    unconfirmed = sam.post(url, {"confirm": "1"})
    assert unconfirmed.status_code == 200 and "Confirm that you approve" in unconfirmed.text
    assert Meeting.objects.get(pk=meeting.pk).status != Meeting.Status.MINUTES_APPROVED
    assert sam.post(url, {"confirm": "1", "warnings_seen": "1"}).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.MINUTES_APPROVED
    event = AuditEvent.objects.get(action="minutes.approve", target_id=str(meeting.pk))
    assert len(event.changes["warnings_confirmed"]) == 2


def test_without_warnings_the_confirmation_step_approves(cw, client_for):
    meeting = _meeting(cw, hours_from_now=-1)
    _attend(cw, meeting, cw.sam_person, cw.carol_person)
    _write_all(cw, meeting)
    url = reverse("coordination:minutes-approve", args=[meeting.pk])
    assert "Before you approve" not in client_for(cw.sam).get(url).text
    assert client_for(cw.sam).post(url, {"confirm": "1"}).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).is_locked


def test_the_chair_reopens_for_correction_with_a_reason_shown_on_the_minutes(cw, client_for):
    meeting = _meeting(cw, hours_from_now=-1)
    _attend(cw, meeting, cw.sam_person, cw.carol_person)
    _write_all(cw, meeting)
    services.minutes_approve(actor=cw.sam, meeting=meeting)
    reopen = reverse("coordination:minutes-reopen", args=[meeting.pk])
    with pytest.raises(PermissionDenied):
        services.minutes_reopen(actor=cw.sam, meeting=meeting, reason="Secretary may not")
    assert client_for(cw.mike).post(reopen, {"reason": "x"}).status_code == 403
    assert client_for(cw.charlie).post(reopen, {"reason": "x"}).status_code == 404
    with pytest.raises(ValidationError, match="Say what needs correcting"):
        services.minutes_reopen(actor=cw.carol, meeting=meeting, reason="  ")
    page = client_for(cw.carol).get(meeting.get_absolute_url())
    assert "Reopen for correction" in page.text
    assert client_for(cw.carol).post(reopen, {"reason": "Misspelt a member's name"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.MINUTES_DRAFTED and not meeting.is_locked
    event = AuditEvent.objects.get(action="minutes.reopen", target_id=str(meeting.pk))
    assert event.reason == "Misspelt a member's name" and event.actor == cw.carol
    item = meeting.agenda_items.get(title="Reports")
    services.minutes_record(actor=cw.sam, item=item, minutes="<p>Corrected.</p>", status="closed")
    services.minutes_approve(actor=cw.carol, meeting=meeting)
    for user in (cw.mike, cw.sam):
        shown = client_for(user).get(meeting.get_absolute_url()).text
        assert "Misspelt a member&#x27;s name" in shown and "Reopened on" in shown
    printed = client_for(cw.mike).get(reverse("coordination:meeting-print", args=[meeting.pk])).text
    assert "Misspelt a member&#x27;s name" in printed


def test_outsiders_never_reach_the_approval_step(cw, client_for):
    meeting = _meeting(cw, hours_from_now=-1)
    url = reverse("coordination:minutes-approve", args=[meeting.pk])
    assert client_for(cw.charlie).get(url).status_code == 404
    assert client_for(cw.mike).get(url).status_code == 403
