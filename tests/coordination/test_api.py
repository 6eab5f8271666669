from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from coordination import services
from coordination.models import AgendaItem, Attendance, Committee, Decision, Meeting
from tests.coordination.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeMembershipFactory,
    DecisionFactory,
    InvitationFactory,
    MeetingFactory,
)
from tests.factories import PersonFactory, PositionFactory

pytestmark = pytest.mark.django_db

COMMITTEES = "/api/v1/committees/"
MEETINGS = "/api/v1/meetings/"


def _start(days: int = 7) -> str:
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0).isoformat()


def _end(days: int = 7, hours: int = 2) -> str:
    return (timezone.now() + timedelta(days=days, hours=hours)).replace(microsecond=0).isoformat()


def _meeting(cw, **extra) -> Meeting:  # type: ignore[no-untyped-def]
    start = timezone.now() + timedelta(days=7)
    return services.meeting_schedule(
        actor=cw.carol,
        committee=cw.committee,
        title="Monthly",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        **extra,
    )


def test_committee_list_per_persona(api_for, cw):
    def names(user):  # type: ignore[no-untyped-def]
        return [c["name"] for c in api_for(user).get(COMMITTEES).json()["results"]]

    assert names(cw.mike) == ["Harbour City Coordination Committee"]
    assert names(cw.bob) == ["Harbour City Coordination Committee"]
    assert names(cw.charlie) == []
    assert set(names(cw.admin)) == {"Harbour City Coordination Committee", "South Forum"}
    row = api_for(cw.carol).get(COMMITTEES).json()["results"][0]
    assert row["can_manage"] is True and row["member_count"] == 4


def test_committee_detail_and_update_personas(api_for, cw):
    url = f"{COMMITTEES}{cw.committee.pk}/"
    assert api_for(cw.charlie).get(url).status_code == 404
    assert api_for(cw.charlie).patch(url, {"remit": "x"}, format="json").status_code == 404
    assert api_for(cw.bob).patch(url, {"remit": "x"}, format="json").status_code == 403
    assert api_for(cw.carol).patch(url, {"remit": "x"}, format="json").status_code == 403
    response = api_for(cw.alice).patch(
        url, {"remit": "Prevent hate", "expected_sectors": [cw.police.pk]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["expected_sectors"] == [cw.police.pk]


def test_create_committee_and_bad_input(api_for, cw):
    c = api_for(cw.alice)
    ok = c.post(COMMITTEES, {"name": "Harbour CAT", "kind": "cat", "jurisdiction": cw.city.pk}, format="json")
    assert ok.status_code == 201, ok.json()
    before = Committee.objects.count()
    for payload, field in [
        ({"name": "Harbour CAT", "kind": "cat", "jurisdiction": cw.city.pk}, "non_field_errors"),
        ({"name": "X", "kind": "spaceship", "jurisdiction": cw.city.pk}, "kind"),
        ({"name": "X", "kind": "cat", "jurisdiction": cw.other_district.pk}, "jurisdiction"),
        (
            {"name": "X", "kind": "cat", "jurisdiction": cw.city.pk, "quorum_rule": "percent", "quorum_value": 150},
            "non_field_errors",
        ),
    ]:
        response = c.post(COMMITTEES, payload, format="json")
        assert response.status_code == 400 and field in response.json(), response.json()
    assert Committee.objects.count() == before
    assert (
        api_for(cw.bob)
        .post(COMMITTEES, {"name": "Y", "kind": "cat", "jurisdiction": cw.city.pk}, format="json")
        .status_code
        == 403
    )


def test_members_sub_resource(api_for, cw):
    url = f"{COMMITTEES}{cw.committee.pk}/members/"
    rows = api_for(cw.mike).get(url).json()
    assert [r["role"] for r in rows] == ["chair", "secretary", "member", "observer"]
    assert api_for(cw.charlie).get(url).status_code == 404
    hidden = PersonFactory()  # no position in the public directory: the chair cannot see them
    missing = api_for(cw.sam).post(url, {"person": hidden.pk, "role": "member"}, format="json")
    assert missing.status_code == 400 and "person" in missing.json()
    person = PositionFactory(organisation=cw.org).person
    assert api_for(cw.mike).post(url, {"person": person.pk, "role": "member"}, format="json").status_code == 403
    created = api_for(cw.sam).post(
        url, {"person": person.pk, "role": "permanent", "organisation": cw.org.pk}, format="json"
    )
    assert created.status_code == 201 and created.json()["role"] == "permanent"
    dup = api_for(cw.sam).post(url, {"person": person.pk, "role": "member"}, format="json")
    assert dup.status_code == 400 and "already a member" in str(dup.json())


def test_schedule_a_recurring_meeting_and_bad_input(api_for, cw):
    c = api_for(cw.carol)
    ok = c.post(
        MEETINGS,
        {
            "committee": cw.committee.pk,
            "title": "Weekly",
            "starts_at": _start(),
            "ends_at": _end(),
            "recurrence": "FREQ=WEEKLY;COUNT=5",
        },
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["recurrence"] == "FREQ=WEEKLY;COUNT=5"
    assert Meeting.objects.count() == 5
    for extra, field in [
        ({"ends_at": _end(hours=-1)}, "ends_at"),
        ({"recurrence": "FREQ=WEEKLY"}, "recurrence"),
        ({"recurrence": "FREQ=WEEKLY;COUNT=x"}, "recurrence"),
        ({"committee": cw.south.pk}, "committee"),
    ]:
        payload = {"committee": cw.committee.pk, "title": "Bad", "starts_at": _start(), "ends_at": _end(), **extra}
        response = c.post(MEETINGS, payload, format="json")
        assert response.status_code == 400 and field in response.json(), (extra, response.json())
    assert Meeting.objects.count() == 5
    forbidden = api_for(cw.mike).post(
        MEETINGS, {"committee": cw.committee.pk, "title": "x", "starts_at": _start(), "ends_at": _end()}, format="json"
    )
    assert forbidden.status_code == 403


def test_meeting_list_is_cursor_paginated_and_narrowed(api_for, cw):
    MeetingFactory.create_batch(3, committee=cw.committee)
    MeetingFactory(committee=cw.south)
    body = api_for(cw.mike).get(MEETINGS, {"page_size": 2}).json()
    assert len(body["results"]) == 2 and body["next"] and "count" not in body
    assert len(api_for(cw.mike).get(body["next"]).json()["results"]) == 1
    assert api_for(cw.charlie).get(MEETINGS).json()["results"] == []
    south = MeetingFactory(committee=cw.south)
    assert api_for(cw.mike).get(f"{MEETINGS}{south.pk}/").status_code == 404


def test_agenda_items_and_order(api_for, cw):
    meeting = _meeting(cw)
    url = f"{MEETINGS}{meeting.pk}/agenda-items/"
    c = api_for(cw.sam)
    a = c.post(url, {"title": "Opening", "order": 1}, format="json")
    assert a.status_code == 201, a.json()
    b = c.post(url, {"title": "Reports", "presenter": "Sam", "duration_minutes": 15}, format="json")
    assert b.json()["order"] == 2
    dup = c.post(url, {"title": "Clash", "order": 1}, format="json")
    assert dup.status_code == 400 and "order" in dup.json()
    assert AgendaItem.objects.filter(meeting=meeting).count() == 2
    order = f"{MEETINGS}{meeting.pk}/agenda-order/"
    assert c.post(order, {"items": [b.json()["id"], b.json()["id"]]}, format="json").status_code == 400
    assert [i["title"] for i in c.post(order, {"items": [b.json()["id"], a.json()["id"]]}, format="json").json()] == [
        "Reports",
        "Opening",
    ]
    assert [i["title"] for i in api_for(cw.mike).get(url).json()] == ["Reports", "Opening"]
    assert api_for(cw.mike).post(url, {"title": "x"}, format="json").status_code == 403
    assert api_for(cw.charlie).get(url).status_code == 404


def test_attendance_all_or_nothing(api_for, cw):
    meeting = _meeting(cw)
    url = f"{MEETINGS}{meeting.pk}/attendance/"
    stranger = PersonFactory()
    bad = api_for(cw.sam).post(
        url,
        [{"person": cw.carol_person.pk, "status": "present"}, {"person": stranger.pk, "status": "present"}],
        format="json",
    )
    # A person who is not invited answers like an id that does not exist (no name, no existence hint).
    assert bad.status_code == 400 and "person" in str(bad.json()) and "does not exist" in str(bad.json())
    assert not Attendance.objects.exists()
    bad_status = api_for(cw.sam).post(url, [{"person": cw.carol_person.pk, "status": "asleep"}], format="json")
    assert bad_status.status_code == 400
    ok = api_for(cw.sam).post(
        url,
        [{"person": cw.carol_person.pk, "status": "present"}, {"person": cw.mike_person.pk, "status": "present"}],
        format="json",
    )
    assert ok.status_code == 201 and len(ok.json()) == 2
    assert api_for(cw.sam).get(f"{MEETINGS}{meeting.pk}/").json()["quorum_met"] is True
    assert api_for(cw.mike).post(url, [], format="json").status_code == 403


def test_minutes_decisions_and_approval(api_for, cw):
    meeting = _meeting(cw)
    Meeting.objects.filter(pk=meeting.pk).update(  # it took place an hour ago
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=1)
    )
    start = timezone.now() + timedelta(days=40)
    nxt = services.meeting_schedule(
        actor=cw.carol, committee=cw.committee, title="Next", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    item = services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Reports")
    services.attendance_record(
        actor=cw.carol, meeting=meeting, entries=[{"person": cw.sam_person, "status": "present"}]
    )
    c = api_for(cw.sam)
    minutes = c.post(
        f"{MEETINGS}{meeting.pk}/agenda-items/{item.pk}/minutes/",
        {"minutes": '<p>ok</p><script>x()</script><a href="javascript:y()">l</a>', "status": "open"},
        format="json",
    )
    assert minutes.status_code == 200, minutes.json()
    assert "script" not in minutes.json()["minutes"] and "javascript" not in minutes.json()["minutes"]
    decisions = f"{MEETINGS}{meeting.pk}/decisions/"
    d = c.post(
        decisions,
        {
            "agenda_item": item.pk,
            "kind": "action",
            "text": "Train teachers",
            "owner": cw.mike_person.pk,
            "due_date": "2030-01-31",
        },
        format="json",
    )
    assert d.status_code == 201, d.json()
    other_item = AgendaItemFactory(
        meeting=MeetingFactory(
            committee=cw.committee,
            starts_at=timezone.now() - timedelta(days=30),
            ends_at=timezone.now() - timedelta(days=30, hours=-1),
        )
    )
    wrong = c.post(decisions, {"agenda_item": other_item.pk, "text": "x"}, format="json")
    assert wrong.status_code == 400 and "agenda_item" in wrong.json()
    assert api_for(cw.mike).post(f"{MEETINGS}{meeting.pk}/approve-minutes/").status_code == 403
    unconfirmed = c.post(f"{MEETINGS}{meeting.pk}/approve-minutes/")
    assert unconfirmed.status_code == 400 and "quorum was not met" in str(unconfirmed.json())
    approved = c.post(f"{MEETINGS}{meeting.pk}/approve-minutes/", {"confirm": True}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "minutes_approved"
    assert {i.title for i in nxt.agenda_items.all()} == {"Reports", "Follow-up: Train teachers"}
    locked = c.patch(f"{decisions}{d.json()['id']}/", {"text": "changed"}, format="json")
    assert locked.status_code == 400 and "locked" in str(locked.json())
    progress = api_for(cw.mike).patch(f"{decisions}{d.json()['id']}/", {"status": "done"}, format="json")
    assert progress.status_code == 200 and progress.json()["status"] == "done"


def test_confidential_minutes_and_decisions_over_the_api(api_for, cw):
    meeting = MeetingFactory(committee=cw.committee, is_confidential=True, status="minutes_drafted")
    AttendanceFactory(meeting=meeting, person=cw.sam_person)
    item = AgendaItemFactory(meeting=meeting, minutes="<p>Sensitive</p>")
    DecisionFactory(agenda_item=item, text="Refer")
    for user in (cw.bob, cw.alice, cw.admin):
        assert api_for(user).get(f"{MEETINGS}{meeting.pk}/agenda-items/").json()[0]["minutes"] is None
        assert api_for(user).get(f"{MEETINGS}{meeting.pk}/decisions/").json() == []
    assert api_for(cw.sam).get(f"{MEETINGS}{meeting.pk}/agenda-items/").json()[0]["minutes"] == "<p>Sensitive</p>"
    assert len(api_for(cw.sam).get(f"{MEETINGS}{meeting.pk}/decisions/").json()) == 1


def test_invitations_and_reply(api_for, cw):
    meeting = _meeting(cw)
    official = PositionFactory(person__full_name="District Commissioner", organisation=cw.other_org).person
    url = f"{MEETINGS}{meeting.pk}/invitations/"
    summoned = api_for(cw.sam).post(url, {"person": official.pk, "kind": "summoned"}, format="json")
    assert summoned.status_code == 201
    assert len(api_for(cw.mike).get(url).json()) == 5
    reply = api_for(cw.mike).post(f"{MEETINGS}{meeting.pk}/reply/", {"response": "tentative"}, format="json")
    assert reply.status_code == 200 and reply.json()["response"] == "tentative"
    assert (
        api_for(cw.mike).post(f"{MEETINGS}{meeting.pk}/reply/", {"response": "pending"}, format="json").status_code
        == 400
    )


@pytest.mark.parametrize("n", [3, 25])
def test_api_query_budgets(api_for, cw, django_assert_max_num_queries, n):
    meeting = MeetingFactory(committee=cw.committee, status="minutes_drafted")
    for i, person in enumerate(PersonFactory.create_batch(n)):
        CommitteeMembershipFactory(committee=cw.committee, person=person)
        InvitationFactory(meeting=meeting, person=person)
        AttendanceFactory(meeting=meeting, person=person)
        DecisionFactory(agenda_item=AgendaItemFactory(meeting=meeting, order=i + 1), owner=person)
        MeetingFactory(committee=cw.committee)
        Committee.objects.create(name=f"Body {i}", kind="lpn", jurisdiction=cw.city)
    c = api_for(cw.alice)
    for url, budget in [
        (COMMITTEES, 6),
        (MEETINGS, 4),
        (f"{COMMITTEES}{cw.committee.pk}/members/", 5),
        (f"{MEETINGS}{meeting.pk}/agenda-items/", 5),
        (f"{MEETINGS}{meeting.pk}/attendance/", 5),
        (f"{MEETINGS}{meeting.pk}/decisions/", 5),
        (f"{MEETINGS}{meeting.pk}/invitations/", 5),
    ]:
        with django_assert_max_num_queries(budget):
            assert c.get(url).status_code == 200, url


def test_schema_lists_the_resources(client_for, cw):
    schema = client_for(cw.charlie).get("/api/schema/").content
    for path in (
        b"/api/v1/committees/",
        b"/api/v1/meetings/",
        b"/api/v1/meetings/{id}/attendance/",
        b"/api/v1/meetings/{id}/agenda-items/",
        b"/api/v1/committees/{id}/members/",
        b"/api/v1/meetings/{id}/decisions/",
    ):
        assert path in schema, path
    assert Decision.objects.count() == 0


def test_organisations_named_in_decisions_and_memberships_must_be_visible_to_the_caller(api_for, cw):
    from coordination.models import Decision

    cw.other_org.is_active = False  # out of the public directory; the chair has no role over it
    cw.other_org.save()
    meeting = _meeting(cw)
    item = services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Reports")
    services.attendance_record(
        actor=cw.carol, meeting=meeting, entries=[{"person": cw.sam_person, "status": "present"}]
    )
    hidden = api_for(cw.sam).post(
        f"{MEETINGS}{meeting.pk}/decisions/",
        {"agenda_item": item.pk, "text": "Train teachers", "owner_organisation": cw.other_org.pk},
        format="json",
    )
    assert hidden.status_code == 400 and "owner_organisation" in hidden.json()
    assert not Decision.objects.exists()
    from tests.factories import PositionFactory

    newcomer = PositionFactory(organisation=cw.org).person  # in the public directory
    member = api_for(cw.carol).post(
        f"/api/v1/committees/{cw.committee.pk}/members/",
        {"person": newcomer.pk, "organisation": cw.other_org.pk, "role": "member"},
        format="json",
    )
    assert member.status_code == 400 and "organisation" in member.json(), member.json()
    ok = api_for(cw.carol).post(
        f"/api/v1/committees/{cw.committee.pk}/members/",
        {"person": newcomer.pk, "organisation": cw.org.pk, "role": "member"},
        format="json",
    )
    assert ok.status_code == 201, ok.json()
