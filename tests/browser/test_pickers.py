"""The type-ahead pickers in real Chromium, by keyboard only: a secretary invites a guest by typing
part of a name, arrowing to the match and pressing Enter, then submits; the calendar is narrowed to
one committee the same way. The open list box passes axe, and nothing outside the user's reach is
offered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from coordination.models import Invitation
from tests.browser.conftest import pick
from tests.coordination.factories import CommitteeFactory, MeetingFactory
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_pick_by_keyboard_and_submit(live_server, page: Page, world, login, axe):
    committee = CommitteeFactory(name="Harbour Coordination Committee", acronym="HCC", jurisdiction=world.city)
    sports = CommitteeFactory(name="Harbour Sports Board", jurisdiction=world.city)
    CommitteeFactory(name="Harbour South Forum", jurisdiction=world.other_district)  # not alice's
    start = timezone.localtime() + timedelta(days=1)
    meeting = MeetingFactory(
        committee=committee, title="Monthly HCC", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    guest = PersonFactory(full_name="Rahima Khatun", jurisdiction=world.city)
    PersonFactory(full_name="Rahim Uddin", jurisdiction=world.city)
    PersonFactory(full_name="Rahim Hidden", jurisdiction=world.other_district)  # alice may not see
    login(world.alice)

    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    box = page.get_by_role("combobox", name="Person")
    box.press_sequentially("Rahim", delay=20)
    listbox = page.locator(f"#{box.get_attribute('id')}_listbox")
    expect(listbox.get_by_role("option")).to_have_count(2)
    expect(listbox).not_to_contain_text("Rahim Hidden")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    assert axe() == []  # with the list box open and an option active
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    pick(page, "Person", "Rahima", "Rahima Khatun")
    page.get_by_label("Invited as").select_option(label="Guest")
    page.get_by_role("button", name="Invite to this meeting").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Rahima Khatun is invited to this meeting.")).to_be_visible()
    assert Invitation.objects.filter(meeting=meeting, person=guest, kind="guest").exists()

    # Typed text that names nobody is sent as no choice, and the form says so.
    box = page.get_by_role("combobox", name="Person")
    box.press_sequentially("Nobody at all", delay=10)
    page.get_by_role("button", name="Invite to this meeting").click()
    expect(page.get_by_text("Choose a person to invite.")).to_be_visible()

    # The calendar's committee filter, by keyboard: the grid narrows without leaving the page.
    page.goto(f"{live_server.url}/coordination/calendar/?month={start:%Y-%m}")
    expect(page.locator("#calendar-month")).to_contain_text("Monthly HCC")
    box = page.get_by_role("combobox", name="Committee")
    box.press_sequentially("Harbour", delay=20)
    listbox = page.locator(f"#{box.get_attribute('id')}_listbox")
    expect(listbox.get_by_role("option")).to_have_count(2)
    expect(listbox).not_to_contain_text("South Forum")
    pick(page, "Committee", "Sports", "Harbour Sports Board")
    expect(page.locator("#calendar-month")).not_to_contain_text("Monthly HCC")
    expect(page).to_have_url(f"{live_server.url}/coordination/calendar/?month={start:%Y-%m}&committee={sports.pk}")
    assert axe() == []
