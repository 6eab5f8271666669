"""A meeting is entered and shown in its committee's zone, named next to the time, and in the
reader's own zone where it differs."""

from __future__ import annotations

from datetime import UTC, datetime

from django.urls import reverse

from coordination.models import Meeting


def test_a_meeting_entered_at_ten_in_dhaka_is_four_utc_and_shown_as_ten_dhaka(cw, client_for):
    cw.city.time_zone = "Asia/Dhaka"
    cw.city.save()
    client = client_for(cw.alice)
    form = client.get(reverse("coordination:meeting-create", args=[cw.committee.pk])).text
    assert "Asia/Dhaka" in form
    response = client.post(
        reverse("coordination:meeting-create", args=[cw.committee.pk]),
        {"title": "TLCC", "starts_at": "2027-03-09T10:00", "ends_at": "2027-03-09T12:00", "location": "Hall"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="TLCC")
    assert meeting.starts_at == datetime(2027, 3, 9, 4, 0, tzinfo=UTC)
    page = client.get(meeting.get_absolute_url()).text
    assert "10:00</time>" in page and "(Asia/Dhaka)" in page
    # The editing form shows it back in the committee's zone.
    edit = client.get(reverse("coordination:meeting-update", args=[meeting.pk])).text
    assert 'value="2027-03-09T10:00"' in edit
    # A reader in London also sees their own time.
    cw.mike.time_zone = "Europe/London"
    cw.mike.save()
    page = client_for(cw.mike).get(meeting.get_absolute_url()).text
    assert "04:00</bdi> your time" in page and "Europe/London" in page
