"""The plain-language recurrence builder writes the RFC 5545 rule."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from coordination.models import Meeting
from coordination.recurrence import build_rule


@pytest.mark.parametrize(
    ("choice", "rule"),
    [
        ({"repeat": "weekly", "weekday": 1, "count": 10}, "FREQ=WEEKLY;BYDAY=TU;COUNT=10"),
        ({"repeat": "monthly", "weekday": 1, "ordinal": 1, "count": 12}, "FREQ=MONTHLY;BYDAY=1TU;COUNT=12"),
        (
            {"repeat": "monthly", "weekday": 4, "ordinal": -1, "until": datetime(2027, 12, 31)},
            "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231",
        ),
        ({"repeat": "fortnightly", "weekday": 0, "count": 3}, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=3"),
        ({"repeat": "", "weekday": 0}, ""),
    ],
)
def test_plain_language_choices_become_rules(choice, rule):
    assert build_rule(**choice) == rule


def test_first_tuesday_of_each_month_from_the_form(cw, client_for):
    response = client_for(cw.sam).post(
        reverse("coordination:meeting-create", args=[cw.committee.pk]),
        {
            "title": "TLCC monthly",
            "starts_at": "2027-03-02T10:00",
            "ends_at": "2027-03-02T12:00",
            "repeat": "monthly",
            "repeat_ordinal": "1",
            "repeat_count": "4",
        },
    )
    assert response.status_code == 302
    meetings = list(Meeting.objects.filter(title="TLCC monthly").order_by("starts_at"))
    assert meetings[0].series.rrule == "FREQ=MONTHLY;BYDAY=1TU;COUNT=4"
    assert [m.starts_at.day for m in meetings] == [2, 6, 4, 1]  # first Tuesdays of March-June 2027
    unending = client_for(cw.sam).post(
        reverse("coordination:meeting-create", args=[cw.committee.pk]),
        {"title": "x", "starts_at": "2027-03-02T10:00", "ends_at": "2027-03-02T12:00", "repeat": "weekly"},
    )
    assert unending.status_code == 200 and "Say when the meetings end" in unending.text
