"""The issue's scenario in real Chromium: a sharing admin writes an agreement, a partner shares an
AMBER item with one organisation, a member there acknowledges the agreement and reads it, a member
of another organisation cannot find it by list or search and asks for access, the originator
approves for a week, and both reads appear in the access log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from infosharing.models import AccessLog, InformationItem, SharingAdmin
from stakeholders.models import OrganisationMembership
from tests.browser.conftest import pick
from tests.factories import OrganisationFactory, OrganisationMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_agreement_share_acknowledge_request_approve_and_log(live_server, page: Page, world, login, axe):
    police = OrganisationFactory(name="Harbour Police", sector=world.police, jurisdiction=world.city)
    women = OrganisationFactory(name="Harbour Women's Forum", sector=world.civil, jurisdiction=world.city)
    sana = UserFactory(email="sana@example.org", full_name="Sana Sharingadmin")
    SharingAdmin.objects.create(user=sana, organisation=police)
    paula = UserFactory(email="paula@example.org", full_name="Paula Partner")
    OrganisationMembershipFactory(user=paula, organisation=police, role=OrganisationMembership.Role.MEMBER)
    ollie = UserFactory(email="ollie@example.org", full_name="Ollie Otherorg")
    OrganisationMembershipFactory(user=ollie, organisation=women)
    base = f"{live_server.url}/sharing"

    # 1. the sharing admin writes the agreement, records the signatures and makes it active
    login(sana)
    page.goto(f"{base}/agreements/")
    page.get_by_role("link", name="Write an agreement").click()
    page.get_by_label("Title").fill("Harbour safeguarding")
    page.get_by_label("Purpose").fill("Protect young people at risk of recruitment.")
    page.get_by_label("Plain-language summary").fill("Keep what you read to the people named.")
    page.get_by_label("Lawful basis").select_option(label="Public task")
    page.get_by_label("Categories of information").fill("Safeguarding")
    pick(page, "Parties", "Harbour Pol", "Harbour Police")
    pick(page, "Parties, choice 2", "Youth Forum", "Harbour Youth Forum (HYF)")
    pick(page, "Parties, choice 3", "Women", "Harbour Women's Forum")
    page.get_by_label("Disposal").fill("Erased at the end of retention.")
    page.get_by_label("Security measures").fill("Named access, access log.")
    page.get_by_label("How individuals' rights are handled").fill("The police DPO answers.")
    page.get_by_label("Primary user roles").fill("Safeguarding leads")
    page.get_by_label("Highest TLP label allowed").select_option("AMBER")
    page.get_by_label("Next review").fill((timezone.localdate() + timedelta(days=180)).isoformat())
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("heading", name="Harbour safeguarding")).to_be_visible()
    for party in ("Harbour Police", "Harbour Youth Forum (HYF)", "Harbour Women's Forum"):
        page.get_by_label("Party").select_option(label=party)
        page.get_by_label("Signatory").fill(f"Head of {party}")
        page.get_by_label("Signed on").fill(timezone.localdate().isoformat())
        page.get_by_role("button", name="Record", exact=True).click()
    page.get_by_role("button", name="Make active").click()
    expect(page.locator("main")).to_contain_text("Active")
    assert axe() == []

    # 2. a partner shares an AMBER item with one organisation, confirming the widening
    login(paula)
    page.goto(f"{base}/items/new/")
    page.get_by_label("Title").fill("Pupils approached outside the school")
    page.get_by_label("On behalf of").select_option(label="Harbour Police")
    page.get_by_label("TLP label").select_option("AMBER")
    page.get_by_label("Category").fill("Safeguarding")
    page.get_by_label("Agreement cited").select_option(label="Harbour safeguarding")
    page.get_by_label("Facts", exact=True).fill("Two men handed pupils a chat-group link.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".tlp").first).to_have_text("TLP:AMBER")
    item = InformationItem.objects.get()
    page.get_by_role("link", name="Share", exact=True).click()
    page.get_by_label("Share with").select_option("organisation")
    page.get_by_label("Organisation").select_option(label="Harbour Youth Forum (HYF)")
    page.get_by_label("Reason").fill("The forum works with these pupils")
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_text("You are widening access.")).to_be_visible()
    page.get_by_role("button", name="Confirm and share").click()
    expect(page.get_by_text("Access given.")).to_be_visible()

    # 3. a member of that organisation acknowledges the agreement and reads the item
    login(world.mona)
    page.goto(f"{base}/")
    page.get_by_role("link", name="Pupils approached outside the school").click()
    expect(page.get_by_text("Keep what you read to the people named.")).to_be_visible()
    expect(page.get_by_text("Two men handed pupils")).to_have_count(0)
    page.get_by_role("button", name="I have read this").click()
    expect(page.get_by_text("Two men handed pupils a chat-group link.")).to_be_visible()
    assert axe() == []

    # 4. a member of another organisation cannot find it, and asks for access by its reference
    login(ollie)
    page.goto(f"{base}/")
    expect(page.get_by_text("Pupils approached")).to_have_count(0)
    page.get_by_role("textbox", name="Search").fill("pupils")
    page.get_by_role("main").get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("Nothing shared with you matches.")).to_be_visible()
    assert page.goto(f"{base}/items/{item.pk}/").status == 404
    page.goto(f"{base}/requests/")
    page.get_by_label("Item reference").fill(item.reference)
    page.get_by_label("Why you need it").fill("One of the pupils attends our girls' club")
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_text("If an item with this reference exists")).to_be_visible()

    # 5. the originator approves for a week
    login(paula)
    page.goto(f"{base}/requests/")
    expect(page.get_by_text("One of the pupils attends our girls' club")).to_be_visible()
    page.get_by_label("Days (empty: until revoked)").fill("7")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Access given.")).to_be_visible()

    # 6. the requester reads it now
    login(ollie)
    page.goto(f"{base}/items/{item.pk}/")
    page.get_by_role("button", name="I have read this").click()
    expect(page.get_by_text("Two men handed pupils a chat-group link.")).to_be_visible()

    # 7. both reads are in the access log the originator reads
    login(paula)
    page.goto(f"{base}/items/{item.pk}/log/")
    log = page.locator("table").first
    expect(log).to_contain_text("Mona Member")
    expect(log).to_contain_text("Ollie Otherorg")
    readers = set(AccessLog.objects.filter(item=item, event="view").values_list("actor__email", flat=True))
    assert {"mona@example.org", "ollie@example.org"} <= readers and "charlie@example.org" not in readers
    grant = item.grants.get(grantee_id=ollie.pk)
    assert grant.expires_at is not None and timedelta(days=6) < grant.expires_at - timezone.now() <= timedelta(days=7)
