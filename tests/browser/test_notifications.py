"""A member chooses a daily digest; an overdue decision gives one bell notification and one digest
entry; following the notification opens the decision."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from coordination.models import CommitteeMembership, Decision, Meeting
from core.models import Notification
from core.notifications.jobs import run
from tests.coordination.factories import AgendaItemFactory, CommitteeFactory, CommitteeMembershipFactory, MeetingFactory
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_daily_digest_bell_and_link(live_server, page: Page, world, login, axe):
    mike = UserFactory(email="mike@example.org", full_name="Mike Member")
    person = PersonFactory(full_name="Mike Member", email=mike.email, user=mike)
    committee = CommitteeFactory(name="Harbour committee", jurisdiction=world.city)
    CommitteeMembershipFactory(committee=committee, person=person, role=CommitteeMembership.Role.MEMBER)
    login(mike)

    # 1. Mike asks for decisions overdue in a daily digest.
    page.goto(f"{live_server.url}/profile/notifications/preferences/")
    page.get_by_label("Decisions and follow-up actions overdue").select_option(label="Daily digest")
    page.get_by_label("Your time zone").fill("Europe/Skopje")
    assert axe() == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()

    # 2. A decision he owns falls overdue; the job runs (in the evening, then the next morning).
    past = timezone.now() - timedelta(days=14)
    meeting = MeetingFactory(
        committee=committee, starts_at=past, ends_at=past + timedelta(hours=1), status=Meeting.Status.MINUTES_APPROVED
    )
    decision = Decision.objects.create(
        agenda_item=AgendaItemFactory(meeting=meeting),
        meeting=meeting,
        committee=committee,
        kind=Decision.Kind.ACTION,
        text="Print the youth survey",
        owner=person,
        due_date=timezone.localdate() - timedelta(days=2),
    )
    run()
    assert mail.outbox == []  # it waits for the digest
    run(now=timezone.now() + timedelta(days=1))
    run(now=timezone.now() + timedelta(days=1, minutes=15))
    digests = [m for m in mail.outbox if "digest" in m.subject]
    assert len(digests) == 1 and digests[0].to == ["mike@example.org"]
    assert digests[0].body.count("Print the youth survey") == 1
    assert Notification.objects.filter(recipient=mike).count() == 1

    # 3. The bell shows it; following it opens the decision and marks it read.
    page.goto(f"{live_server.url}/profile/")
    bell = page.locator("#notification-bell")
    expect(bell).to_contain_text("1")
    bell.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    assert axe() == []
    page.get_by_role("link", name="Print the youth survey").click()
    expect(page).to_have_url(f"{live_server.url}{meeting.get_absolute_url()}#decision-{decision.pk}")
    expect(page.locator(f"#decision-{decision.pk}")).to_contain_text("Print the youth survey")
    expect(page.locator("#notification-bell .badge")).to_have_count(0)
