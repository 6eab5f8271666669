from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coordination import services
from coordination.models import AgendaItem, Attendance, Committee, Decision, Invitation, Meeting
from tests.coordination.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeFactory,
    CommitteeMembershipFactory,
    DecisionFactory,
    InvitationFactory,
    MeetingFactory,
    directory_person,
)
from tests.factories import OrganisationFactory, PersonFactory, PositionFactory

pytestmark = pytest.mark.django_db


def _local(dt):  # type: ignore[no-untyped-def]
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _meeting(cw, **extra) -> Meeting:  # type: ignore[no-untyped-def]
    start = (timezone.now() + timedelta(days=extra.pop("days", 7))).replace(second=0, microsecond=0)
    return services.meeting_schedule(
        actor=cw.carol,
        committee=cw.committee,
        title=extra.pop("title", "Monthly"),
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        **extra,
    )


def test_pages_need_a_login(client, cw):
    response = client.get(reverse("coordination:committee-list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_committee_list_shows_only_what_each_persona_may_see(client_for, cw):
    assert "Harbour City Coordination Committee" in client_for(cw.mike).get(reverse("coordination:committee-list")).text
    charlie = client_for(cw.charlie).get(reverse("coordination:committee-list"))
    assert charlie.status_code == 200 and "Harbour City" not in charlie.text and "South Forum" not in charlie.text
    alice = client_for(cw.alice).get(reverse("coordination:committee-list"))
    assert "Create a committee" in alice.text and "South Forum" not in alice.text
    assert "Create a committee" not in client_for(cw.carol).get(reverse("coordination:committee-list")).text


def test_committee_list_htmx_gets_the_table_only(client_for, cw):
    page = client_for(cw.alice).get(reverse("coordination:committee-list"), {"q": "harbour"}, HTTP_HX_REQUEST="true")
    assert "<html" not in page.text and "Harbour City Coordination Committee" in page.text


def test_committee_page_personas(client_for, cw):
    url = cw.committee.get_absolute_url()
    carol = client_for(cw.carol).get(url)
    assert carol.status_code == 200
    assert "Schedule a meeting" in carol.text and "Add a member" in carol.text
    assert "Carol Chair" in carol.text and "Elected official" in carol.text
    bob = client_for(cw.bob).get(url)
    assert bob.status_code == 200 and "Schedule a meeting" not in bob.text and "End membership" not in bob.text
    for outsider in (cw.charlie, cw.olga):
        assert client_for(outsider).get(url).status_code == 404
    assert client_for(cw.alice).get(cw.south.get_absolute_url()).status_code == 404
    assert client_for(cw.alice).get(reverse("coordination:committee-detail", args=[99999])).status_code == 404


def test_composition_chart_table_and_security_warning(client_for, cw):
    police = OrganisationFactory(name="Harbour Police", sector=cw.police, jurisdiction=cw.city)
    CommitteeMembershipFactory.create_batch(5, committee=cw.committee, organisation=police)
    cw.committee.expected_sectors.set([cw.civil])
    page = client_for(cw.mike).get(cw.committee.get_absolute_url())
    assert "Security actors dominate: 56%" in page.text
    assert 'id="composition-chart"' in page.text and 'id="composition-data"' in page.text
    assert "vendor/chartjs/chart.umd.min.js" in page.text and "cdn" not in page.text.lower()
    assert "<caption>Members by sector</caption>" in page.text


def test_create_committee_through_the_form_and_refuse_outside_scope(client_for, cw):
    c = client_for(cw.alice)
    response = c.post(
        reverse("coordination:committee-create"),
        {
            "name": "Harbour CAT",
            "kind": "cat",
            "jurisdiction": cw.city.pk,
            "status": "active",
            "quorum_rule": "none",
            "parent": cw.committee.pk,
        },
    )
    committee = Committee.objects.get(name="Harbour CAT")
    assert response.status_code == 302 and response["Location"] == committee.get_absolute_url()
    before = Committee.objects.count()
    bad = c.post(
        reverse("coordination:committee-create"),
        {
            "name": "Elsewhere",
            "kind": "cat",
            "jurisdiction": cw.other_district.pk,
            "status": "active",
            "quorum_rule": "none",
        },
    )
    assert bad.status_code == 200 and "Select a valid choice" in bad.text
    assert Committee.objects.count() == before
    assert client_for(cw.bob).get(reverse("coordination:committee-create")).status_code == 403


def test_add_a_member_through_the_form(client_for, cw):
    person = PositionFactory(person__full_name="Nadia New", organisation=cw.org).person
    url = reverse("coordination:membership-add", args=[cw.committee.pk])
    assert client_for(cw.mike).get(url).status_code == 403
    assert client_for(cw.charlie).get(url).status_code == 404
    response = client_for(cw.sam).post(url, {"person": person.pk, "organisation": cw.org.pk, "role": "member"})
    assert response.status_code == 302
    assert cw.committee.memberships.filter(person=person).exists()
    again = client_for(cw.sam).post(url, {"person": person.pk, "role": "member"})
    assert again.status_code == 200 and "already a member" in again.text


def test_schedule_a_recurring_meeting_through_the_form(client_for, cw):
    url = reverse("coordination:meeting-create", args=[cw.committee.pk])
    start = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    response = client_for(cw.carol).post(
        url,
        {
            "title": "Monthly TLCC",
            "starts_at": _local(start),
            "ends_at": _local(start + timedelta(hours=2)),
            "location": "Town hall",
            "recurrence": "FREQ=MONTHLY;COUNT=6",
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.filter(title="Monthly TLCC").count() == 6


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ends_at": -1}, "A meeting must end after it starts"),
        ({"recurrence": "FREQ=WEEKLY"}, "never ends"),
        ({"recurrence": "FREQ=WEEKLY;BYDAY=XX;COUNT=3"}, "malformed"),
        ({"online_url": "javascript:alert(1)"}, "Enter a valid URL"),
        ({"title": ""}, "This field is required"),
    ],
)
def test_bad_meeting_input_gets_a_clear_error_and_nothing_is_saved(client_for, cw, data, message):
    start = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    payload = {"title": "M", "starts_at": _local(start), "ends_at": _local(start + timedelta(hours=1))}
    if data.get("ends_at") == -1:
        data = {"ends_at": _local(start - timedelta(hours=1))}
    payload.update(data)
    response = client_for(cw.carol).post(reverse("coordination:meeting-create", args=[cw.committee.pk]), payload)
    assert response.status_code == 200
    assert message in response.text
    assert not Meeting.objects.exists()


def test_meeting_page_personas_and_reply(client_for, cw):
    meeting = _meeting(cw)
    url = meeting.get_absolute_url()
    assert client_for(cw.charlie).get(url).status_code == 404
    bob = client_for(cw.bob).get(url)
    assert (
        bob.status_code == 200
        and "Your invitation" not in bob.text
        and "Attendance, minutes and outcomes" not in bob.text
    )
    mike = client_for(cw.mike)
    assert "Your invitation" in mike.get(url).text
    response = mike.post(
        reverse("coordination:meeting-reply", args=[meeting.pk]), {"response": "accepted"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "<html" not in response.text and "Accepted" in response.text
    assert Invitation.objects.get(meeting=meeting, person=cw.mike_person).response == "accepted"
    assert (
        client_for(cw.alice)
        .post(reverse("coordination:meeting-reply", args=[meeting.pk]), {"response": "accepted"})
        .status_code
        == 403
    )  # not invited
    assert "Attendance, minutes and outcomes" in client_for(cw.sam).get(url).text


def test_build_the_agenda_and_refuse_a_duplicate_order(client_for, cw):
    meeting = _meeting(cw)
    sam = client_for(cw.sam)
    add = reverse("coordination:agenda-item-add", args=[meeting.pk])
    assert sam.post(add, {"title": "Opening", "order": 1}).status_code == 302
    assert sam.post(add, {"title": "Reports", "presenter": "Sam", "duration_minutes": 20}).status_code == 302
    clash = sam.post(add, {"title": "Clash", "order": 1})
    assert clash.status_code == 200 and "Another agenda item already has this place" in clash.text
    assert meeting.agenda_items.count() == 2
    reports = meeting.agenda_items.get(title="Reports")
    assert sam.post(reverse("coordination:agenda-item-move", args=[reports.pk]), {"direction": "up"}).status_code == 302
    assert list(meeting.agenda_items.order_by("order").values_list("title", flat=True)) == ["Reports", "Opening"]
    assert client_for(cw.mike).post(add, {"title": "Mine"}).status_code == 403


def test_record_attendance_minutes_decision_and_approve(client_for, cw):
    meeting = _meeting(cw, days=-1)
    nxt = _meeting(cw, days=37, title="Next")
    item = services.agenda_item_add(actor=cw.sam, meeting=meeting, title="Youth outreach")
    sam = client_for(cw.sam)
    response = sam.post(
        reverse("coordination:attendance-edit", args=[meeting.pk]),
        {
            f"status_{cw.carol_person.pk}": "present",
            f"status_{cw.sam_person.pk}": "present",
            f"status_{cw.mike_person.pk}": "represented",
            f"represented_by_{cw.mike_person.pk}": cw.olly_person.pk,
            f"status_{cw.olly_person.pk}": "",
        },
    )
    assert response.status_code == 302
    # Sam's own row is not his to record (ADR 0003: attendance is a grant); the chair records it.
    assert Attendance.objects.filter(meeting=meeting).count() == 2
    assert not Attendance.objects.filter(meeting=meeting, person=cw.sam_person).exists()
    chair = client_for(cw.carol)
    form = chair.get(reverse("coordination:attendance-edit", args=[meeting.pk]))
    assert f'name="status_{cw.carol_person.pk}"' not in form.text and f'name="status_{cw.sam_person.pk}"' in form.text
    assert (
        chair.post(
            reverse("coordination:attendance-edit", args=[meeting.pk]), {f"status_{cw.sam_person.pk}": "present"}
        ).status_code
        == 302
    )
    assert Attendance.objects.filter(meeting=meeting).count() == 3
    minutes_url = reverse("coordination:item-minutes", args=[item.pk])
    assert (
        sam.post(
            minutes_url,
            {
                "save_minutes": "1",
                "minutes": '<p>Good <a href="javascript:x()">talk</a></p><script>bad()</script>',
                "status": "closed",
            },
        ).status_code
        == 302
    )
    assert (
        sam.post(
            minutes_url,
            {
                "add_decision": "1",
                "decision-kind": "decision",
                "decision-text": "Open a desk",
                "decision-owner": cw.mike_person.pk,
                "decision-status": "open",
            },
        ).status_code
        == 302
    )
    page = client_for(cw.mike).get(meeting.get_absolute_url())
    assert "Open a desk" in page.text and "<script>bad" not in page.text and "javascript:" not in page.text
    assert "quorum met" in page.text
    approve = reverse("coordination:minutes-approve", args=[meeting.pk])
    assert client_for(cw.mike).post(approve, {"confirm": "1"}).status_code == 403
    assert sam.post(approve, {"confirm": "1"}).status_code == 302
    assert nxt.agenda_items.filter(follow_up_of__text="Open a desk").exists()
    assert "Minutes approved on" in sam.get(meeting.get_absolute_url()).text
    assert sam.get(minutes_url).status_code == 200  # the page shows; saving is refused
    locked = sam.post(minutes_url, {"save_minutes": "1", "minutes": "<p>changed</p>", "status": "closed"})
    assert "locked" in locked.text


def test_confidential_minutes_on_the_page(client_for, cw):
    meeting = MeetingFactory(committee=cw.committee, is_confidential=True, status="minutes_drafted")
    AttendanceFactory(meeting=meeting, person=cw.sam_person)
    item = AgendaItemFactory(meeting=meeting, title="A family case", minutes="<p>Sensitive detail</p>")
    DecisionFactory(agenda_item=item, text="Refer to services")
    for user in (cw.bob, cw.alice, cw.carol, cw.admin):
        page = client_for(user).get(meeting.get_absolute_url())
        assert page.status_code == 200
        assert "Sensitive detail" not in page.text and "Refer to services" not in page.text
        assert "shown to those who attended only" in page.text
        printed = client_for(user).get(reverse("coordination:meeting-print", args=[meeting.pk]))
        assert "Sensitive detail" not in printed.text
    sam = client_for(cw.sam).get(meeting.get_absolute_url())
    assert "Sensitive detail" in sam.text and "Refer to services" in sam.text
    assert client_for(cw.carol).get(reverse("coordination:item-minutes", args=[item.pk])).status_code == 403


def test_printable_agenda_and_minutes(client_for, cw):
    meeting = _meeting(cw)
    AgendaItemFactory(meeting=meeting, title="Opening", presenter="Mayor", duration_minutes=10)
    page = client_for(cw.mike).get(reverse("coordination:meeting-print", args=[meeting.pk]))
    assert page.status_code == 200
    assert "data-print" in page.text and "coordination/print.css" in page.text and 'media="print"' in page.text
    assert "Opening" in page.text and "Mayor" in page.text
    assert client_for(cw.charlie).get(reverse("coordination:meeting-print", args=[meeting.pk])).status_code == 404


def test_backlog_propose_and_schedule(client_for, cw):
    meeting = _meeting(cw)
    mike = client_for(cw.mike)
    assert (
        mike.post(
            reverse("coordination:backlog-propose", args=[cw.committee.pk]), {"title": "Hate incidents at schools"}
        ).status_code
        == 302
    )
    item = AgendaItem.objects.get(title="Hate incidents at schools")
    assert (
        client_for(cw.charlie)
        .post(reverse("coordination:backlog-propose", args=[cw.committee.pk]), {"title": "x"})
        .status_code
        == 404
    )
    assert "Hate incidents at schools" in client_for(cw.sam).get(meeting.get_absolute_url()).text
    assert (
        mike.post(reverse("coordination:agenda-item-schedule", args=[meeting.pk]), {"item": item.pk}).status_code == 403
    )
    client_for(cw.sam).post(reverse("coordination:agenda-item-schedule", args=[meeting.pk]), {"item": item.pk})
    item.refresh_from_db()
    assert item.meeting == meeting


def test_decision_owner_updates_progress(client_for, cw):
    meeting = MeetingFactory(committee=cw.committee, status="minutes_approved")
    decision = DecisionFactory(agenda_item=AgendaItemFactory(meeting=meeting), owner=cw.mike_person)
    url = reverse("coordination:decision-edit", args=[decision.pk])
    assert client_for(cw.mike).post(url, {"status": "done", "owner": cw.mike_person.pk}).status_code == 302
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DONE
    assert client_for(cw.olly).get(url).status_code == 403
    assert client_for(cw.charlie).get(url).status_code == 404


def test_calendar_page_shows_visible_meetings_of_the_month(client_for, cw):
    start = timezone.localtime().replace(day=10, hour=10, minute=0, second=0, microsecond=0)
    MeetingFactory(committee=cw.committee, title="Harbour monthly", starts_at=start, ends_at=start + timedelta(hours=1))
    MeetingFactory(committee=cw.south, title="South secret", starts_at=start, ends_at=start + timedelta(hours=1))
    page = client_for(cw.mike).get(reverse("coordination:calendar"), {"month": start.strftime("%Y-%m")})
    assert "Harbour monthly" in page.text and "South secret" not in page.text
    partial = client_for(cw.mike).get(
        reverse("coordination:calendar"),
        {"month": start.strftime("%Y-%m"), "committee": cw.committee.pk},
        HTTP_HX_REQUEST="true",
    )
    assert "<html" not in partial.text and "Harbour monthly" in partial.text
    assert (
        "Harbour monthly"
        not in client_for(cw.charlie).get(reverse("coordination:calendar"), {"month": start.strftime("%Y-%m")}).text
    )


def test_personal_calendar_feed(client, client_for, cw):
    invited = _meeting(cw, title="Invited one")
    confidential = MeetingFactory(
        committee=cw.committee, title="Safe space", is_confidential=True, status="minutes_drafted"
    )
    InvitationFactory(meeting=confidential, person=cw.mike_person)
    AgendaItemFactory(meeting=confidential, title="Case review", minutes="<p>Secret minutes</p>")
    MeetingFactory(committee=cw.committee, title="Not invited")
    settings_page = client_for(cw.mike).get(reverse("coordination:calendar-feed-settings"))
    token = cw.mike.calendar_feed.token
    feed_url = reverse("coordination:calendar-feed", args=[token])
    assert feed_url in settings_page.text
    feed = client.get(feed_url)  # no session: the secret is the key
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert "Invited one" in body and "Safe space" in body and "CLASS:CONFIDENTIAL" in body
    assert "Not invited" not in body and "Secret minutes" not in body and "Case review" not in body
    assert f"UID:{invited.uid}@" in body
    client_for(cw.mike).post(reverse("coordination:calendar-feed-settings"))
    assert client.get(feed_url).status_code == 404
    assert client.get(reverse("coordination:calendar-feed", args=["not-a-token"])).status_code == 404


def test_feed_of_a_series_uses_one_rrule_event(client, cw):
    first = _meeting(cw, title="Weekly", recurrence="FREQ=WEEKLY;COUNT=3")
    moved = first.series.meetings.order_by("starts_at")[1]
    services.meeting_update(
        actor=cw.sam,
        meeting=moved,
        starts_at=moved.starts_at + timedelta(hours=1),
        ends_at=moved.ends_at + timedelta(hours=1),
    )
    cancelled = first.series.meetings.order_by("starts_at")[2]
    services.meeting_cancel(actor=cw.sam, meeting=cancelled)
    token = services.calendar_feed_token_get(user=cw.mike).token
    body = client.get(reverse("coordination:calendar-feed", args=[token])).content.decode()
    assert body.count("RRULE:FREQ=WEEKLY;COUNT=3") == 1
    assert body.count("RECURRENCE-ID") == 1 and "EXDATE" in body


def test_dashboard_panels(client_for, cw):
    meeting = _meeting(cw, title="Next TLCC")
    DecisionFactory(
        agenda_item=AgendaItemFactory(meeting=meeting),
        owner=cw.mike_person,
        text="Draft the plan",
        due_date=timezone.localdate() - timedelta(days=1),
    )
    page = client_for(cw.mike).get(reverse("home"))
    assert "Your committees and next meetings" in page.text and "Harbour City Coordination Committee" in page.text
    assert "Your open decisions" in page.text and "Draft the plan" in page.text and "overdue" in page.text
    assert "Your committees" not in client_for(cw.charlie).get(reverse("home")).text


# --- Query budgets: they do not grow with members, meetings or agenda items ----------------------


def _grow(cw, n: int) -> Meeting:  # type: ignore[no-untyped-def]
    police = OrganisationFactory(name="Harbour Police", sector=cw.police, jurisdiction=cw.city)
    people = PersonFactory.create_batch(n)
    for p in people:
        CommitteeMembershipFactory(committee=cw.committee, person=p, organisation=police)
    start = timezone.localtime().replace(day=12, hour=9, minute=0, second=0, microsecond=0)
    meetings = [
        MeetingFactory(
            committee=cw.committee, starts_at=start + timedelta(hours=i), ends_at=start + timedelta(hours=i, minutes=30)
        )
        for i in range(n)
    ]
    meeting = meetings[0]
    for i, p in enumerate(people):
        InvitationFactory(meeting=meeting, person=p)
        AttendanceFactory(meeting=meeting, person=p, status="present")
        item = AgendaItemFactory(meeting=meeting, order=i + 1, minutes="<p>m</p>")
        DecisionFactory(agenda_item=item, owner=p)
        AgendaItemFactory(meeting=None, committee=cw.committee, order=None, status="proposed")
    for _ in range(n):
        CommitteeMembershipFactory(
            committee=Committee.objects.create(name=f"C{_}-{n}", kind="lpn", jurisdiction=cw.city)
        )
    meeting.status = "minutes_drafted"
    meeting.save()
    return meeting


@pytest.mark.parametrize("n", [3, 25])
def test_committee_list_query_budget(client_for, cw, django_assert_max_num_queries, n):
    _grow(cw, n)
    c = client_for(cw.alice)
    with django_assert_max_num_queries(9):  # + the subtree ids read with the roles (once)
        assert c.get(reverse("coordination:committee-list")).status_code == 200


@pytest.mark.parametrize("n", [3, 25])
def test_committee_page_query_budget(client_for, cw, django_assert_max_num_queries, n):
    _grow(cw, n)
    c = client_for(cw.sam)
    with django_assert_max_num_queries(16):  # + the committee's papers, the backlog items' papers
        assert c.get(cw.committee.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("n", [3, 25])
def test_meeting_page_query_budget(client_for, cw, django_assert_max_num_queries, n):
    meeting = _grow(cw, n)
    c = client_for(cw.sam)
    # + the items' papers, whether the committee is visible, the user's seats (core.roles: what
    # explicit grants reach them, read once for the request)
    with django_assert_max_num_queries(16):
        assert c.get(meeting.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(14):  # + the items' papers, the user's seats
        assert c.get(reverse("coordination:meeting-print", args=[meeting.pk])).status_code == 200


@pytest.mark.parametrize("n", [3, 25])
def test_calendar_query_budget(client, client_for, cw, django_assert_max_num_queries, n):
    meeting = _grow(cw, n)
    for m in Meeting.objects.filter(committee=cw.committee).exclude(pk=meeting.pk):
        InvitationFactory(meeting=m, person=cw.mike_person)
    c = client_for(cw.mike)
    token = services.calendar_feed_token_get(user=cw.mike).token
    month = {"month": timezone.localtime(meeting.starts_at).strftime("%Y-%m")}
    with django_assert_max_num_queries(8):
        assert c.get(reverse("coordination:calendar"), month).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(reverse("coordination:calendar-feed", args=[token])).status_code == 200


def test_a_summoned_official_sees_and_answers_that_meeting_only(client_for, cw):
    from tests.factories import UserFactory

    official_user = UserFactory(email="dc@example.org")
    official = directory_person(cw.org, full_name="Deputy Commissioner", user=official_user)
    meeting = _meeting(cw)
    other = _meeting(cw, days=20)
    services.invitation_add(actor=cw.sam, meeting=meeting, person=official)
    c = client_for(official_user)
    page = c.get(meeting.get_absolute_url())
    assert page.status_code == 200 and "Your invitation" in page.text and "Record attendance" not in page.text
    assert c.post(reverse("coordination:meeting-reply", args=[meeting.pk]), {"response": "accepted"}).status_code == 302
    assert c.get(other.get_absolute_url()).status_code == 404
    assert c.get(cw.committee.get_absolute_url()).status_code == 404


def test_feed_of_a_deactivated_account_is_gone(client, cw):
    token = services.calendar_feed_token_get(user=cw.mike).token
    cw.mike.is_active = False
    cw.mike.save()
    assert client.get(reverse("coordination:calendar-feed", args=[token])).status_code == 404


def test_editing_a_committee_on_its_page_is_audited_with_what_changed(cw, client_for):
    from core.models import AuditEvent

    url = reverse("coordination:committee-update", args=[cw.committee.pk])
    c = client_for(cw.alice)
    form = c.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["expected_sectors"] = [s.pk for s in form.initial.get("expected_sectors", [])]
    data["remit"] = "Prevent hate in the harbour wards"
    assert c.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action="committee.update", target_id=str(cw.committee.pk))
    assert event.changes["remit"][1] == "Prevent hate in the harbour wards"
    assert event.actor == cw.alice


def test_a_meeting_ending_before_it_starts_is_refused_on_the_page(cw, client_for):

    url = reverse("coordination:meeting-create", args=[cw.committee.pk])
    response = client_for(cw.carol).post(
        url, {"title": "Backwards", "starts_at": "2031-03-01T10:00", "ends_at": "2031-03-01T09:00"}
    )
    assert response.status_code == 200
    assert "must end after it starts" in response.text
    assert not Meeting.objects.filter(title="Backwards").exists()


@pytest.mark.parametrize("rows", [2, 12])
def test_dashboard_query_budget_does_not_grow_with_committees_decisions_or_notifications(
    cw, client_for, django_assert_max_num_queries, rows
):
    """The dashboard gathers every app's panels: roles, committees with next meetings, open
    decisions, reviews due, notifications."""
    from core.services import notification_send

    for i in range(rows):
        committee = CommitteeFactory(
            name=f"Ward forum {i}", jurisdiction=cw.city, mandate_review_date=timezone.localdate()
        )
        CommitteeMembershipFactory(committee=committee, person=cw.sam_person, role="secretary")
        start = timezone.now() + timedelta(days=3 + i)
        services.meeting_schedule(
            actor=cw.alice,
            committee=committee,
            title=f"Meeting {i}",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
        notification_send(recipient=cw.sam, title=f"Note {i}")
    c = client_for(cw.sam)
    # every app's panel and the bell, whatever the number of rows (the work-queue panels: coming up,
    # minutes to do, overdue, awaiting reply, one query each); the user's seats, organisations and
    # sharing roles are read once for every panel (core.roles)
    with django_assert_max_num_queries(17):
        page = c.get("/")
    assert page.status_code == 200
    assert "Ward forum 0" in page.text and "Reviews due" in page.text
