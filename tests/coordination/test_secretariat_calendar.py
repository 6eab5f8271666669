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
