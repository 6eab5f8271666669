"""A coordinator runs a committee end to end in real Chromium: creates it, seats members, schedules
a recurring meeting, builds the agenda, records attendance, minutes and a decision, approves the
minutes, and finds the open decision carried to the next meeting."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from coordination.models import Committee, CommitteeMembership, Decision, Meeting
from tests.browser.conftest import pick
from tests.factories import PersonFactory, PositionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_committee_meeting_end_to_end(live_server, page: Page, world, login, axe):
    carol = UserFactory(email="carol@example.org", full_name="Carol Chair")
    PositionFactory(person=PersonFactory(full_name="Carol Chair", user=carol), organisation=world.org, title="Mayor")
    PositionFactory(person=PersonFactory(full_name="Mike Member"), organisation=world.org, title="Youth worker")
    login(world.alice)

    # 1. create the committee
    page.goto(f"{live_server.url}/coordination/")
    page.get_by_role("link", name="Create a committee").click()
    page.get_by_label("Name", exact=False).first.fill("Harbour Town-Level Coordination Committee")
    page.get_by_label("Kind").select_option(label="Town-Level Coordination Committee")
    page.get_by_label("Jurisdiction").select_option(label="Harbour City")
    page.get_by_label("Quorum rule").select_option(label="At least this many members")
    page.get_by_label("Quorum", exact=True).fill("2")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Harbour Town-Level Coordination Committee")).to_be_visible()
    committee = Committee.objects.get(name="Harbour Town-Level Coordination Committee")

    # 2. seat a chair and a member
    page.get_by_role("link", name="Add a member").click()
    pick(page, "Person", "Carol", "Carol Chair")
    pick(page, "Representing", "Harbour Yo", "Harbour Youth Forum (HYF)")
    page.get_by_label("Role").select_option(label="Chair")
    page.get_by_label("Designation").select_option(label="Elected official")
    page.get_by_role("button", name="Save and add another").click()
    pick(page, "Person", "Mike", "Mike Member")
    pick(page, "Representing", "HYF", "Harbour Youth Forum (HYF)")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="2 members")).to_be_visible()
    expect(page.locator("#composition")).to_contain_text("Civil society")
    assert axe() == []

    # 3. schedule a recurring meeting
    page.get_by_role("link", name="Schedule a meeting").click()
    start = timezone.localtime() + timedelta(days=2)
    page.get_by_label("Title").fill("Harbour TLCC")
    page.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Ends").fill(start.strftime("%Y-%m-%dT12:00"))
    page.get_by_label("Place").fill("Town hall")
    page.get_by_label("Or an RFC 5545 rule (advanced)").fill("FREQ=WEEKLY")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("The recurrence never ends")).to_be_visible()
    assert not Meeting.objects.exists()
    page.get_by_label("Or an RFC 5545 rule (advanced)").fill("FREQ=WEEKLY;COUNT=3")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Harbour TLCC")).to_be_visible()
    assert committee.meetings.count() == 3

    # 4. build the agenda
    page.locator("#id_title").fill("Youth centre closure")
    page.get_by_label("Presenter").fill("Mike Member")
    page.get_by_role("button", name="Add to the agenda").click()
    page.locator("summary", has_text="Add an agenda item").click()
    page.locator("#id_title").fill("Welcome")
    page.get_by_role("button", name="Add to the agenda").click()
    page.get_by_role("button", name="Up Welcome").click()
    expect(page.locator("#agenda h3").first).to_have_text("1. Welcome")
    assert axe() == []

    # 5. record attendance
    meeting = committee.meetings.order_by("starts_at").first()
    assert meeting is not None
    # the first meeting takes place (its minutes can be approved only once it has started); the
    # members were seated before it, even when two hours ago was yesterday
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(minutes=5)
    )
    CommitteeMembership.objects.filter(committee=committee).update(start_date=timezone.localdate() - timedelta(days=30))
    page.goto(f"{live_server.url}/coordination/meetings/{meeting.pk}/attendance/")
    page.get_by_label("Attendance of Carol Chair").select_option("present")
    page.get_by_label("Attendance of Mike Member").select_option("present")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("quorum met")).to_be_visible()

    # 6. minutes (sanitised) and a decision
    item = meeting.agenda_items.get(title="Youth centre closure")
    page.goto(f"{live_server.url}/coordination/agenda-items/{item.pk}/minutes/")
    page.get_by_label("Minutes").fill('<p>The centre closes in May.</p><script>alert("x")</script>')
    page.get_by_label("After this meeting the item is").select_option(label="Closed")
    page.get_by_role("button", name="Save the minutes").click()
    page.goto(f"{live_server.url}/coordination/agenda-items/{item.pk}/minutes/")
    page.get_by_label("Text").fill("Find a new venue for the youth club")
    pick(page, "Owner", "Mike M", "Mike Member")
    page.get_by_role("button", name="Record the outcome").click()
    page.get_by_role("link", name="Back to the meeting").click()
    expect(page.locator("#agenda")).to_contain_text("The centre closes in May.")
    expect(page.locator("#agenda")).to_contain_text("Find a new venue for the youth club")
    assert "<script>alert" not in page.content()

    # 7. approve the minutes (a confirmation step: "Welcome" has no minutes)
    page.get_by_role("link", name="Approve the minutes").click()
    page.get_by_label("I have read these warnings and approve the minutes as they are").check()
    page.get_by_role("button", name="Approve the minutes").click()
    expect(page.get_by_text(re.compile("Minutes approved on"))).to_be_visible()
    expect(page.get_by_role("button", name="Approve the minutes")).to_have_count(0)
    assert Decision.objects.get().status == "open"

    # 8. the open decision is on the next meeting's agenda
    page.get_by_role("link", name="Harbour Town-Level Coordination Committee").click()
    page.locator("#upcoming-heading + ul a").nth(0).click()
    expect(page.locator("#proposals")).to_contain_text("Follow-up: Find a new venue for the youth club")
    page.get_by_role("button", name="Keep on the agenda Follow-up: Find a new venue for the youth club").click()
    expect(page.locator("#agenda")).to_contain_text("Follow-up of an open decision of")

    # the printable version
    page.get_by_role("link", name="Printable agenda and minutes").click()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert axe() == []
