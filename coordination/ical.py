"""iCalendar (RFC 5545) for meetings: invitations (iTIP METHOD:REQUEST) and personal feeds (PUBLISH).

A one-off meeting is one VEVENT whose UID is the meeting's. A series is one VEVENT with the RRULE
and the series' UID; an occurrence that was moved or renamed is an override with RECURRENCE-ID,
a cancelled one an EXDATE. Minutes never appear in any calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vRecur, vText

from coordination.models import Meeting, MeetingSeries
from core.timezones import zone

PRODID = "-//Roundtable//Coordination//EN"


_zones: dict[int, ZoneInfo] = {}


def _zone_of(meeting: Meeting | MeetingSeries) -> ZoneInfo:
    """The meeting's zone (its committee's jurisdiction, inherited down the tree), so the calendar
    carries DTSTART;TZID=Europe/Skopje with its VTIMEZONE and keeps local time across DST."""
    jurisdiction = meeting.committee.jurisdiction
    if jurisdiction.pk not in _zones:
        _zones[jurisdiction.pk] = zone(jurisdiction.effective_time_zone())
    return _zones[jurisdiction.pk]


def _local(value: datetime, of: Meeting | MeetingSeries | None = None) -> datetime:
    return value.astimezone(_zone_of(of) if of is not None else ZoneInfo(settings.TIME_ZONE))


def _calendar(method: str) -> Calendar:
    _zones.clear()  # zones are looked up once per calendar built
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    return cal


def _domain() -> str:
    return settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS and settings.ALLOWED_HOSTS[0] != "*" else "roundtable"


def _description(meeting: Meeting, agenda_titles: list[str] | None) -> str:
    lines = [str(meeting.committee)]
    if meeting.online_url:
        lines.append(meeting.online_url)
    if agenda_titles and not meeting.is_confidential:
        lines.append("")
        lines.extend(f"{i}. {title}" for i, title in enumerate(agenda_titles, start=1))
    return "\n".join(lines)


def _event(meeting: Meeting, *, uid: str, agenda_titles: list[str] | None = None) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{_domain()}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", _local(meeting.starts_at, meeting))
    event.add("dtend", _local(meeting.ends_at, meeting))
    event.add("summary", meeting.title)
    event.add("sequence", meeting.sequence)
    event.add("description", _description(meeting, agenda_titles))
    if meeting.location or meeting.online_url:
        event.add("location", meeting.location or meeting.online_url)
    if meeting.online_url:
        event.add("url", meeting.online_url)
    event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    if meeting.is_confidential:
        event.add("class", "CONFIDENTIAL")
    return event


def _differs_from_series(meeting: Meeting, series: MeetingSeries) -> bool:
    return (
        meeting.occurrence_start != meeting.starts_at
        or meeting.ends_at - meeting.starts_at != series.duration
        or meeting.title != series.title
        or meeting.location != series.location
    )


def _series_events(series: MeetingSeries, meetings: list[Meeting]) -> list[Event]:
    first = min(meetings, key=lambda m: m.occurrence_start or m.starts_at)
    master = Event()
    master.add("uid", f"{series.uid}@{_domain()}")
    master.add("dtstamp", timezone.now())
    master.add("dtstart", _local(series.dtstart, series))
    master.add("dtend", _local(series.dtstart + series.duration, series))
    master.add("summary", series.title)
    master.add("rrule", vRecur.from_ical(series.rrule))
    master.add("sequence", max(m.sequence for m in meetings))
    master.add("description", str(first.committee))
    if series.location or series.online_url:
        master.add("location", series.location or series.online_url)
    if first.is_confidential:
        master.add("class", "CONFIDENTIAL")
    cancelled = [m for m in meetings if m.status == Meeting.Status.CANCELLED and m.occurrence_start]
    for m in cancelled:
        master.add("exdate", _local(m.occurrence_start, series))  # type: ignore[arg-type]
    events = [master]
    for m in meetings:
        if m.status != Meeting.Status.CANCELLED and m.occurrence_start and _differs_from_series(m, series):
            override = _event(m, uid=str(series.uid))
            override.add("recurrence-id", _local(m.occurrence_start, series))
            events.append(override)
    return events


def _finish(cal: Calendar) -> bytes:
    cal.add_missing_timezones()
    return cal.to_ical()


def invitation_ics(
    meeting: Meeting,
    *,
    attendee_email: str,
    attendee_name: str,
    series_meetings: list[Meeting] | None = None,
    agenda_titles: list[str] | None = None,
) -> bytes:
    """The iTIP message sent to an invitee: REQUEST for the meeting (or its whole series), CANCEL
    when the meeting was cancelled (one occurrence of a series: its RECURRENCE-ID)."""
    cancelled = meeting.status == Meeting.Status.CANCELLED
    cal = _calendar("CANCEL" if cancelled else "REQUEST")
    if meeting.series is not None and series_meetings and not cancelled:
        events = _series_events(meeting.series, series_meetings)
    elif meeting.series is not None and meeting.occurrence_start:
        # One occurrence of a series the invitee's calendar already holds: its cancellation, or
        # its published or changed agenda (an override of that occurrence, RECURRENCE-ID).
        event = _event(meeting, uid=str(meeting.series.uid), agenda_titles=agenda_titles)
        event.add("recurrence-id", _local(meeting.occurrence_start, meeting))
        events = [event]
    else:
        events = [_event(meeting, uid=str(meeting.uid), agenda_titles=agenda_titles)]
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.rsplit('<', 1)[-1].rstrip('>')}")
    organizer.params["cn"] = vText(str(meeting.committee))
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["cn"] = vText(attendee_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    attendee.params["rsvp"] = vText("FALSE")  # replies are made in the portal
    for event in events:
        event.add("organizer", organizer)
        event.add("attendee", attendee)
        cal.add_component(event)
    return _finish(cal)


def feed_ics(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """A personal feed: every meeting in ``meetings`` (already narrowed to the user's invitations)."""
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", name)
    by_series: dict[int, list[Meeting]] = {}
    for meeting in meetings:
        if meeting.series_id and meeting.series is not None and meeting.occurrence_start:
            by_series.setdefault(meeting.series_id, []).append(meeting)
        else:
            cal.add_component(_event(meeting, uid=str(meeting.uid)))
    for items in by_series.values():
        series = items[0].series
        assert series is not None
        for event in _series_events(series, items):
            cal.add_component(event)
    return _finish(cal)


def meeting_ics(meeting: Meeting, *, agenda_titles: list[str] | None = None) -> bytes:
    """ "Add to calendar" for one meeting (PUBLISH): the same UID as its invitation, so importing it
    next to the invitation does not make a second entry. A confidential meeting lists no agenda."""
    cal = _calendar("PUBLISH")
    uid = str(meeting.series.uid) if meeting.series is not None and meeting.occurrence_start else str(meeting.uid)
    event = _event(meeting, uid=uid, agenda_titles=agenda_titles)
    if uid != str(meeting.uid) and meeting.occurrence_start:
        event.add("recurrence-id", _local(meeting.occurrence_start, meeting))
    cal.add_component(event)
    return _finish(cal)
