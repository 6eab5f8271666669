"""The secretariat's month in real Chromium: a monthly TLCC meeting in Tangail with three agenda
items, published and sent, an item changed (one update e-mail each), attendance with "Mark all
present" and one apology, minutes with a decision, approval, the minutes PDF, and the decision
found through the header search."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from coordination.models import Committee, CommitteeMembership, Meeting
from tests.factories import JurisdictionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_secretariats_month(live_server, page: Page, world, login, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    tangail = JurisdictionFactory(name="Tangail", code="BD-TG", level="city", parent=world.district)
    committee = Committee.objects.create(name="Tangail TLCC", acronym="TLCC", kind="tlcc", jurisdiction=tangail)
    for name, email, role in [
        ("Rahima Begum", "rahima@example.org", "chair"),
        ("Karim Uddin", "karim@example.org", "member"),
        ("Nasrin Akter", "nasrin@example.org", "member"),
    ]:
        CommitteeMembership.objects.create(
            committee=committee, person=PersonFactory(full_name=name, email=email, jurisdiction=tangail), role=role
        )
    secretary = UserFactory(email="sec@example.org", full_name="Sabbir Secretary")
    CommitteeMembership.objects.create(
        committee=committee,
        person=PersonFactory(full_name="Sabbir Secretary", email="sec@example.org", user=secretary),
        role="secretary",
    )
    login(world.alice)  # the coordinator runs the secretariat here

    # schedule a monthly meeting (the plain-language builder), three agenda items
    page.goto(f"{live_server.url}{committee.get_absolute_url()}meetings/new/")
    start = timezone.localtime() + timedelta(days=3)
    page.get_by_label("Title").fill("Tangail TLCC monthly meeting")
    page.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Ends").fill(start.strftime("%Y-%m-%dT12:00"))
    page.get_by_label("Repeat", exact=True).select_option("monthly")
    page.get_by_label("Or this many times").fill("6")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("draft: invitations not sent")).to_be_visible()
    meeting = Meeting.objects.filter(committee=committee).order_by("starts_at").first()
    assert meeting is not None and meeting.series is not None and "FREQ=MONTHLY" in meeting.series.rrule
    for title in ("Youth outreach", "School safety", "Market day security"):
        page.locator("details", has=page.locator("summary", has_text="Add an agenda item")).evaluate(
            "d => { d.open = true; }"
        )
        page.locator("#id_title").fill(title)
        page.get_by_role("button", name="Add to the agenda").click()
    assert mail.outbox == []

    # publish and send, after the preview
    page.get_by_role("link", name="Publish agenda and send invitations").click()
    expect(page.get_by_text("Invitation: Tangail TLCC monthly meeting")).to_be_visible()
    page.get_by_role("button", name="Publish and send the invitations").click()
    expect(page.get_by_text("Agenda published")).to_be_visible()
    assert len(mail.outbox) == 4

    # change an item: one update e-mail to each invitee
    mail.outbox.clear()
    page.get_by_role("link", name="Edit School safety").click()
    page.locator("#id_title").fill("School safety and transport")
    page.get_by_role("button", name="Save", exact=True).click()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "karim@example.org",
        "nasrin@example.org",
        "rahima@example.org",
        "sec@example.org",
    ]
    assert all(m.subject == "Updated: Tangail TLCC monthly meeting" for m in mail.outbox)

    # the meeting takes place
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(minutes=5)
    )
    page.goto(f"{live_server.url}/coordination/meetings/{meeting.pk}/workspace/")
    page.get_by_role("button", name="Mark all present").click()
    page.get_by_label("Attendance of Nasrin Akter").select_option("apologies")
    first = meeting.agenda_items.get(title="Youth outreach")
    page.locator(f"#id_minutes_{first.pk}").fill("<p>The youth forum reported on outreach.</p>")
    page.locator(f"#id_decision_text_{first.pk}").fill("Open a youth desk at the Tangail market")
    page.get_by_role("button", name="Save attendance, minutes and outcomes").click()
    expect(page.get_by_text("Attendance, minutes and outcomes saved.")).to_be_visible()
    assert dict(meeting.attendance.values_list("person__full_name", "status"))["Nasrin Akter"] == "apologies"

    # approve (items without minutes: confirm)
    page.goto(f"{live_server.url}/coordination/meetings/{meeting.pk}/approve/")
    page.get_by_label("I have read these warnings and approve the minutes as they are").check()
    page.get_by_role("button", name="Approve the minutes").click()
    expect(page.get_by_text("Minutes approved on", exact=False)).to_be_visible()

    # download the minutes PDF
    with page.expect_download() as download:
        page.get_by_role("link", name="Minutes (PDF)").click()
    assert download.value.suggested_filename.startswith("minutes-")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # find the decision through the header search
    page.get_by_role("searchbox").fill("youth desk")
    page.get_by_role("searchbox").press("Enter")
    expect(page.get_by_role("link", name="Open a youth desk at the Tangail market", exact=True)).to_be_visible()
