"""A coordinator imports a small CSV with one bad row, sees the row error, fixes it, imports, finds the new
organisation by search and opens the coverage heatmap, in real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from stakeholders.models import Organisation, StakeholderMapping
from tests.factories import StakeholderMappingFactory

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "name,kind,sector,jurisdiction,acronym\n"
ROWS = [
    "Harbour Dockworkers Youth Club,youth,civil-society,RU-N-HC,HDYC",
    "Harbour Women's Circle,women,civil-society,RU-N-HC,",
    "Harbour Chamber of Commerce,private,{sector},RU-N-HC,HCC",
]


def csv_file(sector: str) -> dict[str, object]:
    text = HEADER + "\n".join(ROWS).replace("{sector}", sector) + "\n"
    return {"name": "harbour.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8")}


def test_import_fix_search_and_heatmap(live_server, page: Page, world, login, axe):
    StakeholderMappingFactory(
        jurisdiction=world.district, organisation=world.org, engagement_level=StakeholderMapping.Engagement.COLLABORATE
    )
    login(world.alice)

    page.goto(f"{live_server.url}/registry/organisations/")
    page.get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Import into the registry")).to_be_visible()
    page.get_by_label("The file lists").select_option("organisations")
    page.get_by_label("CSV or XLSX file").set_input_files(csv_file("chambers-of-commerce"))
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("alert")).to_contain_text("1 error: nothing will be imported")
    errors = page.get_by_role("table", name="Errors by line and column")
    expect(errors.get_by_role("row").nth(1)).to_contain_text("4")
    expect(errors.get_by_role("row").nth(1)).to_contain_text("sector")
    expect(errors.get_by_role("row").nth(1)).to_contain_text("“chambers-of-commerce” is not a sector")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    assert axe() == []
    assert not Organisation.objects.filter(name__startswith="Harbour Dockworkers").exists()

    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("CSV or XLSX file").set_input_files(csv_file("civil-society"))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("status").filter(has_text="ready to import")).to_contain_text("All 3 rows")
    page.get_by_role("button", name="Import 3 rows").click()

    expect(page.get_by_role("heading", name="Organisation directory")).to_be_visible()
    expect(page.get_by_text("3 rows imported.")).to_be_visible()
    assert (
        Organisation.objects.filter(
            jurisdiction=world.city,
            name__in=["Harbour Dockworkers Youth Club", "Harbour Women's Circle", "Harbour Chamber of Commerce"],
        ).count()
        == 3
    )

    page.get_by_label("Search", exact=True).fill("dockworkers")
    results = page.locator("#directory-results")
    expect(results).to_contain_text("Harbour Dockworkers Youth Club")
    expect(results).not_to_contain_text("Harbour Women's Circle")
    results.get_by_role("link", name="Harbour Dockworkers Youth Club", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Harbour Dockworkers Youth Club"))).to_be_visible()

    page.get_by_role("link", name="Mapping").click()
    page.get_by_role("link", name="Coverage heatmap North District").click()
    expect(page.get_by_role("heading", name="Coverage heatmap of North District")).to_be_visible()
    table = page.get_by_role("table", name=re.compile("Organisations engaged in the stakeholder map of North"))
    expect(table).to_contain_text("Civil society")
    expect(page.get_by_role("heading", name="Gaps")).to_be_visible()
    assert axe() == []

    # one click from a count to the organisations behind it
    table.get_by_role("link", name=re.compile("^1 Civil society organisations engaged in Harbour City")).click()
    expect(page.locator("#directory-results")).to_contain_text("Harbour Youth Forum")
    expect(page.locator("#directory-results")).not_to_contain_text("Harbour Dockworkers Youth Club")


def test_registry_pages_pass_the_accessibility_check(live_server, page: Page, world, login, axe):
    from datetime import date

    from tests.factories import (
        OrganisationFactory,
        PartnershipFactory,
        PersonFactory,
        PositionFactory,
        ResourceOfferFactory,
    )

    clinic = OrganisationFactory(name="Harbour Clinic", acronym="HC", jurisdiction=world.city, sector=world.civil)
    PartnershipFactory(organisation=world.org, partner=clinic, kind="referral")
    PartnershipFactory(organisation=world.other_org, partner=world.org, kind="mou")
    person = PersonFactory(
        full_name="Pat Okafor",
        email="pat@example.org",
        jurisdiction=world.city,
        contact_consent_at=world.org.created_at,
    )
    PositionFactory(person=person, organisation=world.org, title="Youth worker", start_date=date(2024, 1, 1))
    StakeholderMappingFactory(jurisdiction=world.district, organisation=world.org, influence=4, interest=5)
    ResourceOfferFactory(organisation=clinic, title="Counselling hours", quantity=20, unit="hours")
    login(world.alice)
    for path, heading in [
        (f"/registry/organisations/{world.org.pk}/", "Harbour Youth Forum"),
        ("/registry/people/", "People"),
        (f"/registry/people/{person.pk}/", "Pat Okafor"),
        ("/registry/partnerships/", "Partnerships"),
        ("/registry/mapping/", "Stakeholder mapping"),
        (f"/registry/mapping/{world.district.pk}/", "Stakeholder map of North District"),
        (f"/registry/mapping/{world.district.pk}/grid/", "Power/interest grid of North District"),
        ("/registry/offers/", "Resource offers"),
        ("/registry/search/?q=harbour", "Search the registry"),
        ("/registry/people/new/", "Register a person"),
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", name=heading, exact=False).first).to_be_visible()
        assert axe() == [], path
