"""One meeting workspace: attendance, minutes per item and outcomes in one form with one save."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coordination import services
from coordination.models import AgendaItem, Attendance, Decision, Meeting
from tests.coordination.factories import AgendaItemFactory, MeetingFactory


@pytest.fixture
def held(cw):  # type: ignore[no-untyped-def]
    """A meeting that started an hour ago, its members invited, with two agenda items; Mike is in
    the registry of the city (so the coordinator may name him as an owner)."""
    cw.mike_person.jurisdiction = cw.city
    cw.mike_person.save()
    start = (timezone.now() - timedelta(hours=1)).replace(microsecond=0)
    meeting = services.meeting_schedule(
        actor=cw.sam, committee=cw.committee, title="March meeting", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Youth outreach")
    services.agenda_item_add(actor=cw.sam, meeting=meeting, title="School safety")
    return meeting


def _post(cw, meeting, **overrides):  # type: ignore[no-untyped-def]
    items = list(meeting.agenda_items.order_by("order"))
    data = {
        f"status_{cw.carol_person.pk}": "present",
        f"status_{cw.sam_person.pk}": "present",
        f"status_{cw.mike_person.pk}": "apologies",
        f"status_{cw.olly_person.pk}": "present",
        f"minutes_{items[0].pk}": "<p>The youth forum reported.</p>",
        f"item_status_{items[0].pk}": "closed",
        f"decision_kind_{items[0].pk}": "action",
        f"decision_text_{items[0].pk}": "Open a youth desk",
        f"decision_owner_{items[0].pk}": str(cw.mike_person.pk),
        f"decision_org_{items[0].pk}": str(cw.org.pk),
        f"minutes_{items[1].pk}": "<p>Postponed.</p>",
        f"item_status_{items[1].pk}": "open",
        f"decision_kind_{items[1].pk}": "decision",
        "save": "1",
    }
    data.update(overrides)
    return data


def test_one_save_records_attendance_minutes_and_outcomes(cw, held, client_for):
    url = reverse("coordination:meeting-workspace", args=[held.pk])
    sam = client_for(cw.alice)  # the coordinator (Sam may not record his own attendance)
    page = sam.get(url)
    assert page.status_code == 200 and "Mark all present" in page.text and "data-unsaved-guard" in page.text
    response = sam.post(url, _post(cw, held))
    assert response.status_code == 302, response.context["form"].errors
    held.refresh_from_db()
    assert held.status == Meeting.Status.MINUTES_DRAFTED and held.quorum_met is True
    assert dict(held.attendance.values_list("person__full_name", "status")) == {
        "Carol Chair": "present",
        "Sam Secretary": "present",
        "Mike Member": "apologies",
        "Olly Observer": "present",
    }
    first, second = held.agenda_items.order_by("order")
    assert first.minutes == "<p>The youth forum reported.</p>" and first.status == AgendaItem.Status.CLOSED
    assert second.status == AgendaItem.Status.OPEN
    decision = Decision.objects.get()
    assert decision.text == "Open a youth desk" and decision.owner == cw.mike_person
    assert decision.owner_organisation == cw.org and decision.kind == "action"
    again = sam.post(url, _post(cw, held, **{f"decision_text_{first.pk}": ""}))
    assert again.status_code == 302 and Decision.objects.count() == 1  # saving again adds nothing


def test_mark_all_present_keeps_what_was_typed_and_saves_nothing(cw, held, client_for):
    url = reverse("coordination:meeting-workspace", args=[held.pk])
    first = held.agenda_items.order_by("order")[0]
    data = _post(cw, held, mark_all_present="1")
    data.pop("save")
    for key in [k for k in data if k.startswith("status_")]:
        data[key] = ""
    page = client_for(cw.alice).post(url, data)
    assert page.status_code == 200
    assert page.text.count('<option value="present" selected>') == 4
    assert "The youth forum reported." in page.text and "Open a youth desk" in page.text
    assert not Attendance.objects.exists() and not Decision.objects.exists()
    assert AgendaItem.objects.get(pk=first.pk).minutes == ""


def test_a_refused_save_keeps_every_typed_word_and_saves_nothing(cw, held, client_for):
    url = reverse("coordination:meeting-workspace", args=[held.pk])
    data = _post(cw, held)
    for key in [k for k in data if k.startswith("status_")]:
        data[key] = ""  # no attendance: minutes cannot be written yet
    page = client_for(cw.alice).post(url, data)
    assert page.status_code == 200 and "Record attendance first" in page.text
    assert "The youth forum reported." in page.text and "Open a youth desk" in page.text
    assert not Decision.objects.exists() and not AgendaItem.objects.exclude(minutes="").exists()


def test_minutes_typed_then_record_outcome_keeps_the_minutes(cw, held, client_for):
    services.attendance_record(
        actor=cw.alice, meeting=held, entries=[{"person": cw.sam_person, "status": Attendance.Status.PRESENT}]
    )
    item = held.agenda_items.order_by("order")[0]
    response = client_for(cw.alice).post(
        reverse("coordination:item-minutes", args=[item.pk]),
        {
            "minutes": "<p>Typed before recording the outcome.</p>",
            "status": "closed",
            "add_decision": "1",
            "decision-kind": "decision",
            "decision-text": "Fund the desk",
            "decision-status": "open",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.minutes == "<p>Typed before recording the outcome.</p>"
    assert item.decisions.get().text == "Fund the desk"


def test_the_workspace_is_for_those_who_write_the_minutes(cw, held, client_for):
    url = reverse("coordination:meeting-workspace", args=[held.pk])
    assert client_for(cw.charlie).get(url).status_code == 404
    assert client_for(cw.mike).get(url).status_code == 403
    assert client_for(cw.bob).post(url, _post(cw, held)).status_code == 403
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("items", [2, 12])
def test_the_workspace_reads_in_a_fixed_number_of_queries(cw, client_for, django_assert_max_num_queries, items):
    meeting = MeetingFactory(committee=cw.committee, starts_at=timezone.now() - timedelta(hours=1))
    for _n in range(items):
        AgendaItemFactory(meeting=meeting)
    sam = client_for(cw.alice)  # the coordinator (Sam may not record his own attendance)
    with django_assert_max_num_queries(30):
        assert sam.get(reverse("coordination:meeting-workspace", args=[meeting.pk])).status_code == 200
