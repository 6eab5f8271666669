"""Calendar: "add to calendar" per meeting, a webcal link with a copy button, a month grid."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coordination import services
from tests.coordination.factories import MeetingFactory


def test_add_to_calendar_gives_the_meeting_with_its_agenda(cw, client_for):
    meeting = MeetingFactory(committee=cw.committee, title="May meeting", location="Town hall")
    services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Youth outreach")
    url = reverse("coordination:meeting-ics", args=[meeting.pk])
    assert 'href="' + url in client_for(cw.mike).get(meeting.get_absolute_url()).text
    response = client_for(cw.mike).get(url)
    body = response.content.decode().replace("\r\n ", "")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "METHOD:PUBLISH" in body and f"UID:{meeting.uid}@" in body and "Youth outreach" in body
    assert "Town hall" in body and "attachment" in response["Content-Disposition"]
    assert client_for(cw.charlie).get(url).status_code == 404


def test_a_confidential_meetings_calendar_entry_has_no_agenda(cw, client_for):
    meeting = MeetingFactory(committee=cw.committee, is_confidential=True)
    services.agenda_item_add(actor=cw.sam, meeting=meeting, title="The family of Amir")
    body = client_for(cw.mike).get(reverse("coordination:meeting-ics", args=[meeting.pk])).content.decode()
    assert "Amir" not in body.replace("\r\n ", "") and "CLASS:CONFIDENTIAL" in body


def test_feed_page_has_a_webcal_link_and_a_copy_button(cw, client_for, settings):
    settings.SITE_URL = "https://roundtable.example.org"
    page = client_for(cw.mike).get(reverse("coordination:calendar-feed-settings")).text
    token = cw.mike.calendar_feed.token
    assert f'value="https://roundtable.example.org/coordination/calendar/{token}.ics"' in page
    assert f'href="webcal://roundtable.example.org/coordination/calendar/{token}.ics"' in page
    assert 'data-copy-target="feed-url"' in page and "coordination/copy.js" in page


@pytest.mark.parametrize("count", [2, 20])
def test_the_month_grid_places_meetings_on_their_day(cw, client_for, django_assert_max_num_queries, count):
    start = timezone.make_aware(datetime(2027, 3, 2, 10, 0))
    for n in range(count):
        MeetingFactory(committee=cw.committee, title=f"Meeting {n}", starts_at=start + timedelta(days=n % 20))
    with django_assert_max_num_queries(22):  # constant: the same at 2 and 20 meetings
        page = client_for(cw.mike).get(reverse("coordination:calendar"), {"month": "2027-03"})
    text = page.text
    assert page.status_code == 200 and "calendar-grid" in text
    assert text.count("<tr>") >= 5  # the header and at least four weeks
    assert '<time datetime="2027-03-02">2</time>' in text and "Meeting 0" in text
    assert '<time datetime="2027-04-04">4</time>' in text  # the last week runs to Sunday 4 April
    assert "Meeting 0" not in client_for(cw.charlie).get(reverse("coordination:calendar"), {"month": "2027-03"}).text


@pytest.mark.parametrize("per_day", [3, 30])
def test_a_busy_day_shows_four_meetings_and_how_many_more_at_a_fixed_cost(
    cw, client_for, django_assert_max_num_queries, per_day
):
    start = timezone.make_aware(datetime(2027, 3, 9, 8, 0))
    for n in range(per_day):
        MeetingFactory(committee=cw.committee, title=f"Busy {n:02d}", starts_at=start + timedelta(minutes=10 * n))
    client = client_for(cw.alice)
    with django_assert_max_num_queries(12):  # the same at 3 and 30 meetings a day
        text = client.get(reverse("coordination:calendar"), {"month": "2027-03"}).text
    shown = min(per_day, 4)
    assert [f"Busy {n:02d}" in text for n in range(per_day)] == [n < shown for n in range(per_day)]
    if per_day > 4:
        assert f"+{per_day - 4} more" in text and "day=2027-03-09" in text
    else:
        assert "more</a>" not in text.replace("more<span", "")
    assert f"{per_day} meetings this month" in text
    # "+N more" opens the day's whole list (bounded too).
    with django_assert_max_num_queries(13):
        day = client.get(reverse("coordination:calendar"), {"month": "2027-03", "day": "2027-03-09"}).text
    assert all(f"Busy {n:02d}" in day for n in range(per_day))


def test_the_month_filters_by_committee_through_the_picker(cw, client_for):
    from tests.coordination.factories import CommitteeFactory

    other = CommitteeFactory(name="Harbour Sports Board", jurisdiction=cw.city)
    start = timezone.make_aware(datetime(2027, 3, 9, 8, 0))
    MeetingFactory(committee=cw.committee, title="Coordination day", starts_at=start)
    MeetingFactory(committee=other, title="Sports day", starts_at=start)
    client = client_for(cw.alice)
    text = client.get(reverse("coordination:calendar"), {"month": "2027-03", "committee": other.pk}).text
    assert "Sports day" in text and "Coordination day" not in text
    assert 'role="combobox"' in text and 'value="Harbour Sports Board"' in text
    assert "<option" not in text.split('id="calendar-month"')[0]  # no list of committees
    # A committee the user may not see filters nothing in and names nothing.
    text = client.get(reverse("coordination:calendar"), {"month": "2027-03", "committee": cw.south.pk}).text
    assert "South Forum" not in text


def test_a_meeting_may_last_at_most_a_week(cw):
    from django.core.exceptions import ValidationError

    from coordination.models import MAX_MEETING_LENGTH

    start = timezone.make_aware(datetime(2027, 3, 9, 8, 0))
    meeting = MeetingFactory.build(committee=cw.committee, starts_at=start, ends_at=start + MAX_MEETING_LENGTH)
    meeting.clean()
    meeting.ends_at = start + MAX_MEETING_LENGTH + timedelta(minutes=1)
    with pytest.raises(ValidationError) as err:
        meeting.clean()
    assert "ends_at" in err.value.message_dict
