"""Carry-over the secretary reviews: proposals on the next meeting, once per item, kept or dropped;
nothing of a confidential meeting copied into another meeting's agenda."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from coordination import services
from coordination.models import AgendaItem, Attendance, Meeting


def _meeting(cw, *, days: float, **extra):  # type: ignore[no-untyped-def]
    start = (timezone.now() + timedelta(days=days)).replace(microsecond=0)
    return services.meeting_schedule(
        actor=cw.sam,
        committee=cw.committee,
        title=extra.pop("title", "Meeting"),
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        **extra,
    )


def _hold(cw, meeting):  # type: ignore[no-untyped-def]
    services.attendance_record(
        actor=cw.alice,
        meeting=meeting,
        entries=[{"person": p, "status": Attendance.Status.PRESENT} for p in (cw.sam_person, cw.carol_person)],
    )


@pytest.fixture
def approved(cw):  # type: ignore[no-untyped-def]
    """Last week's meeting (one item left open, one closed, an undone decision), approved; the next
    meeting is planned."""
    last = _meeting(cw, days=-7, title="Last")
    nxt = _meeting(cw, days=7, title="Next")
    services.agenda_item_add(actor=cw.sam, meeting=nxt, title="Already on the next agenda")
    open_item = services.agenda_item_add(actor=cw.sam, meeting=last, title="Safe-space policy")
    closed = services.agenda_item_add(actor=cw.sam, meeting=last, title="Welcome")
    _hold(cw, last)
    services.minutes_record(actor=cw.sam, item=open_item, minutes="<p>Not finished</p>", status="open")
    services.minutes_record(actor=cw.sam, item=closed, minutes="<p>Done</p>", status="closed")
    services.decision_record(actor=cw.sam, item=closed, text="Map youth services")
    services.minutes_approve(actor=cw.sam, meeting=last)
    return last, nxt


def test_carried_items_arrive_as_proposals_not_on_the_agenda(cw, approved, client_for):
    _last, nxt = approved
    proposals = list(nxt.agenda_items.filter(status=AgendaItem.Status.PROPOSED).order_by("id"))
    assert [p.title for p in proposals] == ["Safe-space policy", "Follow-up: Map youth services"]
    assert all(p.order is None for p in proposals)
    page = client_for(cw.sam).get(nxt.get_absolute_url()).text
    assert "keep or drop each" in page and "Keep on the agenda" in page
    assert "keep or drop each" not in client_for(cw.mike).get(nxt.get_absolute_url()).text
    publish = client_for(cw.sam).get(reverse("coordination:meeting-publish", args=[nxt.pk])).text
    assert "Already on the next agenda" in publish and "Safe-space policy" not in publish


def test_approving_again_carries_each_item_once(cw, approved):
    last, nxt = approved
    services.minutes_reopen(actor=cw.carol, meeting=last, reason="Typo in the minutes")
    services.minutes_approve(actor=cw.carol, meeting=last)
    services.minutes_reopen(actor=cw.carol, meeting=last, reason="Another typo")
    services.minutes_approve(actor=cw.carol, meeting=last)
    titles = list(nxt.agenda_items.values_list("title", flat=True))
    assert titles.count("Safe-space policy") == 1 and titles.count("Follow-up: Map youth services") == 1
    first = nxt.agenda_items.get(title="Safe-space policy")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(committee=cw.committee, meeting=nxt, title="dup", carried_from=first.carried_from)


def test_the_secretary_keeps_or_drops_each_proposal(cw, approved, client_for):
    _last, nxt = approved
    keep = nxt.agenda_items.get(title="Safe-space policy")
    drop = nxt.agenda_items.get(title="Follow-up: Map youth services")
    url = reverse("coordination:proposal-review", args=[keep.pk])
    assert client_for(cw.charlie).post(url, {"decision": "keep"}).status_code == 404
    assert client_for(cw.mike).post(url, {"decision": "keep"}).status_code == 403
    assert client_for(cw.sam).post(url, {"decision": "keep"}).status_code == 302
    assert client_for(cw.sam).post(reverse("coordination:proposal-review", args=[drop.pk]), {}).status_code == 302
    keep.refresh_from_db()
    drop.refresh_from_db()
    assert keep.status == AgendaItem.Status.SCHEDULED and keep.order == 2
    assert drop.status == AgendaItem.Status.DROPPED
    page = client_for(cw.mike).get(nxt.get_absolute_url()).text
    assert "Safe-space policy" in page and "Map youth services" not in page
    with pytest.raises(ValidationError, match="already kept or dropped"):
        services.proposal_keep(actor=cw.sam, item=drop)
    with pytest.raises(PermissionDenied):
        services.proposal_drop(actor=cw.mike, item=keep)


def test_nothing_of_a_confidential_meeting_is_copied_into_another_agenda(cw):
    secret = _meeting(cw, days=-7, title="Safe space", is_confidential=True)
    nxt = _meeting(cw, days=7)
    item = services.agenda_item_add(
        actor=cw.sam, meeting=secret, title="The family of Amir", description="Details", presenter="Imam Y"
    )
    _hold(cw, secret)
    services.minutes_record(actor=cw.sam, item=item, minutes="<p>Sensitive</p>", status="open")
    services.decision_record(actor=cw.sam, item=item, text="Refer Amir to services")
    services.minutes_approve(actor=cw.sam, meeting=secret)
    carried = list(nxt.agenda_items.all())
    assert len(carried) == 2
    for row in carried:
        text = f"{row.title} {row.description} {row.presenter} {row.minutes}"
        assert "Amir" not in text and "Imam" not in text and "Details" not in text
        assert "confidential meeting" in row.title
    assert Meeting.objects.get(pk=nxt.pk).agenda_items.count() == 2
