"""Recurring meetings keep their local time across daylight-saving changes, in the zone of their
committee's jurisdiction (inherited down the tree); calendars carry the zone (TZID)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coordination import services
from coordination.ical import invitation_ics
from tests.coordination.factories import CommitteeFactory, CommitteeMembershipFactory
from tests.factories import JurisdictionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("zone", "first"),
    [
        # US: summer time ends 1 Nov 2026, starts 14 Mar 2027.
        ("America/New_York", datetime(2026, 10, 20, 10, 0)),
        # EU: summer time ends 25 Oct 2026, starts 28 Mar 2027.
        ("Europe/Skopje", datetime(2026, 10, 13, 10, 0)),
    ],
)
def test_a_weekly_meeting_keeps_its_local_time_across_both_changes(world, zone, first):
    country = JurisdictionFactory(name=f"Land {zone}", code=f"L-{zone[:3].upper()}", time_zone=zone)
    city = JurisdictionFactory(name=f"Town {zone}", code=f"T-{zone[:3].upper()}", parent=country)  # inherits
    assert city.effective_time_zone() == zone
    committee = CommitteeFactory(jurisdiction=city)
    chair = UserFactory()
    CommitteeMembershipFactory(committee=committee, person=PersonFactory(user=chair, email=chair.email), role="chair")
    tz = ZoneInfo(zone)
    start = first.replace(tzinfo=tz)
    meeting = services.meeting_schedule(
        actor=chair,
        committee=committee,
        title="Weekly",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        recurrence="FREQ=WEEKLY;COUNT=30",  # late October to May: both changes
    )
    meetings = list(meeting.series.meetings.order_by("starts_at"))
    assert len(meetings) == 30
    local = {(m.starts_at.astimezone(tz).hour, m.starts_at.astimezone(tz).minute) for m in meetings}
    assert local == {(10, 0)}
    offsets = {m.starts_at.astimezone(tz).utcoffset() for m in meetings}
    assert len(offsets) == 2  # the UTC time moved, the local time did not
    ics = invitation_ics(meeting, attendee_email="x@example.org", attendee_name="X", series_meetings=meetings)
    text = ics.decode()
    assert f"DTSTART;TZID={zone}:" in text and "BEGIN:VTIMEZONE" in text and f"TZID:{zone}" in text


def test_an_unknown_zone_is_refused_with_a_message(world):
    from django.core.exceptions import ValidationError

    world.city.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError) as err:
        world.city.full_clean()
    assert "time zone" in str(err.value)


def test_the_reminder_names_the_meetings_zone(cw):
    from django.core import mail
    from django.utils import timezone

    from coordination.models import Invitation
    from core.notifications.jobs import run
    from tests.coordination.factories import MeetingFactory

    cw.country.time_zone = "Europe/Skopje"
    cw.country.save()
    meeting = MeetingFactory(committee=cw.committee, starts_at=timezone.now() + timedelta(hours=2))
    Invitation.objects.create(meeting=meeting, person=cw.mike_person, sent_at=timezone.now())
    run()
    local = meeting.starts_at.astimezone(ZoneInfo("Europe/Skopje"))
    assert "(Europe/Skopje)" in mail.outbox[0].body and f"{local:%H:%M}" in mail.outbox[0].body
